from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.models import Method
from mutualis.core.forms import AmountField, CharField, CountField, DateField, ModelChoiceField


class PaymentForm(forms.Form):
    amount = AmountField(label=_("amount"), min_value=1)
    method = forms.ChoiceField(label=_("method"), choices=Method.choices, initial=Method.CASH)
    reference = CharField(
        label=_("transaction reference"),
        required=False,
        max_length=60,
        help_text=_("Mobile-money transaction ID, savings account operation, bank reference."),
    )
    received_on = DateField(label=_("received on"), past=True)
    receipt_number = CharField(
        label=_("receipt number"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to number the receipt automatically."),
    )
    note = CharField(label=_("note"), required=False, max_length=255)


class ReversalForm(forms.Form):
    reason = CharField(label=_("reason"), max_length=255)
    on = DateField(label=_("date"))


class DayForm(forms.Form):
    day = DateField(label=_("day"), required=False)


class ContributionsExportForm(forms.Form):
    mutual = ModelChoiceField(label=_("mutual"), queryset=None)
    start = DateField(label=_("from"))
    end = DateField(label=_("until"))

    def __init__(self, *args, mutuals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mutual"].queryset = mutuals

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes before the start."))
        return data


class PayerPaymentForm(forms.Form):
    mutual = ModelChoiceField(label=_("mutual"), queryset=None)
    payer = ModelChoiceField(label=_("third payer"), queryset=None)
    amount = AmountField(label=_("amount"), min_value=1)
    method = forms.ChoiceField(
        label=_("method"), choices=Method.choices, initial=Method.BANK_TRANSFER
    )
    reference = CharField(label=_("transaction reference"), max_length=60)
    received_on = DateField(label=_("received on"), past=True)
    period = DateField(
        label=_("period paid (its first day)"),
        required=False,
        help_text=_("Leave empty to settle the oldest periods first."),
    )

    def __init__(self, *args, mutuals, payers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mutual"].queryset = mutuals
        self.fields["payer"].queryset = payers
        if mutuals.count() == 1:
            self.fields["mutual"].initial = mutuals.first()


class MutualFilterForm(forms.Form):
    """The lists of a mutual's households and payments: a user of a union chooses the mutual,
    a user of a mutual sees theirs (the only choice, shown chosen)."""

    mutual = ModelChoiceField(label=_("mutual"), queryset=None, required=False)

    def __init__(self, *args, mutuals, **kwargs):
        super().__init__(*args, **kwargs)
        found = list(mutuals[:2])
        # a user of one mutual has nothing to choose
        self.only = found[0] if len(found) == 1 else None
        if len(found) < 2:
            del self.fields["mutual"]
        else:
            self.fields["mutual"].queryset = mutuals

    def chosen_mutual(self):
        """The mutual chosen, or the user's only one; None until a user of several chooses."""
        if self.only is not None or "mutual" not in self.fields:
            return self.only
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("mutual")
        return None


class PaymentFilterForm(MutualFilterForm):
    start = DateField(label=_("from"), required=False)
    end = DateField(label=_("until"), required=False)
    method = forms.ChoiceField(
        label=_("method"), choices=[("", _("all methods")), *Method.choices], required=False
    )
    cashier = ModelChoiceField(label=_("recorded by"), queryset=None, required=False)

    def __init__(self, *args, cashiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashier"].queryset = cashiers

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes before the start."))
        return data


class ArrearsForm(MutualFilterForm):
    ORDERS = [
        ("amount", _("largest amount first")),
        ("age", _("oldest first")),
        ("number", _("household number")),
    ]
    order = forms.ChoiceField(label=_("order"), choices=ORDERS, required=False)


class CoverEndingForm(MutualFilterForm):
    days = CountField(label=_("within (days)"), min_value=1, required=False)
