"""Excel export of contributions: one row per allocation of the payments, streamed from one
query into openpyxl's write-only workbook like the register's (membership.exports)."""

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.contributions.models import Allocation, AllocationKind, Method, Payment
from mutualis.core.spreadsheets import label, saved, spans_mutuals, write_sheet


def contributions_xlsx(payments: QuerySet[Payment], language: str) -> bytes:
    """One row per allocation of the payments: receipt, date, household, method, reference,
    what it pays (kind, third payer, period), amount, and whether the payment is a reversal
    (and of which receipt)."""
    with translation.override(language):
        several = spans_mutuals(payments)
        methods = {value: str(text) for value, text in Method.choices}
        kinds = {value: str(text) for value, text in AllocationKind.choices}
        yes, no = _("yes"), _("no")
        allocations = (
            Allocation.objects.filter(payment__in=payments.order_by().values("pk"))
            .order_by("payment__mutual__code", "payment__received_on", "payment_id", "pk")
            .values_list(
                "payment__mutual__code",
                "payment__receipt_number",
                "payment__received_on",
                "household__number",
                "payment__method",
                "payment__reference",
                "kind",
                "payer__name",
                "period_start",
                "amount",
                "payment__reverses__receipt_number",
            )
        )

        def rows():
            for (
                mutual,
                receipt,
                received_on,
                household,
                method,
                reference,
                kind,
                payer,
                period,
                amount,
                reverses,
            ) in allocations.iterator(chunk_size=5000):
                row = [
                    receipt,
                    received_on,
                    household,
                    methods.get(method, method),
                    reference,
                    kinds.get(kind, kind),
                    payer or "",
                    period,
                    int(amount),
                    yes if reverses else no,
                    reverses or "",
                ]
                yield [mutual, *row] if several else row

        headers = [
            label(Payment, "receipt_number"),
            label(Payment, "received_on"),
            label(Payment, "household"),
            label(Payment, "method"),
            label(Payment, "reference"),
            label(Allocation, "kind"),
            label(Payment, "payer"),
            label(Allocation, "period_start"),
            label(Allocation, "amount"),
            _("Reversal"),
            label(Payment, "reverses"),
        ]
        widths = [14, 12, 10, 16, 22, 20, 22, 12, 12, 10, 14]
        dates = [1, 7]
        if several:
            headers.insert(0, label(Payment, "mutual"))
            widths.insert(0, 12)
            dates = [i + 1 for i in dates]
        workbook = Workbook(write_only=True)
        title = str(Payment._meta.verbose_name_plural).capitalize()
        write_sheet(workbook, title, headers, widths, rows(), dates)
        return saved(workbook)
