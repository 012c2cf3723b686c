"""The directory's forms. They parse; the services judge (directory.rules): the e-mail, phone,
website, countries and languages are read as typed and refused by the service with a message
naming the field and the rule, so that a page and the API say the same thing."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.access import SignedIn, scoped
from mutualis.core.forms import CharField
from mutualis.federation.iso import country_choices
from mutualis.federation.models import Organisation, User
from mutualis.portal.directory.choices import Kind, Membership, SeatRole
from mutualis.portal.directory.models import Committee, Institution, Person, Seat
from mutualis.portal.directory.rules import INSTITUTION_CHOOSABLE, PERSON_CHOOSABLE


def line(label: Any, limit: int, required: bool = False, help_text: Any = "") -> CharField:
    return CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.TextInput(attrs={"maxlength": limit}),
    )


def text(label: Any, limit: int, rows: int = 4) -> CharField:
    return CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs={"maxlength": limit, "rows": rows}),
    )


def members_only(choosable: dict[str, Any]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Fields for members only"),
        help_text=_(
            "Ticked fields are shown to signed-in members of the network only; the others to "
            "everyone."
        ),
        choices=list(choosable.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CountryField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=country_choices, **kwargs)


class InstitutionForm(forms.Form):
    name = line(_("Name"), 200, required=True)
    acronym = line(_("Acronym"), 30)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    membership = forms.ChoiceField(label=_("Membership"), choices=Membership.choices)
    country = CountryField(label=_("Country (head office)"))
    other_countries = line(
        _("Other countries"), 100, help_text=_("ISO codes separated by spaces: ML BF NE.")
    )
    city = line(_("City"), 100)
    address = text(_("Address"), 300, rows=2)
    phone = line(_("Phone"), 30)
    email = line(_("E-mail"), 254)
    website = line(_("Website"), 200, help_text=_("https://…"))
    description_fr = text(_("Description in French"), 5000)
    description_en = text(_("Description in English"), 5000)
    organisation = forms.ModelChoiceField(
        label=_("Organisation of the federation"),
        help_text=_("When this organisation is also one of this installation's."),
        queryset=Organisation.objects.none(),
        required=False,
    )
    members_only = members_only(INSTITUTION_CHOOSABLE)

    def __init__(self, *args: Any, editor: SignedIn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        # the link already made stays a choice, even to an organisation outside the scope
        current = self.initial.get("organisation")
        linked = Organisation.objects.filter(pk=current.pk if current is not None else None)
        field.queryset = (scoped(Organisation.objects.all(), editor) | linked).order_by("name")


class PersonForm(forms.Form):
    name = line(_("Name"), 150, required=True)
    title = line(_("Title or function"), 150)
    institution = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Institution.objects.none(), required=False
    )
    country = CountryField(label=_("Country"))
    phone = line(_("Phone"), 30)
    email = line(_("E-mail"), 254)
    languages = line(_("Languages"), 50, help_text=_("ISO codes separated by spaces: fr en."))
    expertise = text(_("Areas of expertise"), 2000, rows=3)
    user = forms.ModelChoiceField(
        label=_("User account"),
        help_text=_("The person's own account: they may then choose who sees their details."),
        queryset=User.objects.none(),
        required=False,
    )
    members_only = members_only(PERSON_CHOOSABLE)

    def __init__(self, *args: Any, editor: SignedIn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Institution.objects.filter(retired_at=None).order_by("name")
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        # the account already linked stays a choice, even outside the editor's scope
        current = self.initial.get("user")
        linked = User.objects.filter(pk=current.pk if current is not None else None)
        field.queryset = (scoped(User.objects.filter(is_active=True), editor) | linked).order_by(
            "last_name", "first_name"
        )


class VisibilityForm(forms.Form):
    members_only = members_only(PERSON_CHOOSABLE)


class CommitteeForm(forms.Form):
    country = CountryField(label=_("Country"))
    name = line(_("Name"), 200, required=True)


class SeatForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=SeatRole.choices)

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Person.objects.filter(country=country, retired_at=None).order_by("name")


class CommitteeNameForm(forms.Form):
    name = line(_("Name"), 200, required=True)


class RetireForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm: the entry is kept, and no longer listed in the directory.")
    )


class SeatEndForm(forms.Form):
    seat = forms.ModelChoiceField(queryset=Seat.objects.none())

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["seat"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = committee.seats.filter(ended_at=None)
