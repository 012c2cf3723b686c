"""Form helpers shared by every app, and the form fields every form uses for dates, amounts and
counts, so that the limits of core.bounds meet the user at the form: a field's own message,
never a server error deeper down (a year 9999 overflowing a period, 10^19 a database integer)."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.bounds import (
    MAX_AMOUNT,
    MAX_COUNT,
    check_care_date,
    check_line,
    check_query_date,
    check_text,
)

# A choice of a select: its value and its label.
Choice = tuple[forms.models.ModelChoiceIteratorValue | str, str]


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """Shows a service's errors on the form: on the field they name when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class DateInput(forms.DateInput):
    """A date typed day first (05/12/2026), as every page writes dates. The browser's own date
    picker writes dates as the browser's language does: 12/05/2026 for 5 December on a French
    page read in an English browser, which a clerk reads as 12 May. An ISO date is accepted too
    (Django adds it to every language's input formats)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        attrs = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": _("dd/mm/yyyy"),
            "size": 10,
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y", **kwargs)


class CharField(forms.CharField):
    """Text without control characters: one line, or several in a text area."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        multiline = isinstance(self.widget, forms.Textarea)
        self.validators.append(check_text if multiline else check_line)


class OneChoiceIterator(forms.models.ModelChoiceIterator):
    def __init__(self, field: "forms.ModelChoiceField[Any]") -> None:
        super().__init__(field)
        # A select reads its first choice (for `required`), then all of them: the rows are
        # read once. Each form has iterators of its own (ModelChoiceField.__deepcopy__).
        self.read: list[Choice] | None = None

    def __iter__(self) -> Iterator[Choice]:
        if not self.field.required or self.field.empty_label is None:
            return super().__iter__()  # lazily: a widget may read only the first choice
        if self.read is None:
            empty, *rows = super().__iter__()
            self.read = rows if len(rows) == 1 else [empty, *rows]  # the only answer, chosen
        return iter(self.read)


# Django's form classes take no type arguments at run time (django-stubs makes them generic).
class ModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice among rows; a required one with a single possible row shows that row alone,
    chosen, rather than "---------" to open first."""

    iterator = OneChoiceIterator


class DateField(forms.DateField):
    """A date within the window of dates; `past=True` for what has happened by today (care, a
    payment received), which also refuses a date to come."""

    widget = DateInput

    def __init__(self, *, past: bool = False, **kwargs: Any) -> None:
        self.rule = check_care_date if past else check_query_date
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            self.rule(value)


class AmountField(forms.IntegerField):
    """An amount in the smallest unit of the currency, from 0 unless told otherwise."""

    def __init__(self, *, min_value: int = 0, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=MAX_AMOUNT, **kwargs)


class CountField(forms.IntegerField):
    """A number of days, people, units or items."""

    def __init__(self, *, min_value: int = 0, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=MAX_COUNT, **kwargs)


def bounded_formfield(field: "models.Field[Any, Any]", **kwargs: Any) -> forms.Field | None:
    """The form field of a model field in a model form: text, dates and integers bounded as
    above."""
    if isinstance(field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(field, models.CharField | models.TextField) and not field.choices:
        kwargs.setdefault("form_class", CharField)
    elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        if not field.choices:
            kwargs.setdefault("form_class", DateField)
    elif isinstance(field, models.IntegerField) and not field.choices:
        big = isinstance(field, models.BigIntegerField | models.PositiveBigIntegerField)
        kwargs.setdefault("max_value", MAX_AMOUNT if big else MAX_COUNT)
    return field.formfield(**kwargs)


class BoundedModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(
        mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]
    ) -> "BoundedModelFormMetaclass":
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(bounded_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=BoundedModelFormMetaclass):  # type: ignore[type-arg]
    """Every model form of the project: its fields built by `bounded_formfield` (Django reads
    that from each form's Meta only, hence the metaclass)."""
