"""What a household owes and what its payments settle (contributions/rules.py, DOMAIN.md §3):
the parts of every contribution — member and each third payer — add up exactly to the amount
due (DESIGN.md rule 2)."""

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.benefits.choices import Category
from mutualis.contributions.rules import (
    MEMBER,
    ContributionTerms,
    Member,
    Overpayment,
    PeriodDue,
    Settled,
    allocate_member_payment,
    allocate_payer_payment,
    household_dues,
    period_due,
    settlement,
)
from mutualis.core.money import BASIS_POINTS
from mutualis.core.periods import PeriodUnit, period_end, period_start, shift

D = datetime.date
DAY = datetime.timedelta(days=1)
STATE, COMMUNE, NGO = 1, 2, 3  # payer ids
PAYERS = (STATE, COMMUNE, NGO)
CATEGORIES = [category.value for category in Category]
units = st.sampled_from(list(PeriodUnit))
days = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))


LONG_AGO = D(2020, 1, 1)


def cmu(valid_from=LONG_AGO, contribution=7_000, period=PeriodUnit.YEAR):
    """Senegal CMU: 7,000 FCFA per beneficiary per year; the State pays 50 % for everyone and
    100 % for the indigent."""
    return ContributionTerms(
        valid_from=valid_from,
        period=period,
        per_household=False,
        contribution=contribution,
        registration_fee=1_000,
        subsidies=((STATE, "", 5_000), (STATE, Category.INDIGENT, BASIS_POINTS)),
    )


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
def contribution_terms(draw, valid_from=None, period=None):
    return ContributionTerms(
        valid_from=valid_from or draw(days),
        period=period or draw(units),
        per_household=draw(st.booleans()),
        contribution=draw(st.integers(min_value=0, max_value=50_000)),
        registration_fee=draw(st.integers(min_value=0, max_value=5_000)),
        amounts_by_category=draw(
            st.dictionaries(st.sampled_from(CATEGORIES), st.integers(min_value=0, max_value=50_000))
        ),
        subsidies=draw(subsidy_rules()),
    )


@st.composite
def members(draw):
    enrolled_on = draw(days)
    left_on = draw(
        st.none() | st.dates(min_value=enrolled_on + DAY, max_value=enrolled_on + 900 * DAY)
    )
    return Member(draw(st.sampled_from(CATEGORIES)), enrolled_on, left_on)


households = st.lists(members(), max_size=6)


# An independent statement of the rules


def shares_of(terms, category):
    """Each payer's share for a category: its rule for the category, else its rule for all."""
    shares = {
        payer: points for payer, rule_category, points in terms.subsidies if not rule_category
    }
    shares.update(
        {
            payer: points
            for payer, rule_category, points in terms.subsidies
            if rule_category == category
        }
    )
    return shares


def rounded_half_up(amount, points):
    return (2 * amount * points + BASIS_POINTS) // (2 * BASIS_POINTS)


def is_active(member, start, end):
    """Some day of the period lies between the member's enrolment and the day they left."""
    first_day = max(start, member.enrolled_on)
    return first_day <= end and (member.left_on is None or first_day < member.left_on)


def amounts_due(terms, household, start):
    """The amounts due for a period, one per contribution: (category, amount)."""
    end = period_end(start, terms.period)
    active = [member for member in household if is_active(member, start, end)]
    if terms.per_household:
        return [("", terms.contribution)] if active else []
    return [
        (m.category, terms.amounts_by_category.get(m.category, terms.contribution)) for m in active
    ]


# period_due


def test_the_senegal_cmu_household_of_two_adults_and_an_indigent_owes_7000_and_the_state_14000():
    # given the CMU terms and a household of two adults and one indigent dependent
    household = [
        Member(Category.ADULT, D(2026, 1, 1)),
        Member(Category.ADULT, D(2026, 1, 1)),
        Member(Category.INDIGENT, D(2026, 1, 1)),
    ]
    # when the year's contribution is computed
    due = period_due(cmu(), household, D(2026, 1, 1))
    # then the member pays 2 × 3,500 and the State 3,500 × 2 + 7,000
    assert due == PeriodDue(D(2026, 1, 1), member=7_000, payers={STATE: 14_000})
    assert due.total == 3 * 7_000


