"""The directory's cast: a portal editor of the national union who keeps the entries, an
organisation of Senegal whose address, phone and e-mail are for members only (the default),
and a person of it whose e-mail is members-only and phone public."""

import pytest

from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.portal.directory import services

SECRET_PHONE = "+221 33 951 12 34"
SECRET_MAIL = "secretariat@graim.example.org"
SECRET_ADDRESS = "Cité Malick Sy, villa 7"


@pytest.fixture
def keeper(federation):
    return user_create(
        by=None,
        username="annuaire",
        organisation=federation.national,
        roles=[Role.PORTAL_EDITOR],
        first_name="Khady",
    )


@pytest.fixture
def graim(federation, keeper):
    return services.institution_create(
        by=keeper,
        owner=federation.national,
        values={
            "name": "Groupe de recherche et d'appui aux initiatives mutualistes",
            "acronym": "GRAIM",
            "kind": "support",
            "membership": "member",
            "country": "SN",
            "other_countries": "ml gn",
            "city": "Thiès",
            "address": SECRET_ADDRESS,
            "phone": SECRET_PHONE,
            "email": SECRET_MAIL,
            "website": "https://graim.example.org",
            "description_fr": "Structure d'appui des mutuelles de Thiès.",
            "description_en": "Support structure of the mutuals of Thiès.",
        },
    )


@pytest.fixture
def fatou(federation, keeper, graim):
    return services.person_create(
        by=keeper,
        owner=federation.national,
        values={
            "name": "Fatou Fall",
            "title": "Coordonnatrice",
            "institution": graim,
            "country": "SN",
            "phone": "+221 77 555 44 33",
            "email": "fatou.fall@example.org",
            "languages": "fr WO",
            "expertise": "Suivi-évaluation des mutuelles, tableaux de bord",
            "members_only": ["email"],
        },
    )
