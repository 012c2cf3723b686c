"""The PDF documents of provider payments (domain-rules.md §5–8), on A4 paper: the statement a payer
sends a provider, and the clearing between mutuals of a month.

A statement shows who pays and whom, the period, every claim (the beneficiary's member number,
the date of care, the provider's invoice number, the amount asked and its split into the
mutual's share, what the member owes and what the provider may not bill), the totals, and the
date by which it is to be paid under the agreement's terms. A cancelled statement says so in
red, so that it cannot pass for one to pay.
"""

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mutualis.core.formats import format_amount, format_date, long_date
from mutualis.core.pdf import (
    ALERT,
    MUTED,
    Column,
    Page,
    new_canvas,
    number,
)
from mutualis.settlements.models import Statement
from mutualis.settlements.queries import Clearing, standings_of, statement_lines


def statement_title(statement: Statement) -> str:
    return _("Statement no. %(number)s") % {"number": statement.number}


STATEMENT_COLUMNS = (
    (gettext_lazy("member number"), 0.17),
    (gettext_lazy("date of care"), 0.12),
    (gettext_lazy("invoice number"), 0.17),
    (gettext_lazy("asked"), 0.135),
    (gettext_lazy("paid by the mutual"), 0.135),
    # short heads that fit their column: what the member owes, what the provider may not bill
    (gettext_lazy("member's share"), 0.135),
    (gettext_lazy("not billable"), 0.135),
)


def statement_pdf(statement: Statement, *, language: str = "fr", compress: bool = True) -> bytes:
    """The statement of a provider's claims, in `language`, on as many A4 pages as its claims
    need. `compress=False` leaves the page streams readable (tests)."""
    statement = Statement.objects.select_related("mutual", "provider", "agreement").get(
        pk=statement.pk
    )
    lines = list(statement_lines(statement))
    state = standings_of([statement])[statement.pk]
    buffer = io.BytesIO()
    with translation.override(language):
        title = statement_title(statement)
        canvas = new_canvas(
            buffer, A4, title=title, author=statement.mutual.name, compress=compress
        )
        page = Page(canvas, title, statement.mutual)
        if statement.cancelled_on is not None:
            page.title_line(
                _("CANCELLED on %(date)s") % {"date": long_date(statement.cancelled_on)},
                color=ALERT,
            )
            page.text(statement.cancel_reason, color=ALERT)
        page.title_line(title)
        provider = statement.provider
        facts = [
            (_("Provider"), f"{provider.name} ({provider.code})"),
            (_("Paid by"), statement.mutual.name),
            (
                _("Period"),
                f"{format_date(statement.period_start)} – {format_date(statement.period_end)}",
            ),
            (_("Issued on"), long_date(statement.issued_on)),
            (
                _("To be paid by"),
                _("%(date)s (payment terms: %(days)s days)")
                % {"date": long_date(statement.due_on), "days": statement.payment_days},
            ),
        ]
        if provider.address:
            facts.insert(1, (_("Address"), provider.address))
        if statement.agreement is not None:
            facts.append((_("Agreement"), statement.agreement.reference))
        facts.append((_("Amounts in"), statement.currency))
        page.facts(facts)
        columns = [
            Column(str(label), width, right=index >= 3)
            for index, (label, width) in enumerate(STATEMENT_COLUMNS)
        ]
        rows, sums = [], [0, 0, 0, 0]
        for line in lines:
            claim = line.claim
            amounts = (claim.asked, line.amount, claim.member_share, claim.provider_loss)
            sums = [s + a for s, a in zip(sums, amounts, strict=True)]
            rows.append(
                [
                    claim.beneficiary.member_number,
                    format_date(claim.service_from),
                    claim.provider_reference,
                    *(number(a) for a in amounts),
                ]
            )
        count = _("Total (%(count)s claims)") % {"count": len(lines)}
        page.table(columns, rows, [count, "", "", *(number(s) for s in sums)])
        page.room(20 * mm)
        page.y -= 4 * mm
        page.text(
            _("Amount due: %(amount)s")
            % {"amount": format_amount(statement.total, statement.currency)},
            size=13,
            bold=True,
        )
        if state.paid:
            page.text(
                _("Paid so far: %(paid)s · still owed: %(outstanding)s")
                % {
                    "paid": format_amount(state.paid, statement.currency),
                    "outstanding": format_amount(state.outstanding, statement.currency),
                }
            )
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def clearing_pdf(
    clearing: Clearing, organisation, *, language: str = "fr", compress: bool = True
) -> bytes:
    """The clearing between mutuals of a month as seen from `organisation` (the user's): who
    paid providers for whose members, and each organisation's net position."""
    buffer = io.BytesIO()
    with translation.override(language):
        month = formats.date_format(clearing.start, "YEAR_MONTH_FORMAT")
        title = _("Clearing between mutuals, %(month)s") % {"month": month}
        canvas = new_canvas(buffer, A4, title=title, author=organisation.name, compress=compress)
        page = Page(canvas, title, organisation)
        page.title_line(title)
        page.text(
            _(
                "Claims that a mutual or a union paid to providers for the members of another "
                "mutual, on its statements issued from %(start)s to %(end)s, less those of "
                "statements cancelled in that time: the mutual of the members owes them back."
            )
            % {"start": format_date(clearing.start), "end": format_date(clearing.end)},
            size=9,
            color=MUTED,
        )
        page.table(
            [
                Column(_("paid by"), 0.36),
                Column(_("for the members of"), 0.36),
                Column(_("claims"), 0.1, right=True),
                Column(_("amount"), 0.18, right=True),
            ],
            [
                [
                    payer.name,
                    mutual.name,
                    number(flow.claims),
                    format_amount(flow.amount, flow.currency),
                ]
                for payer, mutual, flow in clearing.named_flows()
            ],
        )
        if not clearing.flows:
            page.text(_("No claim was paid for the members of another mutual this month."))
        page.y -= 4 * mm
        page.text(_("Balances"), size=12, bold=True)
        page.table(
            [
                Column(_("organisation"), 0.37),
                Column(_("owed to it"), 0.21, right=True),
                Column(_("it owes"), 0.21, right=True),
                Column(_("net"), 0.21, right=True),
            ],
            [
                [
                    org.name,
                    format_amount(balance.owed_to, balance.currency),
                    format_amount(balance.owes, balance.currency),
                    format_amount(balance.net, balance.currency),
                ]
                for org, balance in clearing.named_balances()
            ],
        )
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
