"""What a household owes and what its payments settle (contributions/rules.py, domain-rules.md §4):
the parts of every contribution — member and each third payer — add up exactly to the amount due
(design-rules.md rule 2); each period is owed under issue 10's rules 3-6 (a first calendar period
prorated, newcomers from their enrolment, dues following the people covered, a household's shares by
its head's category), as the plain reference (tests/contributions/reference.py) reads them."""

import datetime
import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.benefits.choices import Category, NewcomerBilling, PeriodAnchor, Relationship
from mutualis.benefits.terms import Terms
from mutualis.contributions.rules import (
    Household,
    Line,
    Member,
    Overpayment,
    PeriodDue,
    Settled,
    allocate_member_payment,
    allocate_payer_payment,
    grid_of,
    household_dues,
    household_of,
    period_due,
    settlement,
)
from mutualis.core.money import BASIS_POINTS
from mutualis.core.periods import Grid, PeriodUnit, period_start, shift
from tests.contributions import reference

D = datetime.date
DAY = datetime.timedelta(days=1)
STATE, COMMUNE, NGO = 1, 2, 3  # payer ids
PAYERS = (STATE, COMMUNE, NGO)
CATEGORIES = [category.value for category in Category]
units = st.sampled_from(list(PeriodUnit))
anchors = st.sampled_from(list(PeriodAnchor))
days = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
YEARLY = Grid(PeriodUnit.YEAR)


LONG_AGO = D(2020, 1, 1)


def cmu(valid_from=LONG_AGO, contribution=7_000, period=PeriodUnit.YEAR, **changes):
    """Senegal CMU: 7,000 FCFA per beneficiary per year; the State pays 50 % for everyone and
    100 % for the indigent."""
    rules = {
        "valid_from": valid_from,
        "period": period,
        "per_household": False,
        "contribution": contribution,
        "registration_fee": 1_000,
        "subsidies": ((STATE, "", 5_000), (STATE, Category.INDIGENT, BASIS_POINTS)),
    }
    return Terms(**{**rules, **changes})


def terms_of(contribution, per_household=False, subsidies=(), **changes):
    return Terms(
        valid_from=LONG_AGO,
        per_household=per_household,
        contribution=contribution,
        subsidies=subsidies,
        **changes,
    )


def people(*facts):
    """Members numbered in order: (category, enrolled_on[, left_on])."""
    return [Member(key, *fact) for key, fact in enumerate(facts, start=1)]


def parts(due):
    """A period's dues as the member and the payers pay them."""
    return due.member, due.payers


def in_2026(terms, household, enrolled_on=LONG_AGO):
    """What `household`, enrolled on `enrolled_on` (long ago by default), owes for 2026."""
    return period_due(terms, household, D(2026, 1, 1), YEARLY, enrolled_on)


# Strategies


@st.composite
def subsidy_rules(draw):
    """Rules (payer, category or "" for all, basis points) whose shares add up to at most 100 %
    for every category, once a category's rule replaces the payer's rule for all."""
    rules = []
    general = {}
    left = BASIS_POINTS
    for payer in draw(st.lists(st.sampled_from(PAYERS), unique=True)):
        general[payer] = draw(st.integers(min_value=0, max_value=left))
        left -= general[payer]
        rules.append((payer, "", general[payer]))
    for category in draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=3)):
        overriding = draw(st.lists(st.sampled_from(PAYERS), unique=True, min_size=1))
        left = BASIS_POINTS - sum(p for payer, p in general.items() if payer not in overriding)
        for payer in overriding:
            points = draw(st.integers(min_value=0, max_value=left))
            left -= points
            rules.append((payer, category, points))
    return tuple(draw(st.permutations(rules)))


@st.composite
def contribution_terms(draw, valid_from=None, period=None, anchor=None):
    return Terms(
        valid_from=valid_from or draw(days),
        period=period or draw(units),
        period_anchor=anchor or draw(anchors),
        per_household=draw(st.booleans()),
        contribution=draw(st.integers(min_value=0, max_value=50_000)),
        registration_fee=draw(st.integers(min_value=0, max_value=5_000)),
        amounts_by_category=draw(
            st.dictionaries(st.sampled_from(CATEGORIES), st.integers(min_value=0, max_value=50_000))
        ),
        subsidies=draw(subsidy_rules()),
        newcomer_billing=draw(st.sampled_from(list(NewcomerBilling))),
        child_age_limit=draw(st.sampled_from([5, 18, 21])),
        adult_dependants_allowed=draw(st.booleans()),
    )


