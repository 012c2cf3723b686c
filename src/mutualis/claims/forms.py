from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import ServiceCategory
from mutualis.claims.choices import ClaimStatus, Outcome, ReasonCode, VisitType
from mutualis.claims.queries import PricedItem, PriceList
from mutualis.core.forms import AmountField, CharField, CountField, DateField, ModelChoiceField


class EligibilityForm(forms.Form):
    card = CharField(
        label=_("card or member number"),
        max_length=200,
        help_text=_("Scan the card's QR code with the reader, or type the member number."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    provider = ModelChoiceField(label=_("provider"), queryset=None)
    on = DateField(label=_("date of care"))

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ClaimForm(forms.Form):
    member_number = CharField(label=_("member number"), max_length=40)
    provider = ModelChoiceField(label=_("provider"), queryset=None)
    provider_reference = CharField(label=_("invoice number of the provider"), max_length=40)
    service_from = DateField(label=_("date of care"), past=True)
    service_to = DateField(
        past=True,
        label=_("end of care"),
        required=False,
        help_text=_("For a hospital stay; leave empty for a visit."),
    )
    visit_type = forms.ChoiceField(
        label=_("visit type"), choices=VisitType.choices, initial=VisitType.NORMAL
    )
    diagnosis = CharField(
        label=_("diagnosis (ICD-10)"), required=False, max_length=10, help_text=_("e.g. A09")
    )
    letter_number = CountField(
        label=_("guarantee letter number"),
        required=False,
        min_value=1,
        help_text=_("Leave empty: a valid letter for this provider is found by itself."),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ClaimLineForm(forms.Form):
    """One line of a claim. With the provider's price list (`prices`, queries.price_list), a
    code it does not price is refused on the line's code field, at once rather than after
    adjudication rejects the line; an empty quantity is one. The formset fills an empty unit
    price with the agreed tariff."""

    item_code = CharField(
        label=_("code of the act or medicine"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    quantity = CountField(
        label=_("quantity"),
        min_value=None,
        required=False,
        widget=forms.NumberInput(attrs={"placeholder": "1", "inputmode": "numeric"}),
    )
    unit_price = AmountField(
        label=_("unit price"),
        min_value=None,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, prices: PriceList | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prices = prices
        for field in self.fields.values():  # the column's header, for a screen reader
            field.widget.attrs.setdefault("aria-label", field.label)

    @property
    def amount(self) -> int | None:
        """What the line asks, once it is read and valid."""
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("quantity") is None or data.get("unit_price") is None:
            return None
        return data["quantity"] * data["unit_price"]

    @property
    def priced(self) -> PricedItem | None:
        """The line's act or medicine as the price list names it, once its code is read."""
        code = self.data.get(self.add_prefix("item_code"), "") if self.is_bound else ""
        return self.prices.get(code) if self.prices is not None and code else None

    def clean(self):
        data = super().clean()
        code = (data.get("item_code") or "").strip().upper()
        if not code:
            return data
        data["item_code"] = code
        if data.get("quantity") is None and "quantity" not in self.errors:
            data["quantity"] = 1
        if self.prices is None:
            return data
        if self.prices.get(code) is None and "item_code" not in self.errors:
            self.add_error(
                "item_code",
                _(
                    "“%(code)s” is not in the price list of the provider’s agreement in force "
                    "on the date of care: check the code of the act or medicine."
                )
                % {"code": code},
            )
        if data.get("unit_price") is None and not self.errors:
            self.add_error("unit_price", self.fields["unit_price"].error_messages["required"])
        return data


class ClaimLineBaseFormSet(forms.BaseFormSet):
    """The lines of a claim. Given the price list, a line posted with a code it prices and no
    unit price gets the agreed tariff, shown in its field when the form comes back."""

    def __init__(self, data=None, *args, form_kwargs=None, **kwargs):
        prices = (form_kwargs or {}).get("prices")
        if data is not None and prices is not None:
            data = data.copy()
            prefix = kwargs.get("prefix") or self.get_default_prefix()
            for key in [k for k in data if k.startswith(f"{prefix}-") and k.endswith("-item_code")]:
                price_key = key.removesuffix("item_code") + "unit_price"
                priced = prices.get(data.get(key, ""))
                if priced is not None and not data.get(price_key, "").strip():
                    data[price_key] = str(priced.price)
        super().__init__(data, *args, form_kwargs=form_kwargs, **kwargs)

    def filled(self) -> list[ClaimLineForm]:
        """The lines typed and not ticked for removal, in order: the claim's lines."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]

    def total(self) -> int:
        """What the lines typed ask for, those valid so far."""
        return sum(form.amount or 0 for form in self.filled()) if self.is_bound else 0


ClaimLineFormSet = forms.formset_factory(
    ClaimLineForm,
    formset=ClaimLineBaseFormSet,
    extra=2,
    max_num=200,
    can_delete=True,
    can_delete_extra=True,
)


def with_another_line(data, prefix: str) -> QueryDict:
    """The lines posted, less those ticked for removal, then a blank one, as a formset's data:
    the form's lines when the clerk asks for another without JavaScript."""
    try:
        total = min(int(data.get(f"{prefix}-{TOTAL_FORM_COUNT}") or 0), ClaimLineFormSet.max_num)
    except ValueError:
        total = 0
    kept = [index for index in range(total) if not data.get(f"{prefix}-{index}-DELETE")]
    lines = QueryDict(mutable=True)
    for number, index in enumerate(kept):
        for name in ("item_code", "quantity", "unit_price"):
            lines[f"{prefix}-{number}-{name}"] = data.get(f"{prefix}-{index}-{name}", "")
    lines[f"{prefix}-{TOTAL_FORM_COUNT}"] = str(min(len(kept) + 1, ClaimLineFormSet.max_num))
    lines[f"{prefix}-{INITIAL_FORM_COUNT}"] = "0"
    return lines


class ItemLookupForm(forms.Form):
    """What the completion of a line's code asks: the provider and the day of care, the member
    when typed, and the text typed (`q`) or one code to check (`code`)."""

    provider = ModelChoiceField(queryset=None)
    on = DateField(required=False)
    member = CharField(required=False, max_length=40)
    q = CharField(required=False, max_length=60)
    code = CharField(required=False, max_length=30)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all")), *ClaimStatus.choices]
    )
    provider = ModelChoiceField(label=_("provider"), required=False, queryset=None)
    member_number = CharField(label=_("member number"), required=False, max_length=40)
    start = DateField(label=_("care from"), required=False)
    end = DateField(label=_("care until"), required=False)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class LineReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("decision"), choices=Outcome.choices)
    mutual_share = AmountField(label=_("paid by the mutual"), required=False)
    reason = forms.ChoiceField(
        label=_("reason"), required=False, choices=[("", "—"), *ReasonCode.choices]
    )
    comment = CharField(label=_("comment"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the column's header, for a screen reader
            field.widget.attrs.setdefault("aria-label", field.label)


class ApprovalForm(forms.Form):
    claims = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={
            "required": _("Tick the claims to approve."),
            "invalid_choice": _(
                "A claim ticked is no longer waiting for review: it was decided meanwhile."
            ),
        },
    )

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = waiting


class LetterForm(forms.Form):
    member_number = CharField(label=_("member number"), max_length=40)
    provider = ModelChoiceField(label=_("provider"), queryset=None)
    service_category = forms.ChoiceField(
        label=_("service category"),
        required=False,
        choices=[("", _("any service needing a letter")), *ServiceCategory.choices],
    )
    valid_from = DateField(label=_("valid from"))
    valid_until = DateField(label=_("valid until"))
    cap = AmountField(label=_("maximum amount paid by the mutual"), min_value=1)
    reason = CharField(label=_("reason"), required=False, max_length=255)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class CancelForm(forms.Form):
    on = DateField(label=_("cancelled on"))


class ClaimsUploadForm(forms.Form):
    file = forms.FileField(label=_("batch of claims (.xlsx or .csv)"))
    valid_only = forms.BooleanField(
        label=_("Submit the valid claims and leave the others"),
        required=False,
        help_text=_("Without this, nothing is submitted from a file with errors."),
    )
