"""Forms parse and check the shape of input; the rules live in providers.services, whose errors
the views attach back to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import LevelOfCare, ServiceCategory
from mutualis.core.forms import AmountField, CharField, ModelChoiceField, ModelForm
from mutualis.federation.forms import location_label
from mutualis.federation.models import Location
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Provider
from mutualis.providers.rules import ItemKind, ProviderKind


def every(label, choices):
    return [("", label), *choices]


class ProviderSearchForm(forms.Form):
    q = CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=every(_("all kinds"), ProviderKind.choices)
    )
    level = forms.ChoiceField(
        label=_("level of care"),
        required=False,
        choices=every(_("all levels"), LevelOfCare.choices),
    )
    commune = ModelChoiceField(
        label=_("commune"), required=False, queryset=None, empty_label=_("all communes")
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["commune"].label_from_instance = location_label


class ProviderForm(ModelForm):
    class Meta:
        model = Provider
        fields = [
            "owner",
            "code",
            "name",
            "kind",
            "level",
            "sector",
            "location",
            "address",
            "phone",
            "email",
            "contact_name",
            "active",
            "staff",
        ]
        widgets = {"staff": forms.CheckboxSelectMultiple}

    def __init__(self, *args, owners, clerks, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["owner"].queryset = owners
            del self.fields["active"]
        else:
            del self.fields["owner"]
        self.fields["level"].required = False
        self.fields["level"].help_text = _("Empty: the usual level of its kind.")
        self.fields["location"].queryset = Location.objects.filter(
            level=Location.Level.COMMUNE
        ).select_related("parent")
        self.fields["location"].label_from_instance = location_label
        self.fields["staff"].queryset = clerks
        self.fields["staff"].help_text = _("The provider clerks who work there.")

    def _post_clean(self):
        # Model validation runs in the service, with the rules of providers, in one place.
        pass


class ItemSearchForm(forms.Form):
    q = CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=every(_("all kinds"), ItemKind.choices)
    )
    service_category = forms.ChoiceField(
        label=_("service category"),
        required=False,
        choices=every(_("all services"), ServiceCategory.choices),
    )


class ItemForm(ModelForm):
    class Meta:
        model = MedicalItem
        fields = [
            "owner",
            "code",
            "label",
            "kind",
            "service_category",
            "level",
            "max_quantity",
            "min_days_between",
        ]

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def _post_clean(self):
        pass


class ItemImportForm(forms.Form):
    owner = ModelChoiceField(
        label=_("union"),
        queryset=None,
        help_text=_("The national union's is the national list; another union's extends it."),
    )
    file = forms.FileField(label=_("file (.xlsx or .csv)"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class AgreementSearchForm(forms.Form):
    q = CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("kind of provider"),
        required=False,
        choices=every(_("all kinds"), ProviderKind.choices),
    )


class AgreementForm(ModelForm):
    class Meta:
        model = Agreement
        fields = ["provider", "party", "reference", "signed_on", "starts_on", "ends_on"]

    def __init__(self, *args, providers, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["party"].queryset = parties

    def _post_clean(self):
        pass


class TermsForm(ModelForm):
    """The terms of a version: payment, invoicing, submission deadline, identity check,
    referral, obligations."""

    class Meta:
        model = AgreementVersion
        fields = [
            "payment_days",
            "invoicing_period",
            "submission_days",
            "identity_check",
            "referral_required",
            "obligations",
        ]
        widgets = {"obligations": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class VersionForm(TermsForm):
    class Meta(TermsForm.Meta):
        fields = ["valid_from", *TermsForm.Meta.fields]


class TariffForm(forms.Form):
    code = CharField(
        label=_("code"),
        max_length=MedicalItem._meta.get_field("code").max_length,
        required=False,
        widget=forms.TextInput(attrs={"list": "item-codes", "autocomplete": "off"}),
    )
    price = AmountField(
        label=_("agreed price"),
        min_value=0,
        required=False,
    )


TariffFormSet = forms.formset_factory(TariffForm, extra=5, max_num=5000)


class PriceListForm(forms.Form):
    file = forms.FileField(label=_("price list (.xlsx or .csv)"))