@st.composite
def members(draw, key):
    enrolled_on = draw(days)
    left_on = draw(
        st.none() | st.dates(min_value=enrolled_on + DAY, max_value=enrolled_on + 900 * DAY)
    )
    relationship = draw(st.sampled_from(list(Relationship)))
    birth_date = draw(st.none() | st.dates(D(2000, 1, 1), D(2028, 12, 31)))
    category = draw(st.sampled_from(CATEGORIES))
    return Member(key, category, enrolled_on, left_on, relationship, birth_date)


@st.composite
def households(draw):
    """Members (keys 1, 2, …) and the day the household enrolled."""
    count = draw(st.integers(min_value=0, max_value=6))
    household = [draw(members(key)) for key in range(1, count + 1)]
    return household, draw(days)


# An independent statement of the rules (tests/contributions/reference.py)


shares_of = reference.shares_of
rounded_half_up = reference.rounded_half_up


def amounts_due(terms, household, start, enrolled_on):
    """The amounts due for a period, one per contribution: (category, amount)."""
    history = reference.History(
        (replace(terms, valid_from=D(1900, 1, 1)),), enrolled_on, None, tuple(household)
    )
    return [(category, amount) for _key, category, amount in history.lines(start)]


def a_period_start(terms, day, enrolled_on):
    """The start of the period of `day`, on the household's grid."""
    return grid_of([replace(terms, valid_from=D(1900, 1, 1))], enrolled_on).start(day)


# period_due


def test_the_senegal_cmu_household_of_two_adults_and_an_indigent_owes_7000_and_the_state_14000():
    # given the CMU terms and a household of two adults and one indigent dependent
    household = people(
        (Category.ADULT, D(2026, 1, 1)),
        (Category.ADULT, D(2026, 1, 1)),
        (Category.INDIGENT, D(2026, 1, 1)),
    )
    # when the year's contribution is computed
    due = in_2026(cmu(), household, D(2026, 1, 1))
    # then the member pays 2 × 3,500 and the State 3,500 × 2 + 7,000
    assert parts(due) == (7_000, {STATE: 14_000})
    assert due.total == 3 * 7_000
    # one line each, in the order they joined
    assert [(line.key, line.member, line.payers) for line in due.lines] == [
        (1, 3_500, {STATE: 3_500}),
        (2, 3_500, {STATE: 3_500}),
        (3, 0, {STATE: 7_000}),
    ]


def test_a_category_amount_replaces_the_contribution():
    terms = terms_of(7_000, amounts_by_category={Category.CHILD: 3_000})
    household = people((Category.ADULT, D(2026, 1, 1)), (Category.CHILD, D(2026, 1, 1)))
    assert in_2026(terms, household, D(2026, 1, 1)).member == 10_000


def test_a_household_contribution_is_owed_once_whatever_the_size_of_the_household():
    # given 20,000 per household and year, a quarter of it paid by the commune
    terms = terms_of(20_000, per_household=True, subsidies=((COMMUNE, "", 2_500),))
    household = people(*[(Category.ADULT, D(2026, 1, 1))] * 7)
    # then the household owes one contribution, split between the member and the commune
    due = in_2026(terms, household, D(2026, 1, 1))
    assert parts(due) == (15_000, {COMMUNE: 5_000})
    assert [line.key for line in due.lines] == [None]
    # and nothing when nobody is active
    gone = people((Category.ADULT, D(2024, 1, 1), D(2025, 6, 1)))
    assert in_2026(terms, gone) == PeriodDue(D(2026, 1, 1), ())


def test_a_household_contribution_is_shared_by_the_heads_category():
    # Rule 6: the State pays 100 % for an indigent household, whoever else is in it
    terms = cmu(per_household=True, contribution=20_000)
    head = Member(2, Category.INDIGENT, D(2026, 1, 1), relationship=Relationship.HEAD)
    spouse = Member(1, Category.ADULT, D(2026, 1, 1), relationship=Relationship.SPOUSE)
    assert parts(in_2026(terms, [spouse, head], D(2026, 1, 1))) == (0, {STATE: 20_000})
    # an adult head's household pays half
    head = replace(head, category=Category.ADULT)
    spouse = replace(spouse, category=Category.INDIGENT)
    assert parts(in_2026(terms, [spouse, head], D(2026, 1, 1))) == (10_000, {STATE: 10_000})


def test_someone_who_left_is_billed_for_the_period_they_left_in_and_a_newcomer_from_joining():
    # This example changed with rules 3 and 4: a child enrolled on 31 December used to owe the
    # whole year. Given a household enrolled long ago, a grandparent who left on 2 January, an
    # adult who left on 1 January (before 2026 began), and a child added on 31 December
    household = people(
        (Category.CHILD, D(2026, 12, 31)),
        (Category.ELDERLY, D(2020, 1, 1), D(2026, 1, 2)),
        (Category.ADULT, D(2020, 1, 1), D(2026, 1, 1)),
    )
    # then the grandparent owes 2026, the adult does not, and the child nothing for 2026 on a
    # package that bills newcomers from the next period…
    assert [line.key for line in in_2026(cmu(), household).lines] == [2]
    assert in_2026(cmu(), household).total == 7_000
    # …or its last day, 7,000 × 1 / 365 = 19.18 → 19, pro rata
    pro_rata = cmu(newcomer_billing=NewcomerBilling.PRO_RATA)
    assert [(line.key, line.total) for line in in_2026(pro_rata, household).lines] == [
        (2, 7_000),
        (1, 19),
    ]


