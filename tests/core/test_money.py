"""Exact money (design-rules.md rule 2): integer amounts, shares rounded once, parts add up to the
whole."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.core.money import BASIS_POINTS, allocate_in_order, share, split_by_shares

amounts = st.integers(min_value=0, max_value=10**12)
points = st.integers(min_value=0, max_value=BASIS_POINTS)


@st.composite
def shares_within_100_percent(draw, parties=("state", "commune", "fund", "ngo")):
    """Shares by party (basis points) that add up to at most 100 %."""
    left = BASIS_POINTS
    shares = {}
    for party in draw(st.lists(st.sampled_from(parties), unique=True)):
        shares[party] = draw(st.integers(min_value=0, max_value=left))
        left -= shares[party]
    return shares


def exact(amount, basis_points):
    return Fraction(amount * basis_points, BASIS_POINTS)


# share


def test_a_share_is_a_fraction_of_ten_thousand():
    assert share(7_000, 5_000) == 3_500  # the State's half of the Senegal CMU contribution
    assert share(7_000, BASIS_POINTS) == 7_000
    assert share(7_000, 0) == 0


def test_a_share_is_rounded_half_up():
    assert share(1, 5_000) == 1  # 0.5 → 1
    assert share(3, 5_000) == 2  # 1.5 → 2
    assert share(149, 100) == 1  # 1.49 → 1
    assert share(150, 100) == 2  # 1.50 → 2
    assert share(1_000, 3_333) == 333  # 333.3 → 333
    assert share(1_000, 6_667) == 667  # 666.7 → 667


def test_a_negative_amount_is_rounded_away_from_zero_like_its_opposite():
    # a reversal is the exact opposite of what it reverses
    assert share(-1, 5_000) == -1
    assert share(-3, 5_000) == -2


@pytest.mark.parametrize("basis_points", [-1, BASIS_POINTS + 1])
def test_a_share_outside_0_to_100_percent_is_refused(basis_points):
    with pytest.raises(ValueError):
        share(1_000, basis_points)


@given(amount=amounts, basis_points=points)
def test_a_share_is_the_exact_fraction_rounded_half_up(amount, basis_points):
    rounded = share(amount, basis_points)
    difference = rounded - exact(amount, basis_points)
    assert Fraction(-1, 2) < difference <= Fraction(1, 2)


@given(amount=amounts, basis_points=points)
def test_a_share_stays_within_nothing_and_the_whole(amount, basis_points):
    assert 0 <= share(amount, basis_points) <= amount


@given(amount=amounts, basis_points=points)
def test_a_share_of_a_reversal_is_the_opposite_share(amount, basis_points):
    assert share(-amount, basis_points) == -share(amount, basis_points)


@given(amount=amounts, low=points, high=points)
def test_a_larger_rate_never_gives_a_smaller_share(amount, low, high):
    low, high = sorted((low, high))
    assert share(amount, low) <= share(amount, high)


# split_by_shares


def test_the_senegal_cmu_contribution_is_split_half_and_half():
    assert split_by_shares(7_000, {"state": 5_000}, "member") == {"state": 3_500, "member": 3_500}


def test_the_rounding_remainder_goes_to_the_rest():
    # given a payer of 33.33 %, when 100 is split
    # then its share is rounded once (33.33 → 33), and the member takes what is left
    assert split_by_shares(100, {"a": 3_333}, "member") == {"a": 33, "member": 67}
    # given two payers of 33.33 % each: their total, 66.66, is rounded once to 67; each pays
    # its share rounded down or up (the tie goes to the first), and the member pays the rest
    parts = split_by_shares(100, {"a": 3_333, "b": 3_333}, "member")
    assert parts == {"a": 34, "b": 33, "member": 33}


def test_a_rest_that_also_holds_a_share_gets_everything_the_others_leave():
    # The failing example that showed the bug: the rest's own share was counted twice, and
    # 100 split {member 50 %, s 20 %} with member as the rest gave {member 30, s 20}: 50, not 100.
    parts = split_by_shares(100, {"member": 5_000, "s": 2_000}, "member")
    assert parts == {"s": 20, "member": 80}


def test_shares_above_100_percent_are_refused():
    with pytest.raises(ValueError):
        split_by_shares(7_000, {"state": 5_000, "commune": 5_001}, "member")


@given(amount=amounts, shares=shares_within_100_percent())
def test_the_parts_always_add_up_to_the_amount(amount, shares):
    parts = split_by_shares(amount, shares, "member")
    assert sum(parts.values()) == amount
    assert set(parts) == set(shares) | {"member"}


@given(
    amount=amounts, shares=shares_within_100_percent(), rest=st.sampled_from(["member", "state"])
)
def test_the_parts_add_up_even_when_the_rest_holds_a_share(amount, shares, rest):
    parts = split_by_shares(amount, shares, rest)
    assert sum(parts.values()) == amount
    assert all(part >= 0 for part in parts.values())


def test_several_payers_never_take_more_than_the_amount():
    # The failing example that showed the bug: each payer's share was rounded half up on its
    # own, 0.5 + 0.5 became 1 + 1, and the member was left with -1 — a negative due that
    # allocate_in_order refuses. Now the payers' total is rounded once and shared out.
    assert split_by_shares(1, {"state": 5_000, "commune": 5_000}, "member") == {
        "state": 1,
        "commune": 0,
        "member": 0,
    }
    # found by Hypothesis: 636.55 + 673.64 + 1212.55 rounded one by one is 2,524 of 2,523
    parts = split_by_shares(2_523, {"state": 2_523, "commune": 2_670, "fund": 4_806}, "member")
    # the total, 2,522.75, is rounded once to 2,523; the two largest fractions are rounded up
    assert parts == {"state": 636, "commune": 674, "fund": 1_213, "member": 0}


@given(amount=amounts, shares=shares_within_100_percent())
def test_each_payer_gets_its_exact_share_rounded_down_or_up(amount, shares):
    parts = split_by_shares(amount, shares, "member")
    for party, basis_points in shares.items():
        assert abs(parts[party] - exact(amount, basis_points)) < 1


@given(amount=amounts, shares=shares_within_100_percent())
def test_the_payers_total_is_their_total_share_rounded_once(amount, shares):
    parts = split_by_shares(amount, shares, "member")
    assert sum(parts[party] for party in shares) == share(amount, sum(shares.values()))
    assert parts["member"] >= 0


@given(amount=amounts, basis_points=points)
def test_a_single_payer_gets_exactly_its_share(amount, basis_points):
    assert split_by_shares(amount, {"state": basis_points}, "member") == {
        "state": share(amount, basis_points),
        "member": amount - share(amount, basis_points),
    }


@given(amount=amounts, shares=shares_within_100_percent())
def test_a_reversal_splits_into_the_opposite_parts(amount, shares):
    parts = split_by_shares(amount, shares, "member")
    assert split_by_shares(-amount, shares, "member") == {p: -a for p, a in parts.items()}


@given(
    amount=amounts,
    shares=st.dictionaries(st.sampled_from("abcdef"), points, min_size=2).filter(
        lambda shares: sum(shares.values()) > BASIS_POINTS
    ),
)
def test_any_shares_above_100_percent_are_refused(amount, shares):
    with pytest.raises(ValueError):
        split_by_shares(amount, shares, "member")


# allocate_in_order

dues_lists = st.lists(st.integers(min_value=0, max_value=100_000), max_size=12)


def test_a_payment_pays_the_oldest_due_first():
    assert allocate_in_order(5_000, [3_500, 3_500, 3_500]) == [3_500, 1_500, 0]


def test_what_exceeds_every_due_is_not_allocated():
    assert allocate_in_order(10_000, [3_500, 3_500]) == [3_500, 3_500]


def test_nothing_is_allocated_from_nothing():
    assert allocate_in_order(0, [3_500]) == [0]
    assert allocate_in_order(1_000, []) == []


@pytest.mark.parametrize(("amount", "dues"), [(-1, [10]), (10, [5, -1])])
def test_negative_amounts_or_dues_are_refused(amount, dues):
    with pytest.raises(ValueError):
        allocate_in_order(amount, dues)


@given(amount=st.integers(min_value=0, max_value=10**6), dues=dues_lists)
def test_no_due_gets_more_than_it_is_owed(amount, dues):
    paid = allocate_in_order(amount, dues)
    assert len(paid) == len(dues)
    assert all(0 <= part <= due for part, due in zip(paid, dues, strict=True))


@given(amount=st.integers(min_value=0, max_value=10**6), dues=dues_lists)
def test_a_later_due_gets_something_only_when_every_earlier_one_is_paid_in_full(amount, dues):
    paid = allocate_in_order(amount, dues)
    for later, part in enumerate(paid):
        if part:
            assert all(paid[earlier] == dues[earlier] for earlier in range(later))


@given(amount=st.integers(min_value=0, max_value=10**6), dues=dues_lists)
def test_the_total_allocated_is_the_amount_or_everything_owed(amount, dues):
    assert sum(allocate_in_order(amount, dues)) == min(amount, sum(dues))
