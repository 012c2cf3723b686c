"""The checks of a report's figures (monitoring.rules) against a reference written from the words
of the rules (docs/monitoring.md § Reports), not from the code:

1. a required figure left blank is an error on it;
2. a figure below zero is an error on it;
3. contributions collected above contributions due by more than the tolerance (10 %) is an
   error on contributions collected;
4. fewer beneficiaries than members, or more than 15 times the members, is an error on
   beneficiaries;
5. more women, or more young members, than members is an error on that figure;
6. more beneficiaries up to date than beneficiaries is an error on the first;
7. more claims rejected than claims submitted is an error on claims rejected;
8. benefits incurred above zero with no visit (blank or 0) is an error on benefits incurred.
Comparisons are made between figures given and not below zero.

The property compares the set of (figure, rule broken) pairs. It catches, among others, these
mutations of the code: `>` for `>=` in any comparison (equal figures are fine), the tolerance
applied to the due amount's tenth instead of its basis points or dropped altogether, the
household bound taken as `>=` or as 15 beneficiaries rather than 15 times the members, the
women or young members compared with beneficiaries instead of members, the rejected claims
compared with visits, the visit rule firing on benefits of 0 or missing on a blank visits
figure, a rule firing on a negative figure, and a required figure left out of REQUIRED."""

import pytest
from django.test.utils import override_settings
from hypothesis import given
from hypothesis import strategies as st

from mutualis.monitoring.rules import REPORTED, REQUIRED, report_errors

TOLERANCE_BP, HOUSEHOLD = 1000, 15
NAMED_REQUIRED = {
    "members",
    "beneficiaries",
    "contributions_due",
    "contributions_collected",
    "contributions_earned",
    "claims_submitted",
    "claims_rejected",
    "visits",
    "benefits_incurred",
}


def reference(figures: dict[str, int]) -> set[str]:
    """The figures in error, from the rules' words."""
    wrong = set()

    def ok(code):
        return code in figures and figures[code] >= 0

    for code in NAMED_REQUIRED:
        if code not in figures:
            wrong.add(code)
    for code, value in figures.items():
        if value < 0:
            wrong.add(code)
    # "above contributions due beyond a tolerance of 10 %": collected > due × 11 / 10
    if (
        ok("contributions_collected")
        and ok("contributions_due")
        and 10 * figures["contributions_collected"] > 11 * figures["contributions_due"]
    ):
        wrong.add("contributions_collected")
    if ok("members") and ok("beneficiaries"):
        if figures["beneficiaries"] < figures["members"]:
            wrong.add("beneficiaries")
        if figures["beneficiaries"] > HOUSEHOLD * figures["members"]:
            wrong.add("beneficiaries")
    for part in ("women_members", "young_members"):
        if ok(part) and ok("members") and figures[part] > figures["members"]:
            wrong.add(part)
    for part, whole in (
        ("beneficiaries_up_to_date", "beneficiaries"),
        ("claims_rejected", "claims_submitted"),
    ):
        if ok(part) and ok(whole) and figures[part] > figures[whole]:
            wrong.add(part)
    if figures.get("benefits_incurred", 0) > 0 and figures.get("visits", 0) == 0:
        wrong.add("benefits_incurred")
    return wrong


# small numbers make the comparisons' edges (equal, one more, zero) likely
value = st.integers(min_value=-2, max_value=40)
figures_strategy = st.dictionaries(st.sampled_from(REPORTED), value, max_size=len(REPORTED))


@st.composite
def near_the_edges(draw):
    """Figures around the rules' bounds: members and their multiples, due and its tenth."""
    members = draw(st.integers(0, 30))
    due = draw(st.integers(0, 1000))
    found = {
        "members": members,
        "beneficiaries": members * draw(st.sampled_from([0, 1, 15])) + draw(st.integers(-1, 1)),
        "contributions_due": due,
        "contributions_collected": due + due // 10 + draw(st.integers(-1, 1)),
        "claims_submitted": draw(st.integers(0, 5)),
        "claims_rejected": draw(st.integers(0, 6)),
        "visits": draw(st.integers(0, 2)),
        "benefits_incurred": draw(st.integers(0, 2)),
        "women_members": members + draw(st.integers(-1, 1)),
        "young_members": members + draw(st.integers(-1, 1)),
        "contributions_earned": 0,
    }
    dropped = draw(st.sets(st.sampled_from(sorted(found))))
    return {code: v for code, v in found.items() if code not in dropped}


def errors_of(figures):
    return {code for code, _message in report_errors(figures)}


@override_settings(MUTUALIS_REPORT_TOLERANCE_BP=TOLERANCE_BP, MUTUALIS_REPORT_HOUSEHOLD_MAX=15)
@given(figures_strategy)
def test_the_figures_in_error_are_those_the_rules_name(figures):
    assert errors_of(figures) == reference(figures)


@override_settings(MUTUALIS_REPORT_TOLERANCE_BP=TOLERANCE_BP, MUTUALIS_REPORT_HOUSEHOLD_MAX=15)
@given(near_the_edges())
def test_the_bounds_are_where_the_rules_put_them(figures):
    assert errors_of(figures) == reference(figures)


def test_the_required_figures_are_those_the_rules_name():
    assert REQUIRED == NAMED_REQUIRED


def test_a_good_report_has_no_error():
    good = {
        "members": 100,
        "beneficiaries": 450,
        "contributions_due": 500_000,
        "contributions_collected": 550_000,  # exactly 10 % of arrears on top: fine
        "contributions_earned": 480_000,
        "claims_submitted": 20,
        "claims_rejected": 20,
        "visits": 20,
        "benefits_incurred": 200_000,
    }
    assert report_errors(good) == []


def test_the_tolerances_are_settings():
    figures = {"contributions_due": 100, "contributions_collected": 125, "members": 1}
    figures["beneficiaries"] = 20
    assert "contributions_collected" in {c for c, _m in report_errors(figures)}
    with override_settings(MUTUALIS_REPORT_TOLERANCE_BP=2500, MUTUALIS_REPORT_HOUSEHOLD_MAX=20):
        found = {c for c, _m in report_errors(figures)}
    assert "contributions_collected" not in found and "beneficiaries" not in found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_message_names_its_figure(language):
    from django.utils import translation

    with translation.override(language):
        messages = dict(report_errors({"members": 10, "beneficiaries": 5}))
    word = "bénéficiaires" if language == "fr" else "beneficiaries"
    assert word in messages["beneficiaries"].lower()
    assert "contributions_due" in messages


def test_a_code_that_is_not_asked_is_an_error():
    assert "reports_on_time" in errors_of({"reports_on_time": 1})
    assert "nonsense" in errors_of({"nonsense": 1})