def test_the_first_calendar_period_is_prorated_by_days_rounded_once_half_up():
    # Rule 5: enrolled on 2 July 2026, 183 days of 365 are left: 7,000 × 183 / 365 = 3,509.6
    household = people((Category.ADULT, D(2026, 7, 2)))
    due = in_2026(cmu(), household, D(2026, 7, 2))
    assert due.total == 3_510
    assert parts(due) == (1_755, {STATE: 1_755})
    # rounded once, half up: on a monthly package (31 days in January), 62 × 16 / 31 = 32
    # exactly, 1 × 16 / 31 = 0.52 → 1 and 1 × 15 / 31 = 0.48 → 0
    monthly = terms_of(62, period=PeriodUnit.MONTH)
    january = Grid(PeriodUnit.MONTH)
    joined = people((Category.ADULT, D(2026, 1, 16)))
    assert period_due(monthly, joined, D(2026, 1, 1), january, D(2026, 1, 16)).total == 32
    tiny = terms_of(1, period=PeriodUnit.MONTH)
    assert period_due(tiny, joined, D(2026, 1, 1), january, D(2026, 1, 16)).total == 1
    assert period_due(tiny, joined, D(2026, 1, 1), january, D(2026, 1, 17)).total == 0


def test_anniversary_periods_start_on_the_day_of_enrolment_and_are_whole():
    terms = cmu(period_anchor=PeriodAnchor.ANNIVERSARY)
    household = people((Category.ADULT, D(2026, 7, 2)))
    due = period_due(
        terms, household, D(2026, 7, 2), Grid(PeriodUnit.YEAR, D(2026, 7, 2)), D(2026, 7, 2)
    )
    assert due.total == 7_000


def test_the_rounding_remainder_goes_to_the_member():
    # given a commune paying a third of 1,000 for everyone
    terms = terms_of(1_000, subsidies=((COMMUNE, "", 3_333),))
    household = people(*[(Category.ADULT, D(2026, 1, 1))] * 3)
    # then each contribution is split once (333.3 → 333) and the member pays the rest
    assert parts(in_2026(terms, household, D(2026, 1, 1))) == (3 * 667, {COMMUNE: 3 * 333})


def test_a_category_rule_replaces_the_payers_rule_for_all_and_others_still_pay():
    # given the State 50 % for all but 100 % for the indigent, and a commune 10 % for all
    terms = terms_of(
        7_000,
        subsidies=((STATE, "", 4_000), (COMMUNE, "", 1_000), (STATE, Category.INDIGENT, 9_000)),
    )
    # then the indigent's 7,000 is 6,300 State, 700 commune and nothing for the member
    due = in_2026(terms, people((Category.INDIGENT, D(2026, 1, 1))), D(2026, 1, 1))
    assert parts(due) == (0, {STATE: 6_300, COMMUNE: 700})


@given(terms=contribution_terms(), household=households(), day=days)
def test_the_parts_of_every_contribution_add_up_exactly_to_the_amount_due(terms, household, day):
    household, enrolled_on = household
    day = max(day, enrolled_on)
    grid = grid_of([replace(terms, valid_from=D(1900, 1, 1))], enrolled_on)
    start = grid.start(day)
    due = period_due(terms, household, start, grid, enrolled_on)
    expected = sum(
        amount for _category, amount in amounts_due(terms, household, start, enrolled_on)
    )
    assert due.member + sum(due.payers.values()) == expected
    assert due.total == expected
    assert due.period_start == start
    for line in due.lines:
        assert line.member + sum(line.payers.values()) == line.total


