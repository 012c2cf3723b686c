"""The clearing between mutuals (portability, domain-rules.md §5–8): what an organisation paid
providers
for the members of another mutual, which that mutual owes it back, month by month."""

import io

import pytest
from openpyxl import load_workbook

from mutualis.core.models import Event
from mutualis.core.pdf import extract_text
from mutualis.federation.rules import Kind, Role
from mutualis.federation.services import organisation_create, user_create
from mutualis.settlements.documents import clearing_pdf
from mutualis.settlements.exports import clearing_xlsx
from mutualis.settlements.queries import clearing, clearing_lines
from mutualis.settlements.rules import Flow, balances
from mutualis.settlements.services import statement_cancel, statements_issue
from tests.conftest import make_mutual
from tests.settlements.conftest import ISSUED, MARCH, D

APRIL = D(2025, 4, 1)
MAY = D(2025, 5, 1)


@pytest.fixture
def away(bill, care, federation):
    """Awa and Fatou of M1 treated at Pakour in March, under D2's agreement, and Moussa at home:
    D2's statement of March, issued on 2 April, lists the two of them."""
    bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))
    bill(care.fatou, provider="PS-PAKOUR", day=D(2025, 3, 13))
    bill(day=D(2025, 3, 10))
    statements_issue(by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED)
    (statement,) = statements_issue(
        by=None, payer=federation.d2, day=MARCH, issued_on=ISSUED
    ).statements
    return statement


def test_the_payer_is_owed_what_it_paid_for_the_members_of_another_mutual(away, federation, cast):
    found = clearing(cast[Role.MUTUAL_MANAGER], APRIL)

    (flow,) = found.flows  # Moussa's claim, paid by his own mutual, is not in the clearing
    assert (flow.payer, flow.mutual, flow.claims, flow.amount) == (
        federation.d2.pk,
        federation.m1.pk,
        2,
        2000,
    )
    assert [(org.code, b.owed_to, b.owes, b.net) for org, b in found.named_balances()] == [
        ("M1", 0, 2000, -2000),
        ("D2", 2000, 0, 2000),
    ]


def test_a_month_without_statements_has_nothing_to_clear(away, cast):
    found = clearing(cast[Role.MUTUAL_MANAGER], MARCH)
    assert found.flows == [] and found.balances == []


def test_a_cancellation_counts_in_its_own_month_and_leaves_the_past_as_it_was(
    away, federation, cast
):
    statement_cancel(by=None, statement=away, reason="error", on=D(2025, 5, 3))
    manager = cast[Role.MUTUAL_MANAGER]

    (april,) = clearing(manager, APRIL).flows
    (may,) = clearing(manager, MAY).flows

    assert (april.claims, april.amount) == (2, 2000)
    assert (may.claims, may.amount) == (-2, -2000)


def test_both_sides_see_the_flows_between_them_and_no_one_else(away, federation):
    other_union = organisation_create(
        by=None,
        kind=Kind.DEPARTMENTAL_UNION,
        parent=federation.r1,
        code="D3",
        name="Union départementale de Thiès",
    )
    m3 = make_mutual(other_union, "M3", "Mutuelle de santé de Thiès")
    people = {
        code: user_create(by=None, username=f"u-{code}", organisation=org, roles=[Role.ACCOUNTANT])
        for code, org in (("D2", federation.d2), ("M1", federation.m1), ("M3", m3))
    }

    assert len(clearing(people["D2"], APRIL).flows) == 1
    assert len(clearing(people["M1"], APRIL).flows) == 1
    assert clearing(people["M3"], APRIL).flows == []


def test_the_nets_of_a_clearing_add_up_to_zero():
    flows = [
        Flow(1, 2, "XOF", 3, 5000),
        Flow(2, 1, "XOF", 1, 1200),
        Flow(3, 1, "XOF", 2, 800),
        Flow(3, 2, "XAF", 1, 700),
    ]
    found = {(b.organisation, b.currency): b for b in balances(flows)}
    assert sum(b.net for b in found.values() if b.currency == "XOF") == 0
    assert (found[(1, "XOF")].owed_to, found[(1, "XOF")].owes, found[(1, "XOF")].net) == (
        5000,
        2000,
        3000,
    )
    assert found[(2, "XAF")].net == -700 and found[(3, "XAF")].net == 700


def test_the_clearing_pdf_shows_the_pairs_and_the_balances(away, federation, cast):
    manager = cast[Role.MUTUAL_MANAGER]

    text = extract_text(
        clearing_pdf(clearing(manager, APRIL), federation.m1, language="en", compress=False)
    )

    assert "Mutuelle de santé de Joal" in text
    assert "Clearing between mutuals, April 2025" in text
    assert "Union départementale de Vélingara" in text
    assert "2,000 FCFA" in text and "-2,000 FCFA" in text


def workbook(user, month):
    added, released = clearing_lines(user, month)
    content = clearing_xlsx(clearing(user, month), added, released, "en")
    return [list(sheet.values) for sheet in load_workbook(io.BytesIO(content)).worksheets]


def test_the_clearing_workbook_lists_the_pairs_the_balances_and_the_claims(away, cast, care):
    pairs, nets, claims = workbook(cast[Role.MUTUAL_MANAGER], APRIL)

    assert pairs == [
        ("Paid by", "For the members of", "Currency", "Claims", "Amount"),
        ("Union départementale de Vélingara", "Mutuelle de santé de Joal", "XOF", 2, 2000),
    ]
    assert nets[1:] == [
        ("Mutuelle de santé de Joal", "XOF", 0, 2000, -2000),
        ("Union départementale de Vélingara", "XOF", 2000, 0, 2000),
    ]
    assert [(row[4], row[7], row[8]) for row in claims[1:]] == [
        (care.awa.member_number, 1000, None),
        (care.fatou.member_number, 1000, None),
    ]


def test_a_statement_issued_and_cancelled_in_the_month_clears_nothing(away, cast):
    statement_cancel(by=None, statement=away, reason="error", on=D(2025, 4, 30))

    pairs, nets, claims = workbook(cast[Role.MUTUAL_MANAGER], APRIL)

    assert pairs[1:] == [] and nets[1:] == []
    # its claims are listed both ways
    assert sorted(row[7] for row in claims[1:]) == [-1000, -1000, 1000, 1000]
    assert {row[8] for row in claims[1:]} == {None, "cancelled"}


def clearing_events(organisation):
    return [
        (event.kind, event.payload["payer"], event.payload["amount"], len(event.payload["claims"]))
        for event in Event.objects.filter(
            organisation_id=organisation.pk, kind__startswith="clearing."
        ).order_by("sequence")
    ]


def test_the_member_s_mutual_learns_from_its_own_log_what_it_owes_and_what_was_released(
    away, federation
):
    d2 = str(federation.d2.uid)
    assert clearing_events(federation.m1) == [("clearing.charged", d2, 2000, 2)]
    assert clearing_events(federation.d2) == []  # the payer's statement.issued names the mutuals

    statement_cancel(by=None, statement=away, reason="error", on=D(2025, 5, 3))

    assert clearing_events(federation.m1) == [
        ("clearing.charged", d2, 2000, 2),
        ("clearing.released", d2, 2000, 2),
    ]
    charged = Event.objects.get(organisation_id=federation.m1.pk, kind="clearing.charged")
    assert charged.subject == away.uid
    assert {line["claim"] for line in charged.payload["claims"]} == {
        str(uid) for uid in away.claims.values_list("claim__uid", flat=True)
    }
