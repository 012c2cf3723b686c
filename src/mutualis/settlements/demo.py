"""Demo provider payments in the region where the demo's users work (the other regions have
not started paying providers through Mutualis: their claims are owed): the statements of the
demo's claims, month by month, issued a few days after each invoicing period ends as a mutual's
accountant does, and their payments — most within the agreement's terms, some late, some in two
parts, one entered with a wrong amount and reversed, the latest still owed. Written through the
services, like the claims they list."""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models.functions import TruncMonth

from mutualis.benefits.demo import demo_today
from mutualis.claims.choices import ClaimStatus
from mutualis.claims.models import Claim
from mutualis.contributions.models import Method
from mutualis.core.demo import Demo
from mutualis.core.periods import PeriodUnit, period_end
from mutualis.federation.models import Organisation
from mutualis.settlements.models import Statement
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statements_issue,
)

# How statements are paid: each draws one habit, by these weights (in percent).
PAID_IN_TERMS, PAID_LATE, PAID_IN_TWO_PARTS, DISPUTED = "in terms", "late", "in two parts", "owed"
HABITS = ((PAID_IN_TERMS, 65), (PAID_LATE, 20), (PAID_IN_TWO_PARTS, 10), (DISPUTED, 5))


def add_arguments(parser) -> None:
    """No options: the statements follow the claims (`--claims-months`)."""


def has_data() -> bool:
    return Statement.objects.exists()


def months_with_claims(region: Organisation, today: datetime.date) -> list[tuple]:
    """(paying organisation, first day of the month) of every month of decided claims that a
    mutual or union of the region pays a share of, in order."""
    return list(
        Claim.objects.filter(
            payer__path__startswith=region.path,
            status=ClaimStatus.DECIDED,
            mutual_share__gt=0,
            service_from__lt=today,
        )
        .annotate(month=TruncMonth("service_from"))
        .values_list("payer_id", "month")
        .distinct()
        .order_by("month", "payer_id")
    )


def issue_statements(demo: Demo, region: Organisation, today: datetime.date) -> list[Statement]:
    months = months_with_claims(region, today)
    payers = Organisation.objects.in_bulk({payer for payer, _month in months})
    issued = []
    for payer_id, month in months:
        issued_on = period_end(month, PeriodUnit.MONTH) + datetime.timedelta(
            days=demo.rng.randint(3, 10)
        )
        if issued_on > today:
            continue
        demo.events.flush(until=issued_on)  # the logs follow the calendar (core.demo)
        try:
            issue = statements_issue(
                by=None, payer=payers[payer_id], day=month, issued_on=issued_on
            )
        except ValidationError:
            continue  # nothing left to list: every claim of the month pays nothing, or is listed
        issued.extend(issue.statements)
    return issued


def payment_plan(demo: Demo, statement: Statement, habit: str) -> list[tuple]:
    """(day, amount) of each payment of a statement paid as `habit` says."""
    rng = demo.rng
    in_terms = statement.issued_on + datetime.timedelta(days=rng.randint(5, statement.payment_days))
    late = statement.due_on + datetime.timedelta(days=rng.randint(5, 60))
    if habit == PAID_IN_TERMS:
        return [(in_terms, statement.total)]
    if habit == PAID_LATE:
        return [(late, statement.total)]
    if habit == PAID_IN_TWO_PARTS and statement.total > 1:
        first = statement.total // 2
        return [(in_terms, first), (late, statement.total - first)]
    return []


def pay(demo: Demo, statement: Statement, habit: str, today: datetime.date, typo: bool) -> int:
    """Records the payments of one statement as `habit` says, but those after `today`; with
    `typo`, the first is entered with a wrong amount first, and reversed. Returns how many."""
    method = demo.rng.choice([Method.BANK_TRANSFER, Method.BANK_TRANSFER, Method.MOBILE_MONEY])
    recorded = 0
    for index, (paid_on, amount) in enumerate(payment_plan(demo, statement, habit), start=1):
        if paid_on > today:
            break
        entry = {
            "by": None,
            "statement": statement,
            "method": method,
            "paid_on": paid_on,
            "reference": f"VIR-{statement.mutual.code}-{statement.number}-{index}",
        }
        if typo and index == 1 and amount > 10:
            wrong = provider_payment_record(amount=amount // 10, **entry)  # a zero forgotten
            provider_payment_reverse(by=None, payment=wrong, reason="Montant mal saisi", on=paid_on)
            recorded += 2
        provider_payment_record(amount=amount, **entry)
        recorded += 1
    return recorded


def generate(demo: Demo) -> None:
    today = demo_today(demo)
    region = demo.made["users"]["officer"].organisation  # the demo union officer's region
    statements = issue_statements(demo, region, today)
    demo.events.flush()
    habits = [habit for habit, _share in HABITS]
    weights = [share for _habit, share in HABITS]
    drawn: Counter[str] = Counter()
    payments = 0
    for statement in statements:
        habit = demo.rng.choices(habits, weights)[0]
        drawn[habit] += 1
        first_in_terms = habit == PAID_IN_TERMS and drawn[PAID_IN_TERMS] == 1
        payments += pay(demo, statement, habit, today, typo=first_in_terms)
    demo.log(
        f"Provider payments in {region.name}: {len(statements)} statements "
        f"({', '.join(f'{count} {habit}' for habit, count in drawn.items())}), "
        f"{payments} payments and reversals."
    )
