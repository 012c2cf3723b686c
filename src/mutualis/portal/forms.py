"""The portal's forms: they parse; the services decide."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import CharField, DateField, ModelChoiceField
from mutualis.federation.iso import country_choices
from mutualis.portal.choices import DocumentKind, GatheringKind, Language, Theme
from mutualis.portal.files import MAX_BYTES, Upload
from mutualis.portal.services import Applicant, DocumentDetails, GatheringDetails, NewsDetails


def blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class SearchForm(forms.Form):
    """The library's search and filters, from the query string; a value that is not one of
    the choices is ignored rather than refused, as a reader's hand-typed address may hold."""

    q = CharField(label=_("Words to look for"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("type"), required=False)
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("language"), required=False)
    country = forms.ChoiceField(label=_("country"), required=False)
    theme = forms.ChoiceField(label=_("theme"), required=False)

    def __init__(self, data, *, years: list[int], countries: list[str]) -> None:
        super().__init__(data)
        names = dict(country_choices())
        self.fields["kind"].choices = blank(DocumentKind.choices)
        self.fields["year"].choices = blank([(str(y), str(y)) for y in years])
        self.fields["language"].choices = blank(Language.choices)
        self.fields["country"].choices = blank(
            sorted(((c, names.get(c, c)) for c in countries), key=lambda c: c[1])
        )
        self.fields["theme"].choices = blank(Theme.choices)

    def values(self) -> dict:
        """The valid values given; the others left out."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and self.cleaned_data[name] not in ("", None)
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=DocumentKind.choices)
    title = CharField(label=_("title"), max_length=300)
    authors = CharField(label=_("authors"), required=False, max_length=300)
    # four digits at most; the service says which years it takes (portal.rules)
    year = forms.IntegerField(label=_("year"), required=False, max_value=9999)
    language = forms.ChoiceField(label=_("language"), choices=Language.choices)
    country = forms.ChoiceField(label=_("country"), required=False)
    themes = forms.MultipleChoiceField(
        label=_("themes"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    summary = CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = forms.FileField(label=_("file"), required=False)
    link = forms.URLField(label=_("link"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = blank(country_choices())
        # in the reader's language: formatted when the form is made, not when it is imported
        self.fields["file"].help_text = _(
            "PDF or Office document, at most %(size)s MB; or give a link instead."
        ) % {"size": MAX_BYTES // 1024 // 1024}
        # the document's own words, in its language: the browser checks their spelling in it
        written_in = self.initial.get("language")
        if written_in:
            for name in ("title", "summary"):
                self.fields[name].widget.attrs["lang"] = written_in

    def details(self) -> DocumentDetails:
        data = self.cleaned_data
        return DocumentDetails(
            kind=data["kind"],
            title=data["title"],
            authors=data["authors"],
            year=data["year"],
            language=data["language"],
            country=data["country"],
            themes=tuple(data["themes"]),
            summary=data["summary"],
            link=data["link"],
        )

    def upload(self) -> Upload | None:
        given = self.cleaned_data.get("file")
        if not given:
            return None
        # a byte more than the most the library takes is enough to refuse it (portal.files)
        return Upload(given.name, given.read(MAX_BYTES + 1))


class RejectForm(forms.Form):
    reason = CharField(
        label=_("reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GatheringForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=GatheringKind.choices)
    title = CharField(label=_("title"), max_length=300)
    starts_on = DateField(label=_("first day"))
    ends_on = DateField(label=_("last day"))
    place = CharField(label=_("place"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("country"), required=False)
    organiser = CharField(label=_("organiser"), required=False, max_length=200)
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    registration = forms.URLField(
        label=_("registration link"), required=False, max_length=500, assume_scheme="https"
    )
    description = CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = blank(country_choices())

    def details(self) -> GatheringDetails:
        data = self.cleaned_data
        return GatheringDetails(
            kind=data["kind"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            description=data["description"],
            place=data["place"],
            country=data["country"],
            organiser=data["organiser"],
            languages=tuple(data["languages"]),
            registration=data["registration"],
        )


class NewsForm(forms.Form):
    title = CharField(label=_("title"), max_length=200)
    language = forms.ChoiceField(label=_("language"), choices=Language.choices)
    body = CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 4}))
    link = forms.URLField(label=_("link"), required=False, max_length=500, assume_scheme="https")

    def details(self) -> NewsDetails:
        data = self.cleaned_data
        return NewsDetails(
            title=data["title"], body=data["body"], language=data["language"], link=data["link"]
        )


def named_length_limit(field: forms.Field) -> None:
    """Gives the field's length limit a message that names the field, as the service's rules
    do (a new validator: the field's own are shared between the forms of every request)."""
    field.validators = [
        MaxLengthValidator(
            validator.limit_value,
            message=_("%(field)s holds %(length)s characters; at most %(limit)s are allowed.")
            % {"field": field.label, "length": "%(show_value)s", "limit": "%(limit_value)s"},
        )
        if isinstance(validator, MaxLengthValidator)
        else validator
        for validator in field.validators
    ]


class JoinForm(forms.Form):
    """A visitor's application to join the network. The fields are checked by the service,
    whose messages name each field and its rule; the form adds two traps for robots: a field
    people do not see (`website`, which a robot fills) and the signed time the form was
    shown (`shown`), checked by the view."""

    first_name = CharField(label=_("Given name"), required=False, max_length=150)
    last_name = CharField(label=_("Family name"), required=False, max_length=150)
    email = CharField(label=_("E-mail"), required=False, max_length=150, widget=forms.EmailInput)
    organisation_name = CharField(label=_("Organisation"), required=False, max_length=200)
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        error_messages={"invalid_choice": _("Country: %(value)s is not a country of the list.")},
    )
    function = CharField(label=_("Function"), required=False, max_length=120)
    motivation = CharField(
        label=_("Why you wish to join"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_(
            "I accept the directory's rules: my name, organisation, country and function are "
            "shown to the network's members."
        ),
        required=False,
    )
    website = CharField(label=_("Leave this field empty"), required=False, max_length=200)
    shown = CharField(widget=forms.HiddenInput, required=False, max_length=200)

    TRAPS = ("website", "shown")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = blank(country_choices())
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for field in self.fields.values():
            named_length_limit(field)

    def people_fields(self):
        return [self[name] for name in self.fields if name not in self.TRAPS]

    def applicant(self, language: str) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            organisation_name=data["organisation_name"],
            country=data["country"],
            function=data["function"],
            motivation=data["motivation"],
            consent=data["consent"],
            language=language,
        )


class AcceptForm(forms.Form):
    organisation = ModelChoiceField(label=_("Organisation of the new account"), queryset=None)

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
