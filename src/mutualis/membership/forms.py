from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import Category, Relationship
from mutualis.core.forms import CharField, DateField, ModelChoiceField, ModelForm
from mutualis.membership.models import Beneficiary

# A card's photo needs a few kilobytes; phones take megabytes.
MAX_PHOTO_BYTES = 2 * 1024 * 1024

PERSON_FIELDS = [
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "birth_place",
    "national_id",
    "phone",
    "category",
    "photo",
]


class PersonForm(ModelForm):
    class Meta:
        model = Beneficiary
        fields = PERSON_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a new person's category may follow from the age
            self.fields["category"].required = False
            self.fields["category"].choices = [("", _("from the age")), *Category.choices]

    def _post_clean(self):
        # the rules live in membership.services, which reports errors by field
        pass

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 2 MB: take it again smaller."))
        return photo

    def person(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        return data


class DependentForm(PersonForm):
    relationship = forms.ChoiceField(
        label=_("relationship"),
        # a blank first choice: the form rows a household does not need stay untouched
        choices=[
            ("", "---------"),
            *[c for c in Relationship.choices if c[0] != Relationship.HEAD],
        ],
    )

    class Meta(PersonForm.Meta):
        fields = ["relationship", *PERSON_FIELDS]


class BaseDependentFormSet(forms.BaseFormSet):
    def people(self) -> list[dict]:
        return [
            form.person()
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not self._should_delete_form(form)
        ]


DependentFormSet = forms.formset_factory(
    DependentForm, formset=BaseDependentFormSet, extra=3, max_num=15, can_delete=False
)


class HouseholdForm(forms.Form):
    mutual = ModelChoiceField(label=_("mutual"), queryset=None)
    package = ModelChoiceField(label=_("benefit package"), queryset=None)
    enrolled_on = DateField(label=_("enrolment date"))
    address = CharField(label=_("address or village"), required=False, max_length=255)
    phone = CharField(label=_("phone"), required=False, max_length=40)
    acknowledge_duplicates = forms.BooleanField(
        label=_("I checked the possible duplicates: these are other people"),
        required=False,
    )

    def __init__(self, *args, mutuals, packages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mutual"].queryset = mutuals
        self.fields["package"].queryset = packages
        if mutuals.count() == 1:
            self.fields["mutual"].initial = mutuals.first()


class DependentAddForm(DependentForm):
    enrolled_on = DateField(label=_("enrolment date"))
    acknowledge_duplicates = forms.BooleanField(
        label=_("I checked the possible duplicates: these are other people"),
        required=False,
    )


class ResignForm(forms.Form):
    resigned_on = DateField(label=_("resignation date"))
    reason = CharField(label=_("reason for resignation"), required=False, max_length=255)


class LeaveForm(forms.Form):
    left_on = DateField(label=_("left the household on"))


class SearchForm(forms.Form):
    q = CharField(label=_("Name, member number or phone"), required=False, max_length=100)


class ImportForm(forms.Form):
    mutual = ModelChoiceField(label=_("mutual"), queryset=None)
    file = forms.FileField(label=_("register file (.xlsx or .csv)"))
    only_valid = forms.BooleanField(
        label=_("Import the valid households and leave the others"),
        required=False,
        help_text=_("Without this, nothing is imported from a file with errors."),
    )

    def __init__(self, *args, mutuals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mutual"].queryset = mutuals
        if mutuals.count() == 1:
            self.fields["mutual"].initial = mutuals.first()


class ExportForm(forms.Form):
    mutual = ModelChoiceField(label=_("mutual"), queryset=None)

    def __init__(self, *args, mutuals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mutual"].queryset = mutuals