@given(terms=contribution_terms(), household=households(), day=days)
def test_each_payer_pays_its_share_of_each_contribution_rounded_once(terms, household, day):
    household, enrolled_on = household
    day = max(day, enrolled_on)
    grid = grid_of([replace(terms, valid_from=D(1900, 1, 1))], enrolled_on)
    start = grid.start(day)
    due = period_due(terms, household, start, grid, enrolled_on)
    least, most = dict.fromkeys(PAYERS, 0), dict.fromkeys(PAYERS, 0)
    third_parties = 0
    lines = amounts_due(terms, household, start, enrolled_on)
    assert len(due.lines) == len(lines)
    for (category, amount), line in zip(lines, due.lines, strict=True):
        shares = shares_of(terms, category)
        # the payers' total share of a contribution is rounded once...
        assert sum(line.payers.values()) == rounded_half_up(amount, sum(shares.values()))
        third_parties += rounded_half_up(amount, sum(shares.values()))
        # ...and each payer gets its exact share rounded down or up
        for payer, points in shares.items():
            least[payer] += amount * points // BASIS_POINTS
            most[payer] += -(-amount * points // BASIS_POINTS)
    assert sum(due.payers.values()) == third_parties
    for payer in PAYERS:
        assert least[payer] <= due.payers.get(payer, 0) <= most[payer]
    assert all(part > 0 for part in due.payers.values())
    assert due.member >= 0
    assert "member" not in due.payers


@given(terms=contribution_terms(), household=households(), day=days)
def test_lines_follow_the_people_covered_in_the_order_they_joined(terms, household, day):
    # Rules 3 and 4: who is billed, at which amount, in which order, as the reference reads it
    household, enrolled_on = household
    day = max(day, enrolled_on)
    grid = grid_of([replace(terms, valid_from=D(1900, 1, 1))], enrolled_on)
    start = grid.start(day)
    history = reference.History(
        (replace(terms, valid_from=D(1900, 1, 1)),), enrolled_on, None, tuple(household)
    )
    due = period_due(terms, household, start, grid, enrolled_on)
    assert [(line.key, line.total) for line in due.lines] == [
        (key, amount) for key, _category, amount in history.lines(start)
    ]


def test_two_payers_of_half_an_odd_amount_leave_the_member_nothing_to_pay_not_a_credit():
    # given a State and a commune paying half each of a 7,001 contribution
    terms = terms_of(7_001, subsidies=((STATE, "", 5_000), (COMMUNE, "", 5_000)))
    due = in_2026(terms, people((Category.INDIGENT, D(2026, 1, 1))), D(2026, 1, 1))
    # then they pay 7,001 between them, and the member 0 (it was -1: 3,501 + 3,501)
    assert parts(due) == (0, {STATE: 3_501, COMMUNE: 3_500})


# household_dues


def test_the_senegal_cmu_household_owes_every_year_from_its_enrolment():
    # given a household of two adults and an indigent dependent, enrolled on 15 March 2026
    enrolled_on = D(2026, 3, 15)
    household = people(
        (Category.ADULT, enrolled_on),
        (Category.ADULT, enrolled_on),
        (Category.INDIGENT, enrolled_on),
    )
    # when its dues are listed until mid-2027
    dues = household_dues([cmu()], household, enrolled_on, until=D(2027, 6, 30))
    # then it owes 2026 and 2027, the member 7,000 and the State 14,000 a year — but for 2026,
    # which changed with rule 5: the days left of it, 7,000 × 292 / 365 = 5,600 each
    assert [(due.period_start, *parts(due)) for due in dues] == [
        (D(2026, 1, 1), 5_600, {STATE: 11_200}),
        (D(2027, 1, 1), 7_000, {STATE: 14_000}),
    ]


def test_nothing_is_owed_after_the_resignation():
    # given a household paying by month, enrolled on 10 January, resigned on 15 April
    household = people((Category.ADULT, D(2026, 1, 10)))
    terms = [cmu(period=PeriodUnit.MONTH, contribution=600)]
    dues = household_dues(terms, household, D(2026, 1, 10), D(2026, 12, 31), D(2026, 4, 15))
    # then it owes January to April, April included, and nothing after
    assert [due.period_start for due in dues] == [D(2026, month, 1) for month in (1, 2, 3, 4)]
    # January for its 22 days left: 600 × 22 / 31 = 425.8 → 426
    assert [due.total for due in dues] == [426, 600, 600, 600]
    # and resigning on 1 May changes nothing: May is not owed
    dues = household_dues(terms, household, D(2026, 1, 10), D(2026, 12, 31), D(2026, 5, 1))
    assert [due.period_start for due in dues][-1] == D(2026, 4, 1)


def test_a_household_that_resigned_on_its_enrolment_day_owes_nothing():
    # The failing example that showed the bug: enrolled and resigned on 15 March 2026, the
    # household was asked for the whole year 2026 although it was never a member for a day.
    household = people((Category.ADULT, D(2026, 3, 15)))
    assert household_dues([cmu()], household, D(2026, 3, 15), D(2026, 12, 31), D(2026, 3, 15)) == []


def test_nothing_is_owed_before_the_enrolment():
    # given a household registered in advance, enrolled from 15 March
    household = people((Category.ADULT, D(2026, 3, 15)))
    # then on 1 March it owes nothing yet, although 1 March lies in its first period
    assert household_dues([cmu()], household, D(2026, 3, 15), until=D(2026, 3, 1)) == []


def test_nothing_is_owed_without_a_package_at_enrolment():
    household = people((Category.ADULT, D(2026, 3, 15)))
    assert household_dues([cmu(D(2026, 6, 1))], household, D(2026, 3, 15), D(2027, 1, 1)) == []


def test_each_period_is_owed_under_the_version_in_force_when_it_begins():
    # given a version from June 2026 at 7,000 and a new one at 8,000 from 1 January 2027
    versions = [cmu(D(2027, 1, 1), contribution=8_000), cmu(D(2026, 6, 1))]
    household = people((Category.ADULT, D(2026, 7, 1)))
    # when a household enrolled in July 2026 lists its dues to 2028
    dues = household_dues(versions, household, D(2026, 7, 1), D(2028, 1, 1))
    # then 2026 — begun before either version, owed under the one in force at enrolment, for
    # its days left since rule 5 (7,000 × 184 / 365 = 3,528.8) — and then the new amount
    assert [due.total for due in dues] == [3_529, 8_000, 8_000]


@st.composite
def histories(draw):
    unit, anchor = draw(units), draw(anchors)
    starts = draw(st.lists(days, min_size=1, max_size=3, unique=True))
    versions = [draw(contribution_terms(start, unit, anchor)) for start in starts]
    enrolled_on = draw(days)
    until = draw(st.dates(min_value=enrolled_on - 400 * DAY, max_value=enrolled_on + 1500 * DAY))
    resigned_on = draw(
        st.none() | st.dates(min_value=enrolled_on, max_value=enrolled_on + 1500 * DAY)
    )
    return unit, versions, enrolled_on, until, resigned_on


version_on = reference.version_on


@given(history=histories(), household=households())
def test_household_dues_list_each_period_once_from_enrolment_to_until_and_none_after_resignation(
    history, household
):
    unit, versions, enrolled_on, until, resigned_on = history
    household, _ = household
    dues = household_dues(versions, household, enrolled_on, until, resigned_on)
    starts = [due.period_start for due in dues]
    last_day = until if resigned_on is None else min(until, resigned_on - DAY)
    if version_on(versions, enrolled_on) is None or last_day < enrolled_on:
        assert dues == []
        return
    grid = grid_of(versions, enrolled_on)
    if version_on(versions, enrolled_on).period_anchor == PeriodAnchor.ANNIVERSARY:
        assert grid.start(enrolled_on) == enrolled_on
    else:
        assert grid == Grid(unit)
    # one period after the other, from the one of the enrolment to the one containing the last
    # day (until, or the day before the resignation)
    assert starts[0] == grid.start(enrolled_on)
    assert starts[-1] == grid.start(last_day)
    for earlier, later in itertools.pairwise(starts):
        assert later == grid.shift(earlier)
    if resigned_on is not None:
        assert all(start < resigned_on for start in starts)
    # each under the version in force when it begins, or at enrolment for the first
    for due in dues:
        terms = version_on(versions, max(due.period_start, enrolled_on))
        assert due == period_due(terms, household, due.period_start, grid, enrolled_on)
        expected = amounts_due(terms, household, due.period_start, enrolled_on)
        assert due.total == sum(amount for _c, amount in expected)


# allocate_member_payment


JANUARY, FEBRUARY, MARCH = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)


