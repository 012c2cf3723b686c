"""The forms of the DHIS2 pages: the server, the two mapping tables and a push."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import CharField
from mutualis.interop.dhis2.models import IdScheme, Push
from mutualis.monitoring.figures import Span
from mutualis.monitoring.queries import Period


class ServerForm(forms.Form):
    base_url = CharField(
        label=_("base URL"),
        max_length=300,
        help_text=_("The server's address up to /api, e.g. https://dhis2.sante.gouv.sn"),
    )
    username = CharField(label=_("user name"), max_length=100)
    password = forms.CharField(
        label=_("password"),
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the password already given."),
    )
    data_set = CharField(label=_("data set"), max_length=50)
    id_scheme = forms.ChoiceField(label=_("identifier scheme"), choices=IdScheme.choices)


class ElementsForm(forms.Form):
    """One data element and one category option combination for each code."""

    def __init__(self, *args, codes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[f"element-{code}"] = CharField(max_length=50, required=False)
            self.fields[f"combo-{code}"] = CharField(max_length=50, required=False)

    def elements(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            name.removeprefix("element-"): (data[name], data[f"combo-{name[8:]}"])
            for name in self.fields
            if name.startswith("element-")
        }


class OrgUnitsForm(forms.Form):
    """One org unit for each organisation of the subtree."""

    def __init__(self, *args, organisations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for organisation in organisations:
            self.fields[f"org_unit-{organisation.pk}"] = CharField(
                label=organisation.name, max_length=50, required=False
            )

    def org_units(self) -> dict[int, str]:
        return {
            int(name.removeprefix("org_unit-")): value for name, value in self.cleaned_data.items()
        }


def month_field(label) -> CharField:
    return CharField(
        label=label,
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-07", "size": 8, "inputmode": "numeric"}),
    )


class PushForm(forms.Form):
    first = month_field(_("from the month"))
    last = month_field(_("to the month"))
    organisations = forms.MultipleChoiceField(
        label=_("organisations"), widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(label=_("format"), choices=Push.Format.choices)
    dry_run = forms.BooleanField(
        label=_("dry run: the server checks and counts the values but keeps nothing"),
        required=False,
    )

    def __init__(self, *args, organisations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(str(o.pk), o.name) for o in organisations]

    def clean_month(self, name: str):
        period = Period.parse(self.cleaned_data.get(name, ""))
        if period is None or period.span != Span.MONTH:
            raise forms.ValidationError(_("Give a month as 2026-07."))
        return period

    def clean_first(self):
        return self.clean_month("first")

    def clean_last(self):
        return self.clean_month("last")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            self.add_error("last", _("The last month comes after the first."))
        return data

    def months(self) -> list:
        period, last, found = self.cleaned_data["first"], self.cleaned_data["last"], []
        while period <= last and len(found) <= 36:  # the service refuses more
            found.append(period.start)
            period = period.after()
        return found
