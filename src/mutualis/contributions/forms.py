from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.models import Method
from mutualis.federation.forms import DateInput


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("amount"), min_value=1)
    method = forms.ChoiceField(label=_("method"), choices=Method.choices, initial=Method.CASH)
    reference = forms.CharField(
        label=_("transaction reference"),
        required=False,
        max_length=60,
        help_text=_("Mobile-money transaction ID, savings account operation, bank reference."),
    )
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    receipt_number = forms.CharField(
        label=_("receipt number"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to number the receipt automatically."),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=255)


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=255)
    on = forms.DateField(label=_("date"), widget=DateInput())


class DayForm(forms.Form):
    day = forms.DateField(label=_("day"), widget=DateInput(), required=False)