def test_a_payment_settles_the_fee_then_the_oldest_period_first():
    parts = allocate_member_payment(5_000, 1_000, [(JANUARY, 3_500), (FEBRUARY, 3_500)])
    assert parts == [
        ("registration_fee", None, 1_000),
        ("contribution", JANUARY, 3_500),
        ("contribution", FEBRUARY, 500),
    ]


def test_a_payment_larger_than_everything_owed_is_refused_with_the_most_that_can_be_taken():
    with pytest.raises(Overpayment) as refused:
        allocate_member_payment(9_000, 1_000, [(JANUARY, 3_500), (FEBRUARY, 3_500)])
    assert refused.value.most == 8_000


def test_a_period_already_paid_gets_nothing_more():
    # given January paid in full, and February partly
    parts = allocate_member_payment(3_000, 0, [(JANUARY, 0), (FEBRUARY, 2_000), (MARCH, 3_500)])
    # then the payment goes to what is still outstanding
    assert parts == [("contribution", FEBRUARY, 2_000), ("contribution", MARCH, 1_000)]


@st.composite
def outstanding_periods(draw):
    first = period_start(draw(days), PeriodUnit.MONTH)
    dues = draw(st.lists(st.integers(min_value=0, max_value=10_000), max_size=8))
    return [(shift(first, PeriodUnit.MONTH, n), due) for n, due in enumerate(dues)]


fees = st.integers(min_value=0, max_value=2_000)


