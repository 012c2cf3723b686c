"""The forms of the inventory's pages: who a mutual is, a year's record, the focal point's
decision, the designation of a focal point, the directory's search. Figures are whole numbers
bounded above only by what any amount may be (core.bounds): the services refuse an impossible
one with its rule (inventory.rules)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.bounds import MAX_AMOUNT
from mutualis.core.forms import CharField, DateField
from mutualis.federation.iso import country_choices, currency_choices
from mutualis.inventory.choices import LegalStatus, Level, MutualType, Period, Service, Status, Tool
from mutualis.inventory.services import Identity, Year


def figure(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        max_value=MAX_AMOUNT,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def blank_first(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class IdentityForm(forms.Form):
    name = CharField(label=_("name"), max_length=200)
    country = forms.ChoiceField(label=_("country"))
    place = CharField(label=_("place"), max_length=120, required=False)
    founded_on = DateField(label=_("date of creation"), required=False, past=True)
    legal_status = forms.ChoiceField(
        label=_("legal status"), choices=blank_first(LegalStatus.choices), required=False
    )
    registration = CharField(
        label=_("registration"),
        max_length=120,
        required=False,
        help_text=_("The number and date of the registration, or the approval."),
    )
    mutual_type = forms.ChoiceField(label=_("type of mutual"), choices=MutualType.choices)
    networks = CharField(
        label=_("unions and networks it belongs to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    supporters = CharField(
        label=_("support structures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = blank_first(country_choices())

    def identity(self) -> Identity:
        return Identity(**self.cleaned_data)


class RecordForm(forms.Form):
    """A year's record, in the order the Concertation's questionnaire asked it."""

    status = forms.ChoiceField(label=_("status this year"), choices=Status.choices)
    members = figure(_("members"), _("Heads of household who pay the contribution."))
    beneficiaries = figure(_("beneficiaries"), _("Members and the dependants they cover."))
    women_members = figure(_("women among the members"))
    target_population = figure(_("target population"))
    services = forms.MultipleChoiceField(
        label=_("services covered"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(
        label=_("level of care covered"), choices=blank_first(Level.choices), required=False
    )
    coverage_rate = figure(_("coverage rate (%)"))
    hospital_coverage_rate = figure(_("coverage rate in hospital (%)"))
    contribution = figure(_("contribution per beneficiary"))
    contribution_period = forms.ChoiceField(
        label=_("contribution period"), choices=blank_first(Period.choices), required=False
    )
    registration_fee = figure(_("registration fee"))
    waiting_days = figure(_("waiting period (days)"))
    currency = forms.ChoiceField(label=_("currency"))
    contributions_due = figure(_("contributions due"))
    contributions_collected = figure(_("contributions collected"))
    benefits_paid = figure(_("benefits paid"))
    subsidies = figure(_("subsidies"))
    reserves = figure(_("reserves"))
    providers = figure(_("providers under agreement"))
    provider_names = CharField(
        label=_("names of the providers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    tools = forms.MultipleChoiceField(
        label=_("management tools"),
        choices=Tool.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    SECTIONS = (
        (_("People"), ("status", "members", "beneficiaries", "women_members", "target_population")),
        (
            _("Package"),
            (
                "services",
                "level",
                "coverage_rate",
                "hospital_coverage_rate",
                "contribution",
                "contribution_period",
                "registration_fee",
                "waiting_days",
            ),
        ),
        (
            _("Finances of the year"),
            (
                "currency",
                "contributions_due",
                "contributions_collected",
                "benefits_paid",
                "subsidies",
                "reserves",
            ),
        ),
        (_("Providers and tools"), ("providers", "provider_names", "tools")),
    )

    def __init__(self, *args: Any, prefilled: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        self.prefilled = prefilled
        for name in prefilled:
            self.fields[name].widget.attrs["class"] = "prefilled"
            self.fields[name].help_text = _("Pre-filled from the monitoring.")

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def year(self) -> Year:
        data = dict(self.cleaned_data)
        data["services"] = tuple(data["services"])
        data["tools"] = tuple(data["tools"])
        return Year(**data)


class DecisionForm(forms.Form):
    VALIDATE, RETURN, REOPEN = "validate", "return", "reopen"

    record = forms.UUIDField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[(VALIDATE, _("validate")), (RETURN, _("return")), (REOPEN, _("reopen"))],
        widget=forms.HiddenInput,
    )
    comment = CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class FocalPointForm(forms.Form):
    user = forms.ChoiceField(label=_("officer"))
    country = forms.ChoiceField(label=_("country"))

    def __init__(self, *args: Any, users: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {str(user.pk): user for user in users}
        self.fields["user"].choices = blank_first(
            (pk, f"{user.get_full_name() or user.username} — {user.organisation}")
            for pk, user in self.users.items()
        )
        self.fields["country"].choices = blank_first(country_choices())


class SearchForm(forms.Form):
    q = CharField(label=_("name, place or network"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("country"), required=False)

    def __init__(self, *args: Any, countries: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("every country")), *countries]
