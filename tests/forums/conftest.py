"""The forums' cast: a theme of the national union, its moderator (a portal editor of the
national union), and people of the mutual M1 who post."""

import pytest

from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.portal.forums import services


@pytest.fixture
def moderator(federation):
    return user_create(
        by=None,
        username="moderator",
        organisation=federation.national,
        roles=[Role.PORTAL_EDITOR],
        first_name="Afiavi",
        email="moderateur@example.org",
    )


@pytest.fixture
def theme(federation, moderator):
    return services.theme_create(
        by=moderator, owner=federation.national, title="Cotisations", description="Recouvrer."
    )


@pytest.fixture
def manager(cast):
    user = cast[Role.MUTUAL_MANAGER]
    user.email = "gerant@example.org"
    user.save()
    return user


@pytest.fixture
def cashier(cast):
    user = cast[Role.CASHIER]
    user.email = "caisse@example.org"
    user.save()
    return user


@pytest.fixture
def topic(theme, manager):
    return services.topic_post(
        by=manager,
        theme=theme,
        title="Recouvrement en saison sèche",
        body="Comment faites-vous ?",
        language="fr",
    )
