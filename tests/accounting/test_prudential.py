"""The prudential figures (issue 14): ratios of the year's books against thresholds, a ratio
without a denominator not computable, never 0; expected values worked out by hand."""

import datetime

from mutualis.accounting.prudential import (
    MET,
    NO_THRESHOLD,
    NOT_COMPUTABLE,
    NOT_MET,
    BaseFigures,
    Figure,
    base_figures,
    figures,
    thresholds_for,
)
from mutualis.accounting.queries import prudential_figures
from mutualis.accounting.services import EntryLine, entry_record
from mutualis.contributions.services import payment_record
from tests.accounting.test_posting import MEMBER_2025, post

D = datetime.date
THRESHOLDS = {
    "management_cost_share_max": 1500,
    "claims_ratio_max": 10000,
    "liquidity_min": 10000,
    "reserve_months_min": 30000,
}


def test_the_base_figures_are_read_from_the_year_s_balances_and_its_end():
    year = {
        "701": -90_000,
        "706": -10_000,
        "651": 60_000,
        "652": 5_000,
        "622": 12_000,
        "691": 3_000,
        "571": 30_000,
    }
    end = {
        "571": 30_000,
        "521": 5_000,
        "551": -1_000,
        "402": -20_000,
        "453": -5_000,
        "411": 2_000,
        "111": -26_000,
        "276": 4_000,
    }
    base = base_figures(year, end)
    assert base == BaseFigures(
        contributions=100_000,
        benefits=65_000,
        management_costs=12_000,
        reserves=26_000,
        cash=35_000,
        short_term_debts=25_000,
        guarantee_fund=4_000,
    )
    found = {f.code: f for f in figures(base, THRESHOLDS)}
    assert (found["management_cost_share"].value, found["management_cost_share"].status) == (
        1200,
        MET,
    )
    assert found["claims_ratio"].value == 6500 and found["claims_ratio"].status == MET
    assert (found["liquidity"].value, found["liquidity"].status) == (14000, MET)
    # 26,000 of reserves against 65,000 / 12 of benefits a month: 4.8 months
    assert (found["reserve_months"].value, found["reserve_months"].status) == (48000, MET)
    assert found["guarantee_fund_share"].value == 400


def test_a_figure_without_a_denominator_is_not_computable_and_one_past_its_threshold_not_met():
    empty = BaseFigures(0, 0, 5_000, 0, 0, 0, 0)
    found = {f.code: f for f in figures(empty, THRESHOLDS)}
    assert {f.status for f in found.values()} == {NOT_COMPUTABLE}
    assert all(f.value is None for f in found.values())
    costly = BaseFigures(10_000, 9_000, 2_000, 1_000, 100, 1_000, 0)
    found = {f.code: f for f in figures(costly, THRESHOLDS)}
    assert found["management_cost_share"].status == NOT_MET  # 20 % > 15 %
    assert found["liquidity"].status == NOT_MET  # 10 % < 100 %
    assert found["reserve_months"].status == NOT_MET  # 1.33 months < 3


def test_a_mutual_s_figures_come_from_its_books(family, federation, client, cast):
    payment_record(
        by=None,
        household=family,
        amount=1000 + MEMBER_2025,
        method="cash",
        received_on=D(2025, 1, 10),
    )
    post()
    entry_record(
        by=None,
        organisation=federation.m1,
        journal="CA",
        date=D(2025, 2, 3),
        label="Loyer",
        lines=[EntryLine("622", debit=2000), EntryLine("571", credit=2000)],
    )
    base, found = prudential_figures(federation.m1, 2025)
    assert (base.contributions, base.management_costs, base.cash) == (
        1000 + MEMBER_2025,
        2000,
        1000 + MEMBER_2025 - 2000,
    )
    shares = {f.code: f.value for f in found}
    assert shares["management_cost_share"] == round(2000 * 10_000 / (1000 + MEMBER_2025))

    from mutualis.federation.rules import Role

    client.force_login(cast[Role.ACCOUNTANT])
    page = client.get(f"/books/{federation.m1.pk}/prudential/", {"year": 2025})
    assert page.status_code == 200 and "non calculable" in page.content.decode()


def test_a_country_s_thresholds_replace_the_general_ones_one_by_one():
    per_country = {
        "": {"claims_ratio_max": 10_000, "liquidity_min": 10_000},
        "SN": {"claims_ratio_max": 8_000},
    }
    assert thresholds_for("SN", per_country) == {"claims_ratio_max": 8_000, "liquidity_min": 10_000}
    assert thresholds_for("ML", per_country) == per_country[""]
    # a figure no threshold watches is said so, never "met"
    assert Figure("guarantee_fund_share", 120, None, None).status == NO_THRESHOLD
    assert Figure("claims_ratio", 9_000, None, 8_000).status == NOT_MET