@given(fee=fees, outstanding=outstanding_periods(), data=st.data())
def test_a_payment_never_pays_more_than_is_outstanding_and_fills_the_oldest_first(
    fee, outstanding, data
):
    most = fee + sum(due for _start, due in outstanding)
    amount = data.draw(st.integers(min_value=0, max_value=most))
    parts = allocate_member_payment(amount, fee, outstanding)
    paid = {start: part for _kind, start, part in parts}
    # everything is allocated, nothing twice, no empty line
    assert sum(paid.values()) == amount
    assert len(paid) == len(parts)
    assert all(part > 0 for part in paid.values())
    assert all((kind == "registration_fee") == (start is None) for kind, start, _part in parts)
    # the fee first, then each period up to what it is owed, oldest first
    owed = [(None, fee), *outstanding]
    for position, (start, due) in enumerate(owed):
        assert paid.get(start, 0) <= due
        if paid.get(start, 0):
            assert all(paid.get(s, 0) == d for s, d in owed[:position])


@given(fee=fees, outstanding=outstanding_periods(), extra=st.integers(min_value=1, max_value=10**6))
def test_a_payment_larger_than_all_that_is_owed_is_refused(fee, outstanding, extra):
    most = fee + sum(due for _start, due in outstanding)
    with pytest.raises(Overpayment) as refused:
        allocate_member_payment(most + extra, fee, outstanding)
    assert refused.value.most == most


@given(fee=fees, outstanding=outstanding_periods(), data=st.data())
def test_allocation_never_pays_a_period_twice(fee, outstanding, data):
    # given a first payment
    most = fee + sum(due for _start, due in outstanding)
    first = allocate_member_payment(data.draw(st.integers(0, most)), fee, outstanding)
    paid = {start: part for _kind, start, part in first}
    # when what it paid is fed back as no longer outstanding, and a second payment comes in
    fee_left = fee - paid.get(None, 0)
    left = [(start, due - paid.get(start, 0)) for start, due in outstanding]
    second = allocate_member_payment(
        data.draw(st.integers(0, fee_left + sum(d for _s, d in left))), fee_left, left
    )
    # then the second gets nothing where the first paid in full, and no period gets more than
    # it was owed in all
    settled = {start for start, due in [(None, fee), *outstanding] if paid.get(start, 0) == due}
    assert not {start for _kind, start, _part in second} & settled
    for start, due in [(None, fee), *outstanding]:
        assert paid.get(start, 0) + sum(p for _k, s, p in second if s == start) <= due


def test_a_third_payers_payment_follows_the_order_given():
    outstanding = [(("Diop", JANUARY), 3_500), (("Fall", JANUARY), 7_000)]
    assert allocate_payer_payment(5_000, outstanding) == [
        (("Diop", JANUARY), 3_500),
        (("Fall", JANUARY), 1_500),
    ]
    with pytest.raises(Overpayment) as refused:
        allocate_payer_payment(20_000, outstanding)
    assert refused.value.most == 10_500


# settlement


def fee(day, amount=1_000):
    return Settled(day, "registration_fee", None, amount)


def contribution(day, period, amount):
    return Settled(day, "contribution", period, amount)


def one_line(start, member, payers=None):
    return PeriodDue(start, (Line(1, member, payers or {}),))


MONTHLY_DUES = [one_line(JANUARY, 3_500), one_line(FEBRUARY, 3_500)]


def covered_from(dues, registration_fee, allocations, enrolled_on=None):
    """The day the household's one beneficiary comes into cover (None: not yet), for `dues`
    and what `allocations` settled of them."""
    first = dues[0].period_start
    terms = Terms(valid_from=LONG_AGO, period=PeriodUnit.MONTH, registration_fee=registration_fee)
    enrolled_on = enrolled_on or first
    household = Household(
        enrolled_on,
        None,
        (terms,),
        (Member(1, Category.ADULT, enrolled_on),),
        tuple(dues),
        settlement(dues, registration_fee, allocations),
    )
    return household.cover(1).begins


def test_a_household_is_in_cover_from_the_day_its_fee_and_first_period_are_both_settled():
    # given the fee paid on 5 January and January's share on 20 January
    paid = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 20), JANUARY, 3_500)]
    # then January is paid and the household is in cover from the 20th
    result = settlement(MONTHLY_DUES, 1_000, paid)
    assert result.paid_periods == {JANUARY}
    assert covered_from(MONTHLY_DUES, 1_000, paid) == D(2026, 1, 20)
    assert result.fee_paid == 1_000


