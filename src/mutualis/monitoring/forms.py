from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import ServiceCategory
from mutualis.core.forms import AmountField, CharField
from mutualis.monitoring.calculator import Inputs, ServiceUse
from mutualis.monitoring.catalogue import CATALOGUE, Thresholds
from mutualis.monitoring.plans import FIGURES, MAX_YEARS, YearPlanned


def bound(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=-100_000,
        max_value=100_000,
    )


class ThresholdForm(forms.Form):
    """A union's thresholds for one indicator, as read on the dashboard: a percentage for a
    rate, the average itself for an average; all empty goes back to the thresholds above."""

    indicator = forms.ChoiceField(
        label=_("indicator"),
        # named in the reader's language when the form is shown, not once when it is imported
        choices=lambda: [(i.code, f"{i.code} · {i.name}") for i in CATALOGUE],
    )
    warn_below = bound(_("warning below"))
    alarm_below = bound(_("alarm below"))
    warn_above = bound(_("warning above"))
    alarm_above = bound(_("alarm above"))

    def bounds(self) -> Thresholds | None:
        """In basis points (or hundredths): the same hundredfold for both units."""
        given = {
            name: None if value is None else int((value * 100).to_integral_value())
            for name, value in self.cleaned_data.items()
            if name != "indicator"
        }
        return None if all(v is None for v in given.values()) else Thresholds(**given)


class SubscriptionForm(forms.Form):
    """Receive an organisation's alerts by e-mail ("1") or stop them ("0")."""

    subscribe = forms.ChoiceField(
        label=_("alerts by e-mail"), choices=[("1", _("receive")), ("0", _("stop"))]
    )


def amount(label) -> AmountField:
    return AmountField(label=label, required=False)


class PlanForm(forms.Form):
    name = CharField(label=_("name of the plan"), max_length=200)


class PlanYearForm(forms.Form):
    """One year of a plan; a row left empty is no year."""

    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    members = amount(_("members"))
    beneficiaries = amount(_("beneficiaries"))
    contributions = amount(_("contributions collected"))
    benefits = amount(_("benefits"))
    income = amount(_("projected income"))
    costs = amount(_("projected operating costs"))
    subsidy = amount(_("operating subsidy"))

    def clean(self):
        data = super().clean()
        given = {name: value for name, value in data.items() if value is not None}
        if given and "year" not in given:
            self.add_error("year", _("Give the year of these figures."))
        return data

    def planned(self) -> YearPlanned | None:
        data = self.cleaned_data
        if data.get("year") is None:
            return None
        return YearPlanned(**{name: data.get(name) or 0 for name in ("year", *FIGURES)})


PlanYears = forms.formset_factory(PlanYearForm, extra=5, max_num=MAX_YEARS, absolute_max=20)


def percent(label, required=True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=100, decimal_places=2
    )


class StudyForm(forms.Form):
    """The calculator's figures other than the services'."""

    name = CharField(label=_("name of the study, to keep it"), max_length=200, required=False)
    months = forms.TypedChoiceField(
        label=_("contribution period"),
        coerce=int,
        choices=[(1, _("month")), (3, _("quarter")), (6, _("semester")), (12, _("year"))],
        initial=12,
    )
    management = percent(_("management loading (% of the contribution)"))
    reserves = percent(_("reserve loading (% of the contribution)"))
    beneficiaries = forms.IntegerField(
        label=_("beneficiaries expected"), min_value=0, max_value=10**9, initial=0
    )
    current = forms.IntegerField(
        label=_("contribution asked today, per beneficiary and period"),
        min_value=0,
        max_value=10**12,
        required=False,
    )
    rounding = forms.IntegerField(
        label=_("rounded up to a multiple of"), min_value=1, max_value=10**6, initial=25
    )


class ServiceUseForm(forms.Form):
    """One service's use; a row without a service is none."""

    service = forms.ChoiceField(
        label=_("service"), choices=[("", "—"), *ServiceCategory.choices], required=False
    )
    frequency = forms.DecimalField(
        label=_("uses a year per beneficiary"),
        min_value=0,
        max_value=1000,
        decimal_places=2,
        required=False,
    )
    cost = forms.IntegerField(
        label=_("average cost of one use"), min_value=0, max_value=10**9, required=False
    )
    coverage = percent(_("coverage (%)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("service") and any(
            data.get(name) is None for name in ("frequency", "cost", "coverage")
        ):
            raise forms.ValidationError(
                _("Give the use, the cost and the coverage of the service.")
            )
        return data

    def use(self) -> ServiceUse | None:
        data = self.cleaned_data
        if not data.get("service"):
            return None
        return ServiceUse(
            data["service"],
            int(data["frequency"] * 100),
            data["cost"],
            int(data["coverage"] * 100),
        )


ServiceUses = forms.formset_factory(ServiceUseForm, extra=3, max_num=20, absolute_max=30)


def study_inputs(study: StudyForm, uses: list[ServiceUse]) -> Inputs:
    data = study.cleaned_data
    return Inputs(
        services=tuple(uses),
        management_bp=int(data["management"] * 100),
        reserves_bp=int(data["reserves"] * 100),
        months=data["months"],
        beneficiaries=data["beneficiaries"],
        current=data.get("current"),
        rounding=data["rounding"],
    )
