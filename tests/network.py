"""The smallest network the tests that run separate processes set up through the services (the
crash tests, the two installations): a national union, its mutual M1 and the union's CMU
package, and households in it, so that every row has its events."""

import datetime

from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.services import package_create, package_version_add
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind
from mutualis.federation.services import organisation_create
from mutualis.membership.models import Household
from mutualis.membership.services import household_enrol


def small_network() -> tuple[Organisation, BenefitPackage]:
    """The mutual M1 and its package: 7,000 XOF a year, no waiting, consultations at health
    posts paid at 80 %."""
    union = organisation_create(
        by=None, kind=Kind.NATIONAL_UNION, parent=None, code="UN", name="Union nationale"
    )
    mutual = organisation_create(
        by=None,
        kind=Kind.MUTUAL,
        parent=union,
        code="M1",
        name="Mutuelle de Joal",
        currency="XOF",
        mutual_type="community",
    )
    package = package_create(by=None, owner=union, code="CMU", name="Paquet CMU")
    package_version_add(
        by=None,
        package=package,
        valid_from=datetime.date(2024, 1, 1),
        period="year",
        contribution=7000,
        registration_fee=1000,
        waiting_days=0,
        grace_days=30,
        coverage=[{"service_category": "consultation", "level": "health_post", "rate_bp": 8000}],
    )
    return mutual, package


def heads_enrolled(
    mutual: Organisation, package: BenefitPackage, count: int, name: str
) -> list[Household]:
    """`count` households of one head each (`name`0, `name`1…), enrolled on 10 January 2025."""
    return [
        household_enrol(
            by=None,
            mutual=mutual,
            package=package,
            enrolled_on=datetime.date(2025, 1, 10),
            head={
                "first_name": f"{name}{n}",
                "last_name": "Diop",
                "sex": "F",
                "birth_date": datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
                "relationship": "head",
            },
            acknowledge_duplicates=True,
        )
        for n in range(count)
    ]