def test_a_household_is_not_in_cover_until_both_the_fee_and_the_first_period_are_settled():
    # only the fee
    assert covered_from(MONTHLY_DUES, 1_000, [fee(D(2026, 1, 5))]) is None
    # only the first period
    only_january = [contribution(D(2026, 1, 5), JANUARY, 3_500)]
    assert covered_from(MONTHLY_DUES, 1_000, only_january) is None
    # the fee and part of the first period
    part = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 5), JANUARY, 3_499)]
    assert covered_from(MONTHLY_DUES, 1_000, part) is None
    # the fee and a later period, not the first
    later = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 5), FEBRUARY, 3_500)]
    assert covered_from(MONTHLY_DUES, 1_000, later) is None
    assert settlement(MONTHLY_DUES, 1_000, later).paid_periods == {FEBRUARY}


def test_a_period_paid_in_instalments_is_settled_by_the_last_one():
    paid = [
        fee(D(2026, 1, 3)),
        contribution(D(2026, 1, 3), JANUARY, 2_000),
        contribution(D(2026, 2, 2), JANUARY, 1_500),
    ]
    assert covered_from(MONTHLY_DUES, 1_000, paid) == D(2026, 2, 2)
    assert settlement(MONTHLY_DUES, 1_000, paid).lines_settled[JANUARY][0].on == D(2026, 2, 2)


def test_each_line_of_a_period_is_settled_when_the_money_reaches_it_and_those_before_it():
    # Rule 3: a period's lines in the order the beneficiaries joined; a payment settles them in
    # that order, so that what was paid for those already there stays theirs
    dues = [PeriodDue(JANUARY, (Line(1, 3_500, {}), Line(2, 1_000, {}), Line(3, 0, {})))]
    paid = [contribution(D(2026, 1, 5), JANUARY, 4_000), contribution(D(2026, 1, 9), JANUARY, 500)]
    settled = settlement(dues, 0, paid).lines_settled[JANUARY]
    assert [line.on for line in settled] == [D(2026, 1, 5), D(2026, 1, 9), D(2026, 1, 9)]
    assert settlement(dues, 0, paid[:1]).lines_settled[JANUARY] == (settled[0], None, None)


def test_a_back_dated_payment_counts_from_the_day_received_and_waits_from_the_day_recorded():
    late = Settled(D(2026, 1, 5), "contribution", JANUARY, 3_500, recorded_on=D(2026, 2, 1))
    (settled,) = settlement(MONTHLY_DUES, 0, [late]).lines_settled[JANUARY]
    assert (settled.on, settled.counted_from) == (D(2026, 1, 5), D(2026, 2, 1))


def test_cover_paid_in_advance_starts_with_the_first_period():
    paid = [fee(D(2025, 12, 20)), contribution(D(2025, 12, 20), JANUARY, 3_500)]
    assert covered_from(MONTHLY_DUES, 1_000, paid) == JANUARY


def test_a_fully_subsidised_first_period_counts_as_settled_from_its_start():
    # given an indigent household whose member share is nil and a package without a fee
    dues = [one_line(JANUARY, 0, {STATE: 7_000})]
    # then it is in cover from the period's start, with nothing paid
    assert settlement(dues, 0, []).paid_periods == {JANUARY}
    assert covered_from(dues, 0, []) == JANUARY


def test_a_fully_subsidised_first_period_stays_settled_from_its_start_whatever_is_paid_to_it():
    # The failing example that showed the bug: a member share recomputed to nil (the household
    # turned out indigent) after the household had paid 3,500 to it on 10 January: its cover
    # was dated from the 10th, not from the period's start as the docstring says.
    dues = [one_line(JANUARY, 0, {STATE: 7_000})]
    assert covered_from(dues, 0, [contribution(D(2026, 1, 10), JANUARY, 3_500)]) == JANUARY


def test_a_reversal_unsettles_the_period_it_takes_back():
    # given January and February paid, then February's payment reversed (a bounced transfer)
    paid = [
        fee(D(2026, 1, 5)),
        contribution(D(2026, 1, 5), JANUARY, 3_500),
        contribution(D(2026, 2, 3), FEBRUARY, 3_500),
        contribution(D(2026, 2, 10), FEBRUARY, -3_500),
    ]
    result = settlement(MONTHLY_DUES, 1_000, paid)
    # then February is no longer paid, and January still is
    assert result.paid_periods == {JANUARY}
    assert result.paid_by_period[FEBRUARY] == 0
    assert covered_from(MONTHLY_DUES, 1_000, paid) == D(2026, 1, 5)


def test_a_reversal_of_the_first_period_takes_the_household_out_of_cover_until_paid_again():
    paid = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 5), JANUARY, 3_500)]
    reversed_ = [*paid, contribution(D(2026, 1, 9), JANUARY, -3_500)]
    assert covered_from(MONTHLY_DUES, 1_000, reversed_) is None
    paid_again = [*reversed_, contribution(D(2026, 1, 12), JANUARY, 3_500)]
    assert covered_from(MONTHLY_DUES, 1_000, paid_again) == D(2026, 1, 12)


