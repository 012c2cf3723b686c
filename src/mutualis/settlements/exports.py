"""Excel workbooks of provider payments: a statement with its claims, and the clearing between
mutuals of a month with the claims behind it. Dates are real Excel dates and amounts integers in
the smallest unit of the currency, as in the other exports (membership.exports)."""

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.claims.models import Claim
from mutualis.core.spreadsheets import label, saved, write_sheet
from mutualis.membership.models import Beneficiary
from mutualis.settlements.models import Statement, StatementClaim
from mutualis.settlements.queries import Clearing, standings_of, statement_lines
from mutualis.settlements.rules import StatementStatus


def statement_xlsx(statement: Statement, language: str) -> bytes:
    """Two sheets: the statement's claims with a total row, then the statement itself (who
    pays whom, period, dates, amounts due, paid and outstanding, status)."""
    state = standings_of([statement])[statement.pk]
    with translation.override(language):
        workbook = Workbook(write_only=True)
        lines = list(statement_lines(statement))
        rows = [
            [
                line.claim.beneficiary.member_number,
                line.claim.mutual.name,
                line.claim.service_from,
                line.claim.provider_reference,
                int(line.claim.asked),
                int(line.amount),
                int(line.claim.member_share),
                int(line.claim.provider_loss),
            ]
            for line in lines
        ]
        total = [
            _("Total"),
            "",
            None,
            "",
            *(sum(row[index] for row in rows) for index in range(4, 8)),
        ]
        write_sheet(
            workbook,
            _("Claims"),
            [
                label(Beneficiary, "member_number"),
                _("Mutual of the beneficiary"),
                label(Claim, "service_from"),
                label(Claim, "provider_reference"),
                label(Claim, "asked"),
                label(Claim, "mutual_share"),
                label(Claim, "member_share"),
                label(Claim, "provider_loss"),
            ],
            [16, 28, 12, 18, 14, 14, 14, 14],
            [*rows, total],
            date_columns=[2],
        )
        facts = [
            (label(Statement, "number"), statement.number),
            (label(Statement, "mutual"), statement.mutual.name),
            (
                label(Statement, "provider"),
                f"{statement.provider.name} ({statement.provider.code})",
            ),
            (label(Statement, "period_start"), statement.period_start),
            (label(Statement, "period_end"), statement.period_end),
            (label(Statement, "issued_on"), statement.issued_on),
            (label(Statement, "due_on"), statement.due_on),
            (label(Statement, "payment_days"), statement.payment_days),
            (label(Statement, "currency"), statement.currency),
            (label(Statement, "total"), int(statement.total)),
            (_("Paid"), int(state.paid)),
            (_("Outstanding"), int(state.outstanding)),
            (_("Status"), str(StatementStatus(state.status).label)),
        ]
        # one row under its heads, like the other sheet, so that dates are dates there too
        write_sheet(
            workbook,
            _("Statement"),
            [name for name, _value in facts],
            [10, 28, 28, 12, 12, 12, 12, 10, 8, 14, 14, 14, 14],
            [[value for _name, value in facts]],
            date_columns=[3, 4, 5, 6],
        )
    return saved(workbook)


def clearing_xlsx(
    clearing: Clearing,
    added: QuerySet[StatementClaim],
    released: QuerySet[StatementClaim],
    language: str,
) -> bytes:
    """Three sheets: who paid for whose members (number of claims and amount), each
    organisation's balance, and the claims themselves — those of cancelled statements with a
    negative amount, as they count in the month's clearing."""
    with translation.override(language):
        workbook = Workbook(write_only=True)
        write_sheet(
            workbook,
            _("Clearing"),
            [_("Paid by"), _("For the members of"), _("Currency"), _("Claims"), _("Amount")],
            [32, 32, 10, 10, 14],
            (
                [payer.name, mutual.name, flow.currency, flow.claims, flow.amount]
                for payer, mutual, flow in clearing.named_flows()
            ),
            date_columns=[],
        )
        write_sheet(
            workbook,
            _("Balances"),
            [_("Organisation"), _("Currency"), _("Owed to it"), _("It owes"), _("Net")],
            [32, 10, 14, 14, 14],
            (
                [org.name, b.currency, b.owed_to, b.owes, b.net]
                for org, b in clearing.named_balances()
            ),
            date_columns=[],
        )
        fields = (
            "mutual__name",
            "statement__number",
            "statement__provider__name",
            "claim__mutual__name",
            "claim__beneficiary__member_number",
            "claim__service_from",
            "claim__provider_reference",
            "amount",
        )
        order = ("mutual__name", "statement__number", "claim__service_from", "pk")

        def rows():
            for lines, sign in ((added, 1), (released, -1)):
                for *values, amount in lines.order_by(*order).values_list(*fields):
                    yield [*values, sign * int(amount), "" if sign > 0 else _("cancelled")]

        write_sheet(
            workbook,
            _("Claims"),
            [
                _("Paid by"),
                _("Statement"),
                _("Provider"),
                _("For the members of"),
                label(Beneficiary, "member_number"),
                label(Claim, "service_from"),
                label(Claim, "provider_reference"),
                _("Amount"),
                _("Statement cancelled"),
            ],
            [28, 10, 28, 28, 16, 12, 18, 14, 14],
            rows(),
            date_columns=[5],
        )
    return saved(workbook)