def test_a_category_amount_replaces_the_contribution():
    terms = ContributionTerms(
        D(2020, 1, 1), PeriodUnit.YEAR, False, 7_000, amounts_by_category={Category.CHILD: 3_000}
    )
    household = [Member(Category.ADULT, D(2026, 1, 1)), Member(Category.CHILD, D(2026, 1, 1))]
    assert period_due(terms, household, D(2026, 1, 1)).member == 10_000


def test_a_household_contribution_is_owed_once_whatever_the_size_of_the_household():
    # given 20,000 per household and year, a quarter of it paid by the commune
    terms = ContributionTerms(
        D(2020, 1, 1), PeriodUnit.YEAR, True, 20_000, subsidies=((COMMUNE, "", 2_500),)
    )
    household = [Member(Category.ADULT, D(2026, 1, 1)) for _ in range(7)]
    # then the household owes one contribution, split between the member and the commune
    assert period_due(terms, household, D(2026, 1, 1)) == PeriodDue(
        D(2026, 1, 1), 15_000, {COMMUNE: 5_000}
    )
    # and nothing when nobody is active
    gone = [Member(Category.ADULT, D(2024, 1, 1), left_on=D(2025, 6, 1))]
    assert period_due(terms, gone, D(2026, 1, 1)) == PeriodDue(D(2026, 1, 1), 0, {})


def test_a_beneficiary_active_on_any_day_of_the_period_owes_the_whole_period():
    # given a child born into the household in December, and a grandparent who left in January
    household = [
        Member(Category.CHILD, D(2026, 12, 31)),
        Member(Category.ELDERLY, D(2020, 1, 1), left_on=D(2026, 1, 2)),
        Member(Category.ADULT, D(2020, 1, 1), left_on=D(2026, 1, 1)),  # left before it began
    ]
    # then both owe the 2026 contribution, the one who left on 1 January does not
    assert period_due(cmu(), household, D(2026, 1, 1)).total == 2 * 7_000


def test_the_rounding_remainder_goes_to_the_member():
    # given a commune paying a third of 1,000 for everyone
    terms = ContributionTerms(
        D(2020, 1, 1), PeriodUnit.YEAR, False, 1_000, subsidies=((COMMUNE, "", 3_333),)
    )
    household = [Member(Category.ADULT, D(2026, 1, 1)) for _ in range(3)]
    # then each contribution is split once (333.3 → 333) and the member pays the rest
    assert period_due(terms, household, D(2026, 1, 1)) == PeriodDue(
        D(2026, 1, 1), 3 * 667, {COMMUNE: 3 * 333}
    )


def test_a_category_rule_replaces_the_payers_rule_for_all_and_others_still_pay():
    # given the State 50 % for all but 100 % for the indigent, and a commune 10 % for all
    terms = ContributionTerms(
        D(2020, 1, 1),
        PeriodUnit.YEAR,
        False,
        7_000,
        subsidies=((STATE, "", 4_000), (COMMUNE, "", 1_000), (STATE, Category.INDIGENT, 9_000)),
    )
    # then the indigent's 7,000 is 6,300 State, 700 commune and nothing for the member
    due = period_due(terms, [Member(Category.INDIGENT, D(2026, 1, 1))], D(2026, 1, 1))
    assert due == PeriodDue(D(2026, 1, 1), 0, {STATE: 6_300, COMMUNE: 700})


@given(terms=contribution_terms(), household=households, day=days)
def test_the_parts_of_every_contribution_add_up_exactly_to_the_amount_due(terms, household, day):
    start = period_start(day, terms.period)
    due = period_due(terms, household, start)
    expected = sum(amount for _category, amount in amounts_due(terms, household, start))
    assert due.member + sum(due.payers.values()) == expected
    assert due.total == expected
    assert due.period_start == start


