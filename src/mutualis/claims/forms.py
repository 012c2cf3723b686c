from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import ServiceCategory
from mutualis.claims.choices import ClaimStatus, Outcome, ReasonCode, VisitType
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
    item_code = CharField(label=_("code of the act or medicine"), max_length=30)
    quantity = CountField(label=_("quantity"), min_value=None)
    unit_price = AmountField(label=_("unit price"), min_value=None)


ClaimLineFormSet = forms.formset_factory(ClaimLineForm, extra=6, max_num=200)


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
