"""Forms parse and check the shape of input; the rules live in services, whose errors the views
attach back to the fields so that the user keeps what they typed."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import CharField, DateField, ModelChoiceField, ModelForm
from mutualis.federation.iso import currency_choices
from mutualis.federation.models import Location, Organisation, User
from mutualis.federation.rules import Kind, Role
from mutualis.federation.services import user_set_password


class OrganisationForm(ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "parent",
            "code",
            "name",
            "location",
            "status",
            "mutual_type",
            "currency",
            "founded_on",
            "support_type",
            "registration_number",
            "registration_date",
            "contact_person",
            "phone",
            "email",
            "address",
            "website",
        ]

    def __init__(self, *args, parents, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["parent"].queryset = parents
            self.fields["parent"].required = False
        else:
            del self.fields["kind"]
            del self.fields["parent"]
        self.fields["location"].queryset = Location.objects.select_related("parent").order_by(
            "country_code", "name"
        )
        self.fields["location"].label_from_instance = location_label
        self.fields["currency"] = forms.ChoiceField(
            label=_("currency"),
            required=False,
            choices=[("", "—"), *currency_choices()],
            help_text=Organisation._meta.get_field("currency").help_text,
        )
        if not self.initial.get("currency") and not self.instance.currency:
            self.initial["currency"] = "XOF"

    def _post_clean(self):
        # Model validation runs in the service, with the parent and kind rules, in one place.
        pass


def location_label(location: Location) -> str:
    if location.parent_id:
        return f"{location.name} ({location.parent.name})"
    return location.name


class OrganisationMoveForm(forms.Form):
    new_parent = ModelChoiceField(label=_("new parent organisation"), queryset=None)
    on = DateField(
        label=_("effective date"),
        help_text=_("The date from which the organisation belongs to its new parent."),
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class OrganisationSearchForm(forms.Form):
    q = CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("all kinds")), *Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("all statuses")), *Organisation.Status.choices],
    )


class UserForm(ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to let the user sign in only once a password is set."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation",
            "is_active",
        ]

    def __init__(self, *args, organisations, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].required = True
        self.fields["organisation"].error_messages["required"] = _(
            "A user must belong to an organisation."
        )
        if not creating:
            del self.fields["password"]
            self.initial.setdefault("roles", sorted(self.instance.roles))

    def _post_clean(self):
        pass


class PasswordForm(forms.Form):
    password = CharField(
        label=_("new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirmation = CharField(
        label=_("new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirmation"):
            raise ValidationError({"confirmation": _("The two passwords differ.")})
        return data


class ApiKeyRevokeForm(forms.Form):
    key = ModelChoiceField(
        label=_("API key"),
        queryset=None,
        to_field_name="uid",
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This key is not one of the active keys listed.")},
    )

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].queryset = keys


class JournalFilterForm(forms.Form):
    """An organisation's journal: one kind of event, or the events about one row (its uid)."""

    kind = forms.ChoiceField(label=_("what happened"), required=False)
    subject = forms.UUIDField(label=_("about (uid)"), required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("everything")), *kinds]


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("The address your account uses."),
    )


class PasswordResetForm(SetPasswordForm):
    """The new password chosen through a mailed link: saved by the service every password
    change goes through (the password rules, the audit trail), as the user's own change. Its
    fields are Django's, as core.forms.CharField: no control characters."""

    new_password1 = CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = CharField(
        label=_("New password confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Enter the same password as before, for verification."),
    )

    def save(self, commit: bool = True) -> User:
        user_set_password(by=self.user, user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