@given(terms=contribution_terms(), household=households, day=days)
def test_each_payer_pays_its_share_of_each_contribution_rounded_once(terms, household, day):
    start = period_start(day, terms.period)
    due = period_due(terms, household, start)
    least, most = dict.fromkeys(PAYERS, 0), dict.fromkeys(PAYERS, 0)
    third_parties = 0
    for category, amount in amounts_due(terms, household, start):
        shares = shares_of(terms, category)
        # the payers' total share of a contribution is rounded once...
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
    assert MEMBER not in due.payers


def test_two_payers_of_half_an_odd_amount_leave_the_member_nothing_to_pay_not_a_credit():
    # given a State and a commune paying half each of a 7,001 contribution
    terms = ContributionTerms(
        LONG_AGO,
        PeriodUnit.YEAR,
        False,
        7_001,
        subsidies=((STATE, "", 5_000), (COMMUNE, "", 5_000)),
    )
    due = period_due(terms, [Member(Category.INDIGENT, D(2026, 1, 1))], D(2026, 1, 1))
    # then they pay 7,001 between them, and the member 0 (it was -1: 3,501 + 3,501)
    assert due == PeriodDue(D(2026, 1, 1), 0, {STATE: 3_501, COMMUNE: 3_500})


# household_dues


def test_the_senegal_cmu_household_owes_every_year_from_its_enrolment():
    # given a household of two adults and an indigent dependent, enrolled in March 2026
    enrolled_on = D(2026, 3, 15)
    household = [
        Member(Category.ADULT, enrolled_on),
        Member(Category.ADULT, enrolled_on),
        Member(Category.INDIGENT, enrolled_on),
    ]
    # when its dues are listed until mid-2027
    dues = household_dues([cmu()], household, enrolled_on, until=D(2027, 6, 30))
    # then it owes 2026 and 2027, the member 7,000 and the State 14,000 each year
    assert dues == [
        PeriodDue(D(2026, 1, 1), 7_000, {STATE: 14_000}),
        PeriodDue(D(2027, 1, 1), 7_000, {STATE: 14_000}),
    ]


def test_nothing_is_owed_after_the_resignation():
    # given a household paying by month, enrolled on 10 January, resigned on 15 April
    household = [Member(Category.ADULT, D(2026, 1, 10))]
    terms = [cmu(period=PeriodUnit.MONTH, contribution=600)]
    dues = household_dues(terms, household, D(2026, 1, 10), D(2026, 12, 31), D(2026, 4, 15))
    # then it owes January to April, April included, and nothing after
    assert [due.period_start for due in dues] == [D(2026, month, 1) for month in (1, 2, 3, 4)]
    # and resigning on 1 May changes nothing: May is not owed
    dues = household_dues(terms, household, D(2026, 1, 10), D(2026, 12, 31), D(2026, 5, 1))
    assert [due.period_start for due in dues][-1] == D(2026, 4, 1)


def test_a_household_that_resigned_on_its_enrolment_day_owes_nothing():
    # The failing example that showed the bug: enrolled and resigned on 15 March 2026, the
    # household was asked for the whole year 2026 although it was never a member for a day.
    household = [Member(Category.ADULT, D(2026, 3, 15))]
    assert household_dues([cmu()], household, D(2026, 3, 15), D(2026, 12, 31), D(2026, 3, 15)) == []


def test_nothing_is_owed_before_the_enrolment():
    # given a household registered in advance, enrolled from 15 March
    household = [Member(Category.ADULT, D(2026, 3, 15))]
    # then on 1 March it owes nothing yet, although 1 March lies in its first period
    assert household_dues([cmu()], household, D(2026, 3, 15), until=D(2026, 3, 1)) == []


def test_nothing_is_owed_without_a_package_at_enrolment():
    household = [Member(Category.ADULT, D(2026, 3, 15))]
    assert household_dues([cmu(D(2026, 6, 1))], household, D(2026, 3, 15), D(2027, 1, 1)) == []


def test_each_period_is_owed_under_the_version_in_force_when_it_begins():
    # given a version from June 2026 at 7,000 and a new one at 8,000 from 1 January 2027
    versions = [cmu(D(2027, 1, 1), contribution=8_000), cmu(D(2026, 6, 1))]
    household = [Member(Category.ADULT, D(2026, 7, 1))]
    # when a household enrolled in July 2026 lists its dues to 2028
    dues = household_dues(versions, household, D(2026, 7, 1), D(2028, 1, 1))
    # then 2026 — begun before either version, owed under the one in force at enrolment — and
    # then the new amount
    assert [due.total for due in dues] == [7_000, 8_000, 8_000]


