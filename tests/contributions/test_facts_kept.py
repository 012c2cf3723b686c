"""A household's facts are kept between reads (contributions.queries.facts_of): the claims
uploaded day after day name the same households. Whatever changes what they are worked out
from must give the facts worked out anew: read, changed, read again, they equal those of a
reading with nothing kept.

Mutations these catch: a key that leaves out the payments, the members, the resignation, the
package's revision or the day read up to."""

import datetime

import pytest

from mutualis.benefits.services import package_version_add
from mutualis.contributions import queries
from mutualis.contributions.services import payment_reverse
from mutualis.membership.services import beneficiary_leave, household_resign
from tests.contributions.test_payments import pay

D = datetime.date
UNTIL = D(2025, 3, 1)

pytestmark = pytest.mark.django_db


def facts(household, until=UNTIL):
    return queries.households_of([household.pk], until)[household.pk].facts


def anew(household, until=UNTIL):
    queries.KEPT.clear()
    return facts(household, until)


def test_the_facts_read_again_are_those_kept(family):
    first = facts(family)

    assert facts(family) is first
    assert anew(family) == first


def paid(family):
    pay(family, 1000 + 4 * 3413)


def nothing(family):
    pass


@pytest.mark.parametrize(
    ("given", "change"),
    [
        pytest.param(nothing, paid, id="a payment"),
        pytest.param(
            paid,
            lambda family: payment_reverse(
                by=None, payment=family.payments.get(), reason="Doublon", on=D(2025, 1, 12)
            ),
            id="its reversal",
        ),
        pytest.param(
            paid,
            lambda family: beneficiary_leave(
                by=None, beneficiary=family.beneficiaries.get(first_name="Awa"), on=D(2025, 2, 1)
            ),
            id="a member leaving",
        ),
        pytest.param(
            paid,
            lambda family: household_resign(by=None, household=family, on=D(2025, 2, 15)),
            id="a resignation",
        ),
        pytest.param(
            paid,
            lambda family: package_version_add(
                by=None,
                package=family.package,
                valid_from=D(2025, 2, 1),
                allow_past=True,
                period="year",
                contribution=9000,
                registration_fee=1000,
            ),
            id="a new version of the package",
        ),
    ],
)
def test_a_change_gives_the_facts_worked_out_anew(family, given, change):
    given(family)
    before = facts(family)

    change(family)
    after = facts(family)

    assert after != before
    assert after == anew(family)


def test_a_later_day_reads_the_dues_up_to_it(family):
    paid(family)
    before = facts(family)

    later = facts(family, D(2026, 3, 1))

    assert later.dues != before.dues
    assert later == anew(family, D(2026, 3, 1))
