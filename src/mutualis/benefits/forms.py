from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import Category, ServiceCategory
from mutualis.benefits.models import BenefitPackage, CoverageRule, PackageVersion, Payer
from mutualis.core.forms import AmountField, CountField, ModelChoiceField, ModelForm


class PackageForm(ModelForm):
    class Meta:
        model = BenefitPackage
        fields = ["owner", "code", "name", "description"]

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def _post_clean(self):
        pass


class VersionForm(ModelForm):
    class Meta:
        model = PackageVersion
        fields = [
            "valid_from",
            "contribution_basis",
            "period",
            "period_anchor",
            "contribution",
            "registration_fee",
            "newcomer_billing",
            "waiting_days",
            "reentry_waiting_days",
            "newborns_exempt",
            "grace_days",
            "child_age_limit",
            "adult_dependants_allowed",
            "spouses_allowed",
            "other_dependents_allowed",
            "max_household_size",
        ]

    def _post_clean(self):
        pass


class CategoryAmountsForm(forms.Form):
    """A contribution per category, instead of the version's default, where one is typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Category.choices:
            self.fields[code] = AmountField(label=label, required=False)

    def amounts(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class SubsidyForm(forms.Form):
    payer = ModelChoiceField(label=_("third payer"), queryset=Payer.objects.none())
    category = forms.ChoiceField(
        label=_("category"), required=False, choices=[("", _("every category")), *Category.choices]
    )
    share_percent = forms.DecimalField(
        label=_("share (%)"), min_value=0, max_value=100, decimal_places=2
    )

    def __init__(self, *args, payers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = payers


class WaitingForm(forms.Form):
    service_category = forms.ChoiceField(
        label=_("service category"), choices=ServiceCategory.choices
    )
    days = CountField(label=_("days"))


def visit_rate(label) -> forms.DecimalField:
    """An optional rate for one kind of visit; blank means the rule's coverage rate."""
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        help_text=_("Blank: the coverage rate."),
    )


class CoverageRuleForm(ModelForm):
    rate_percent = forms.DecimalField(
        label=_("coverage rate (%)"), min_value=0, max_value=100, decimal_places=2, initial=80
    )
    referral_rate_percent = visit_rate(_("rate on referral (%)"))
    emergency_rate_percent = visit_rate(_("rate in an emergency (%)"))

    class Meta:
        model = CoverageRule
        fields = [
            "service_category",
            "level",
            "ceiling_per_act",
            "ceiling_per_episode",
            "ceiling_per_year",
            "guarantee_letter_required",
            "excluded",
        ]

    def _post_clean(self):
        pass

    def rule(self) -> dict:
        data = dict(self.cleaned_data)
        data["rate_bp"] = int(data.pop("rate_percent") * 100)
        for visit in ("referral", "emergency"):
            percent = data.pop(f"{visit}_rate_percent", None)
            data[f"{visit}_rate_bp"] = None if percent is None else int(percent * 100)
        return data


def formset(form, extra):
    return forms.formset_factory(form, extra=extra, max_num=60)