@st.composite
def histories(draw):
    unit = draw(units)
    starts = draw(st.lists(days, min_size=1, max_size=3, unique=True))
    versions = [draw(contribution_terms(valid_from=start, period=unit)) for start in starts]
    enrolled_on = draw(days)
    until = draw(st.dates(min_value=enrolled_on - 400 * DAY, max_value=enrolled_on + 1500 * DAY))
    resigned_on = draw(
        st.none() | st.dates(min_value=enrolled_on, max_value=enrolled_on + 1500 * DAY)
    )
    return unit, versions, enrolled_on, until, resigned_on


def version_on(versions, day):
    in_force = [version for version in versions if version.valid_from <= day]
    return max(in_force, key=lambda version: version.valid_from) if in_force else None


@given(history=histories(), household=households)
def test_household_dues_list_each_period_once_from_enrolment_to_until_and_none_after_resignation(
    history, household
):
    unit, versions, enrolled_on, until, resigned_on = history
    dues = household_dues(versions, household, enrolled_on, until, resigned_on)
    starts = [due.period_start for due in dues]
    last_day = until if resigned_on is None else min(until, resigned_on - DAY)
    if version_on(versions, enrolled_on) is None or last_day < enrolled_on:
        assert dues == []
        return
    # one period after the other, from the one of the enrolment to the one containing the last
    # day (until, or the day before the resignation)
    assert starts[0] == period_start(enrolled_on, unit)
    assert starts[-1] == period_start(last_day, unit)
    for earlier, later in itertools.pairwise(starts):
        assert later == shift(earlier, unit)
    if resigned_on is not None:
        assert all(start < resigned_on for start in starts)
    # each under the version in force when it begins, or at enrolment for the first
    for due in dues:
        terms = version_on(versions, max(due.period_start, enrolled_on))
        assert due == period_due(terms, household, due.period_start)
        expected = sum(amount for _c, amount in amounts_due(terms, household, due.period_start))
        assert due.total == expected


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


MONTHLY_DUES = [PeriodDue(JANUARY, 3_500, {}), PeriodDue(FEBRUARY, 3_500, {})]


def test_a_household_is_in_cover_from_the_day_its_fee_and_first_period_are_both_settled():
    # given the fee paid on 5 January and January's share on 20 January
    paid = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 20), JANUARY, 3_500)]
    # then January is paid and the household is in cover from the 20th
    result = settlement(MONTHLY_DUES, 1_000, paid)
    assert result.paid_periods == {JANUARY}
    assert result.covered_from == D(2026, 1, 20)
    assert result.fee_paid == 1_000


def test_a_household_is_not_in_cover_until_both_the_fee_and_the_first_period_are_settled():
    # only the fee
    assert settlement(MONTHLY_DUES, 1_000, [fee(D(2026, 1, 5))]).covered_from is None
    # only the first period
    only_january = [contribution(D(2026, 1, 5), JANUARY, 3_500)]
    assert settlement(MONTHLY_DUES, 1_000, only_january).covered_from is None
    # the fee and part of the first period
    part = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 5), JANUARY, 3_499)]
    assert settlement(MONTHLY_DUES, 1_000, part).covered_from is None
    # the fee and a later period, not the first
    later = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 5), FEBRUARY, 3_500)]
    result = settlement(MONTHLY_DUES, 1_000, later)
    assert result.covered_from is None
    assert result.paid_periods == {FEBRUARY}


def test_a_period_paid_in_instalments_is_settled_by_the_last_one():
    paid = [
        fee(D(2026, 1, 3)),
        contribution(D(2026, 1, 3), JANUARY, 2_000),
        contribution(D(2026, 2, 2), JANUARY, 1_500),
    ]
    assert settlement(MONTHLY_DUES, 1_000, paid).covered_from == D(2026, 2, 2)


