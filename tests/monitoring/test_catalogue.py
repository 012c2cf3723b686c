"""The indicators' catalogue (issue 15): each indicator's worked example, written from its words in
DOMAIN.md §7 (the ILO/STEP–CIDR guide, the Microinsurance Network's KPIs, UEMOA's prudential
rules), reproduced exactly; a ratio without a denominator, or with a figure missing, is not
computable; a union's ratio is the ratio of its sums, never an average of its mutuals' ratios.

Mutations these catch: a growth rate over the end instead of the start; a period's visits not
brought to a year; a stock summed over the months; a missing figure taken for 0; an alarm
raised at the bound itself; a union's ratio averaged over its mutuals."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.monitoring.catalogue import (
    ALARM,
    BY_CODE,
    CATALOGUE,
    NOT_COMPUTABLE,
    OK,
    WARNING,
    evaluate,
)
from mutualis.monitoring.figures import BASE, Kind, by_span, with_start

D = datetime.date

# (indicator, figures of the period, months, value: basis points or hundredths, level)
EXAMPLES = [
    # 400 members at the start, 460 at the end: 60 / 400 = 15 %
    ("M.1", {"members": 460, "members_start": 400}, 12, 1500, OK),
    ("M.1.1", {"beneficiaries": 1900, "beneficiaries_start": 2000}, 12, -500, OK),
    ("M.1.2", {"dependants": 1440, "dependants_start": 1600}, 12, -1000, OK),
    # 170 of the 200 members due renewed: 85 %, above the 80 % benchmark
    ("M.2", {"members_renewed": 170, "members_due_to_renew": 200}, 12, 8500, OK),
    ("M.2", {"members_renewed": 140, "members_due_to_renew": 200}, 12, 7000, WARNING),
    ("M.2", {"members_renewed": 110, "members_due_to_renew": 200}, 12, 5500, ALARM),
    ("M.3", {"new_members_reached": 30, "members_start": 400}, 12, 750, OK),
    ("M.4", {"new_members_new_groups": 7, "members_start": 400}, 12, 175, OK),
    # 1,250 beneficiaries in a commune of 10,000 people: 12.5 %
    ("M.5", {"beneficiaries": 1250, "target_population": 10000}, 12, 1250, OK),
    # 450,000 collected of 750,000 due: 60 %, a warning, not yet the alarm below 60 %
    ("M.6", {"contributions_collected": 450_000, "contributions_due": 750_000}, 12, 6000, WARNING),
    ("M.6", {"contributions_collected": 449_999, "contributions_due": 750_000}, 12, 6000, WARNING),
    ("M.6", {"contributions_collected": 420_000, "contributions_due": 750_000}, 12, 5600, ALARM),
    ("PAID_UP", {"beneficiaries_up_to_date": 800, "beneficiaries": 1000}, 1, 8000, OK),
    # 300 visits in a quarter for 1,000 beneficiaries: 1.2 visits a year each
    ("USE", {"visits": 300, "beneficiaries": 1000}, 3, 120, OK),
    # 1,234,567 FCFA for 456 claims: 2,707.38 FCFA a claim
    ("COST", {"benefits_incurred": 1_234_567, "visits": 456}, 12, 270738, OK),
    ("F.1", {"cash": 1_500_000, "short_term_liabilities": 1_000_000}, 12, 15000, OK),
    ("F.1", {"cash": 900_000, "short_term_liabilities": 1_000_000}, 12, 9000, ALARM),
    ("F.2", {"equity": 2_000_000, "total_assets": 5_000_000}, 12, 4000, OK),
    # (800,000 of contributions + 50,000 of fees) / 1,000,000 of expenses: 85 %, below 100 %
    (
        "F.3",
        {"contributions_earned": 800_000, "registration_fees": 50_000, "total_expenses": 10**6},
        12,
        8500,
        ALARM,
    ),
    ("F.4.1", {"operating_expenses": 180_000, "contributions_earned": 1_000_000}, 12, 1800, OK),
    (
        "F.4.1",
        {"operating_expenses": 250_000, "contributions_earned": 1_000_000},
        12,
        2500,
        WARNING,
    ),
    ("F.4.1", {"operating_expenses": 310_000, "contributions_earned": 1_000_000}, 12, 3100, ALARM),
    # the members get value from 75 %, the mutual lasts up to 100 %
    ("F.5", {"benefits_incurred": 900_000, "contributions_earned": 1_000_000}, 12, 9000, OK),
    ("F.5", {"benefits_incurred": 1_000_000, "contributions_earned": 1_000_000}, 12, 10000, OK),
    ("F.5", {"benefits_incurred": 1_100_000, "contributions_earned": 1_000_000}, 12, 11000, ALARM),
    ("F.5", {"benefits_incurred": 500_000, "contributions_earned": 1_000_000}, 12, 5000, WARNING),
    ("F.7", {"largest_holding": 600_000, "total_assets": 5_000_000}, 12, 1200, ALARM),
    ("KPI.NET_INCOME", {"net_income": -50_000, "contributions_earned": 10**6}, 12, -500, ALARM),
    # 4,500 days for 150 claims settled: 30 days on average
    ("KPI.PROMPTNESS", {"settlement_days": 4500, "claims_settled": 150}, 12, 3000, OK),
    ("KPI.PROMPTNESS", {"settlement_days": 4650, "claims_settled": 150}, 12, 3100, WARNING),
    ("KPI.REJECTION", {"claims_rejected": 12, "claims_submitted": 480}, 12, 250, OK),
    ("KPI.SOLVENCY", {"admitted_assets": 3_000_000, "liabilities": 2_000_000}, 12, 15000, OK),
    ("RESERVES", {"reserves": 750_000, "reserves_minimum": 1_000_000}, 12, 7500, ALARM),
    # 9 reports of the 12 expected came complete and on time
    ("T.9", {"reports_on_time": 9, "reports_expected": 12}, 12, 7500, WARNING),
    ("I.ASSEMBLY", {"assembly_participants": 240, "contributing_members": 400}, 12, 6000, OK),
    ("I.OFFICERS", {"officers_renewed": 3, "officers": 9}, 12, 3333, OK),
    ("I.WOMEN", {"women_members": 230, "members": 460}, 12, 5000, OK),
    ("I.YOUNG", {"young_members": 92, "members": 460}, 12, 2000, OK),
    ("KPI.INCURRED_CLAIMS", {"benefits_incurred": 9, "contributions_earned": 10}, 12, 9000, OK),
    ("KPI.COVERAGE", {"beneficiaries": 1250, "target_population": 10000}, 12, 1250, OK),
]


@pytest.mark.parametrize(("code", "figures", "months", "value", "level"), EXAMPLES)
def test_each_indicator_reproduces_its_worked_example(code, figures, months, value, level):
    found = evaluate(BY_CODE[code], figures, months)
    assert (found.value, found.level) == (value, level)


def test_every_indicator_has_a_worked_example_and_reads_only_base_figures():
    assert {i.code for i in CATALOGUE} - {code for code, *_ in EXAMPLES} == {
        "KPI.INCURRED_EXPENSES",
        "KPI.RENEWAL",
        "KPI.GROWTH",
        "KPI.LIQUIDITY",
    }  # the same formulas as F.4.1, M.2, M.1.1 and F.1, whose examples they share
    for indicator in CATALOGUE:
        for code in indicator.reads:
            base = BASE[code.removesuffix("_start")]
            assert not code.endswith("_start") or base.kind == Kind.STOCK, code


@pytest.mark.parametrize(
    "figures",
    [
        {"benefits_incurred": 500_000, "contributions_earned": 0},
        {"benefits_incurred": 500_000},  # the contributions earned missing, not 0
    ],
)
def test_a_ratio_without_its_denominator_is_not_computable_never_0(figures):
    found = evaluate(BY_CODE["F.5"], figures, 12)
    assert (found.value, found.level) == (None, NOT_COMPUTABLE)


def test_a_period_sums_its_flows_and_takes_its_stocks_at_its_end_and_before_its_start():
    months = {
        D(2025, 12, 1): {"members": 380, "visits": 10},
        D(2026, 1, 1): {"members": 400, "visits": 30, "contributions_collected": 1000},
        D(2026, 2, 1): {"members": 420, "visits": 25},
        D(2026, 3, 1): {"members": 460, "visits": 45, "contributions_collected": 500},
    }
    spans = by_span(months)
    quarter = with_start(spans["quarter", D(2026, 1, 1)], spans["quarter", D(2025, 10, 1)])
    assert quarter == {
        "visits": 100,
        "contributions_collected": 1500,
        "members": 460,
        "members_start": 380,
    }
    # a quarter no month gives is missing, not the quarter before's
    assert ("quarter", D(2026, 4, 1)) not in spans


FIGURES_READ = ("benefits_incurred", "contributions_earned")
FIGURES = st.fixed_dictionaries(
    {"benefits_incurred": st.integers(0, 10**7), "contributions_earned": st.integers(0, 10**7)}
)


@given(mutuals=st.lists(FIGURES, min_size=1, max_size=8))
def test_a_union_s_ratio_is_the_ratio_of_its_sums_never_an_average(mutuals):
    sums = {
        code: sum(m[code] for m in mutuals)
        for code in ("benefits_incurred", "contributions_earned")
    }
    union = evaluate(BY_CODE["F.5"], sums, 12)
    benefits = sum(m["benefits_incurred"] for m in mutuals)
    earned = sum(m["contributions_earned"] for m in mutuals)
    expected = None if earned == 0 else (2 * benefits * 10_000 + earned) // (2 * earned)
    assert union.value == expected
