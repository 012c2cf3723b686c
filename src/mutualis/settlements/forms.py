from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.models import Method
from mutualis.core.forms import AmountField, CharField, DateField, ModelChoiceField
from mutualis.settlements.rules import StatementStatus


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


def month_field(label, **kwargs) -> DateField:
    """A month, typed or picked as year-month (2025-03); a full date is taken for its month's
    first day by the code that reads it."""
    return DateField(
        label=label,
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": _("Give the month as year-month, such as 2025-03.")},
        **kwargs,
    )


class IssueForm(forms.Form):
    payer = ModelChoiceField(label=_("paid by"), queryset=None)
    period = month_field(
        _("period"),
        help_text=_(
            "A month of the period to issue: the agreement's invoicing period that contains it "
            "(a quarter under quarterly invoicing)."
        ),
    )
    issued_on = DateField(label=_("issued on"))

    def __init__(self, *args, payers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = payers
        if len(payers) == 1:
            self.fields["payer"].initial = payers[0]


class PaymentForm(forms.Form):
    amount = AmountField(label=_("amount"), min_value=1)
    method = forms.ChoiceField(
        label=_("method"), choices=Method.choices, initial=Method.BANK_TRANSFER
    )
    reference = CharField(
        label=_("transaction reference"),
        required=False,
        max_length=60,
        help_text=_("Bank or mobile-money reference of the transfer."),
    )
    paid_on = DateField(label=_("paid on"), past=True)
    note = CharField(label=_("note"), required=False, max_length=255)


class ReasonForm(forms.Form):
    """A reversal or a cancellation: why, and the day it takes effect."""

    reason = CharField(label=_("reason"), max_length=255)
    on = DateField(label=_("date"))


def every(label, choices):
    return [("", label), *choices]


class StatementSearchForm(forms.Form):
    provider = ModelChoiceField(
        label=_("provider"), queryset=None, required=False, empty_label=_("all providers")
    )
    month = month_field(_("period"), required=False)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=every(_("any status"), StatementStatus.choices),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class BalanceOrderForm(forms.Form):
    order = forms.ChoiceField(
        label=_("sort by"),
        required=False,
        choices=[
            ("delay", _("delay")),
            ("outstanding", _("amount outstanding")),
            ("provider", _("provider")),
        ],
    )


class MonthForm(forms.Form):
    month = month_field(_("month"), required=False)
