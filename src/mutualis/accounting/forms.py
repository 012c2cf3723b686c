import datetime

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from mutualis.accounting.models import Journal, Operation
from mutualis.accounting.services import HAND_JOURNALS
from mutualis.accounting.statements import System
from mutualis.core.forms import AmountField, CharField, DateField

# the lines an entry by hand offers at once; an entry with more is typed in two
ENTRY_LINES = 6


class PeriodForm(forms.Form):
    """A year, or one of its months."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        label=_("month"),
        choices=[("", _("the whole year")), *MONTHS.items()],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The period asked for; the current year when nothing valid is."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        year = data.get("year") or today.year
        month = data.get("month")
        if month is None:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        start = datetime.date(year, month, 1)
        return start, (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
            days=1
        )


class YearForm(PeriodForm):
    """A year: what is at its end (a balance sheet, the prudential figures)."""

    month = None


class SpanForm(PeriodForm):
    """A year, one of its months, or any period from a day until another."""

    start = DateField(label=_("from"), required=False)
    end = DateField(label=_("until"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error("end", _("Give both days of the period, or neither."))
        elif start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """From a day until another when both are given, else the year or the month."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        return super().period(today)


class LedgerForm(SpanForm):
    account = CharField(
        label=_("account"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"list": "chart", "inputmode": "numeric"}),
    )


class JournalForm(SpanForm):
    journal = forms.ChoiceField(
        label=_("journal"), choices=[("", _("every journal")), *Journal.choices], required=False
    )


class EntryForm(forms.Form):
    journal = forms.ChoiceField(
        label=_("journal"), choices=[(j.value, j.label) for j in HAND_JOURNALS]
    )
    date = DateField(label=_("date"), past=True)
    label = CharField(label=_("label"), max_length=200)
    reference = CharField(label=_("piece"), max_length=60, required=False)
    cashier = forms.ChoiceField(label=_("cash box"), required=False)
    piece = forms.FileField(label=_("scanned piece (PDF, PNG or JPEG)"), required=False)

    def __init__(self, *args, cash_boxes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cashier"].choices = [("", _("the organisation's safe"))] + [
            (str(user.uid), str(user)) for user in cash_boxes
        ]
        for index in range(ENTRY_LINES):
            number = index + 1
            self.fields[f"lines.{index}.account"] = CharField(
                label=_("account, line %(number)s") % {"number": number},
                max_length=12,
                required=False,
                # the chart's accounts offered as the number is typed (entry_form.html)
                widget=forms.TextInput(attrs={"list": "chart", "inputmode": "numeric"}),
            )
            self.fields[f"lines.{index}.debit"] = AmountField(
                label=_("debit, line %(number)s") % {"number": number}, required=False
            )
            self.fields[f"lines.{index}.credit"] = AmountField(
                label=_("credit, line %(number)s") % {"number": number}, required=False
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("journal", "date", "label", "reference")]

    def source_fields(self) -> list[forms.BoundField]:
        """Whose cash box the cash lines are in, and the piece scanned."""
        return [self["cashier"], self["piece"]]

    def line_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                self[f"lines.{index}.account"],
                self[f"lines.{index}.debit"],
                self[f"lines.{index}.credit"],
            )
            for index in range(ENTRY_LINES)
        ]


class MonthCloseForm(forms.Form):
    month = DateField(label=_("month"))


class YearCloseForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class ReopenForm(forms.Form):
    reason = CharField(label=_("reason for reopening"), max_length=255)


class StatementsForm(SpanForm):
    system = forms.ChoiceField(label=_("system"), choices=System.choices, required=False)

    def system_chosen(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("system") or System.SIMPLIFIED


class CashBookForm(forms.Form):
    """A cash box and a day (today when none)."""

    cashier = forms.ChoiceField(label=_("cash box"), required=False)
    day = DateField(label=_("day"), required=False)

    def __init__(self, *args, cash_boxes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cashier"].choices = [(str(user.uid), str(user)) for user in cash_boxes] + [
            ("safe", _("the organisation's safe"))
        ]


class CashCountForm(forms.Form):
    counted = AmountField(label=_("cash counted"), min_value=0)
    explanation = CharField(label=_("explanation of a difference"), max_length=255, required=False)


class HandOverForm(forms.Form):
    """Cash handed from the box shown to another box."""

    taker = forms.ChoiceField(label=_("handed to"))
    amount = AmountField(label=_("amount"), min_value=1)
    note = CharField(label=_("note"), max_length=100, required=False)

    def __init__(self, *args, cash_boxes=(), giver=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.boxes = [user for user in cash_boxes if user != giver]
        safe = [] if giver is None else [("safe", _("the organisation's safe"))]
        self.fields["taker"].choices = safe + [(str(user.uid), str(user)) for user in self.boxes]


class StatementImportForm(forms.Form):
    account = forms.ChoiceField(label=_("account"))
    file = forms.FileField(label=_("file (CSV or Excel)"))

    def __init__(self, *args, accounts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.number, f"{a.number} {a.label}") for a in accounts]


class AccountForm(forms.Form):
    number = CharField(label=_("number"), max_length=12)
    label_fr = CharField(label=_("label in French"), max_length=120)
    label_en = CharField(label=_("label in English"), max_length=120)


class MappingForm(forms.Form):
    operation = forms.ChoiceField(label=_("operation"), choices=Operation.choices)
    account_number = CharField(label=_("account"), max_length=12)
    valid_from = DateField(label=_("valid from"))