def test_cover_paid_in_advance_starts_with_the_first_period():
    paid = [fee(D(2025, 12, 20)), contribution(D(2025, 12, 20), JANUARY, 3_500)]
    assert settlement(MONTHLY_DUES, 1_000, paid).covered_from == JANUARY


def test_a_fully_subsidised_first_period_counts_as_settled_from_its_start():
    # given an indigent household whose member share is nil and a package without a fee
    dues = [PeriodDue(JANUARY, 0, {STATE: 7_000})]
    # then it is in cover from the period's start, with nothing paid
    result = settlement(dues, 0, [])
    assert result.paid_periods == {JANUARY}
    assert result.covered_from == JANUARY


def test_a_fully_subsidised_first_period_stays_settled_from_its_start_whatever_is_paid_to_it():
    # The failing example that showed the bug: a member share recomputed to nil (the household
    # turned out indigent) after the household had paid 3,500 to it on 10 January: its cover
    # was dated from the 10th, not from the period's start as the docstring says.
    dues = [PeriodDue(JANUARY, 0, {STATE: 7_000})]
    result = settlement(dues, 0, [contribution(D(2026, 1, 10), JANUARY, 3_500)])
    assert result.covered_from == JANUARY


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
    assert result.covered_from == D(2026, 1, 5)


def test_a_reversal_of_the_first_period_takes_the_household_out_of_cover_until_paid_again():
    paid = [fee(D(2026, 1, 5)), contribution(D(2026, 1, 5), JANUARY, 3_500)]
    reversed_ = [*paid, contribution(D(2026, 1, 9), JANUARY, -3_500)]
    assert settlement(MONTHLY_DUES, 1_000, reversed_).covered_from is None
    paid_again = [*reversed_, contribution(D(2026, 1, 12), JANUARY, 3_500)]
    assert settlement(MONTHLY_DUES, 1_000, paid_again).covered_from == D(2026, 1, 12)


def test_allocations_count_in_the_order_they_were_received():
    paid = [contribution(D(2026, 1, 20), JANUARY, 3_500), fee(D(2026, 1, 5))]
    assert settlement(MONTHLY_DUES, 1_000, paid).covered_from == D(2026, 1, 20)


@st.composite
def settlements(draw):
    first = period_start(draw(days), PeriodUnit.MONTH)
    shares = draw(st.lists(st.just(0) | st.integers(0, 5_000), min_size=1, max_size=6))
    dues = [PeriodDue(shift(first, PeriodUnit.MONTH, n), s, {}) for n, s in enumerate(shares)]
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
    always has), or None when it is short at the end; movements are (day, amount)."""
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
        assert result.covered_from is None
    else:
        assert result.covered_from == max(fee_since, first_since, first.period_start)


@given(case=settlements())
def test_a_reversal_that_unsettles_a_period_removes_it_from_the_paid_periods(case):
    dues, registration_fee, allocations = case
    before = settlement(dues, registration_fee, allocations)
    for due in dues:
        # a reversal that leaves the period one short of its member share
        owed = due.member - before.paid_by_period.get(due.period_start, 0)
        reversal = contribution(D(2030, 1, 1), due.period_start, min(owed - 1, -1))
        after = settlement(dues, registration_fee, [*allocations, reversal])
        assert after.paid_periods == before.paid_periods - {due.period_start}
        if due is dues[0]:
            assert after.covered_from is None
        else:
            assert after.covered_from == before.covered_from


def test_a_fully_subsidised_household_is_not_in_cover_before_its_enrolment():
    # given an indigent household joining on 15 March of an annual scheme, nothing to pay
    terms = ContributionTerms(
        valid_from=D(2025, 1, 1),
        period="year",
        per_household=False,
        contribution=7000,
        subsidies=((1, "", 10000),),
    )
    members = [Member("indigent", D(2025, 3, 15))]
    dues = household_dues([terms], members, D(2025, 3, 15), D(2025, 6, 1))
    # when its settlement is read
    result = settlement(dues, 0, [], enrolled_on=D(2025, 3, 15))
    # then its cover (and waiting period) starts on the day it joined
    assert result.covered_from == D(2025, 3, 15)