def test_allocations_count_in_the_order_they_were_received():
    paid = [contribution(D(2026, 1, 20), JANUARY, 3_500), fee(D(2026, 1, 5))]
    assert covered_from(MONTHLY_DUES, 1_000, paid) == D(2026, 1, 20)


@st.composite
def settlements(draw):
    first = period_start(draw(days), PeriodUnit.MONTH)
    shares = draw(st.lists(st.just(0) | st.integers(0, 5_000), min_size=1, max_size=6))
    dues = [one_line(shift(first, PeriodUnit.MONTH, n), s) for n, s in enumerate(shares)]
    registration_fee = draw(st.sampled_from([0, 500, 1_000]))
    targets = [None, *(due.period_start for due in dues)]
    around = st.dates(min_value=first - 40 * DAY, max_value=first + 250 * DAY)
    allocations = []
    for _ in range(draw(st.integers(min_value=0, max_value=10))):
        target = draw(st.sampled_from(targets))
        kind = "registration_fee" if target is None else "contribution"
        allocations.append(Settled(draw(around), kind, target, draw(st.integers(1, 4_000))))
    # some of them are reversed later: the same amount, negative
    for allocation in (
        draw(st.lists(st.sampled_from(allocations), unique=True)) if allocations else []
    ):
        day = draw(st.dates(min_value=allocation.received_on, max_value=first + 300 * DAY))
        allocations.append(
            Settled(day, allocation.kind, allocation.period_start, -allocation.amount)
        )
    return dues, registration_fee, draw(st.permutations(allocations))


def settled_since(movements, enough, beginning):
    """The day from which a running total has stayed at `enough` or more (`beginning` if it
    always has), or None when it is short at the end; movements are (day, amount). Nothing
    to pay is settled from the `beginning`, whatever is paid and taken back."""
    if enough <= 0:
        return beginning
    total = 0
    since = beginning if total >= enough else None
    for day, amount in sorted(movements, key=lambda movement: movement[0]):
        was_enough = total >= enough
        total += amount
        if total < enough:
            since = None
        elif not was_enough:
            since = day
    return since


@given(case=settlements())
def test_settlement_agrees_with_the_running_totals(case):
    dues, registration_fee, allocations = case
    result = settlement(dues, registration_fee, allocations)
    to_fee = [(a.received_on, a.amount) for a in allocations if a.kind == "registration_fee"]
    to_period = {
        due.period_start: [
            (a.received_on, a.amount) for a in allocations if a.period_start == due.period_start
        ]
        for due in dues
    }
    # a period is paid iff what was allocated to it reaches its member share
    assert result.paid_periods == {
        due.period_start
        for due in dues
        if sum(a for _d, a in to_period[due.period_start]) >= due.member
    }
    assert result.fee_paid == sum(amount for _day, amount in to_fee)
    # in cover from the day both the fee and the first period were settled for good
    first = dues[0]
    fee_since = settled_since(to_fee, registration_fee, D.min)
    first_since = settled_since(to_period[first.period_start], first.member, first.period_start)
    if fee_since is None or first_since is None:
        assert covered_from(dues, registration_fee, allocations) is None
    else:
        assert covered_from(dues, registration_fee, allocations) == max(
            fee_since, first_since, first.period_start
        )


@given(case=settlements())
def test_a_reversal_that_unsettles_a_period_removes_it_from_the_paid_periods(case):
    dues, registration_fee, allocations = case
    before = settlement(dues, registration_fee, allocations)
    was = covered_from(dues, registration_fee, allocations)
    for due in dues:
        # a reversal that leaves the period one short of its member share
        owed = due.member - before.paid_by_period.get(due.period_start, 0)
        reversal = contribution(D(2030, 1, 1), due.period_start, min(owed - 1, -1))
        after = settlement(dues, registration_fee, [*allocations, reversal])
        if due.member == 0:
            # nothing to pay is settled from the period's start, whatever is taken back
            assert after.paid_periods == before.paid_periods
            continue
        assert after.paid_periods == before.paid_periods - {due.period_start}
        if due is dues[0]:
            assert covered_from(dues, registration_fee, [*allocations, reversal]) is None
        else:
            assert covered_from(dues, registration_fee, [*allocations, reversal]) == was


def test_a_fully_subsidised_household_is_not_in_cover_before_its_enrolment():
    # given an indigent household joining on 15 March of an annual scheme, nothing to pay
    terms = Terms(valid_from=D(2025, 1, 1), contribution=7000, subsidies=((1, "", 10000),))
    members = [Member(1, "indigent", D(2025, 3, 15))]
    household = household_of([terms], D(2025, 3, 15), None, members, [], D(2025, 6, 1))
    # then its cover (and waiting period) starts on the day it joined
    assert household.cover(1).begins == D(2025, 3, 15)
    assert household.cover(1).waits_from == D(2025, 3, 15)
