"""Every form of the project meets the limits of core.bounds at its fields: text without control
characters, dates within the window, amounts and counts within what the database and a sum can
hold."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import timezone

import mutualis
from mutualis.core.bounds import MAX_AMOUNT
from mutualis.core.forms import AmountField, CharField, DateField, ModelForm


def project_forms():
    for module_info in pkgutil.iter_modules(mutualis.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"mutualis.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                yield form


def test_the_project_has_forms_to_check():
    assert len(list(project_forms())) > 30


@pytest.mark.parametrize("form", list(project_forms()), ids=lambda form: form.__qualname__)
def test_every_text_date_and_number_of_a_form_is_bounded(form):
    for name, field in form.base_fields.items():
        if type(field) is forms.ModelChoiceField:
            raise AssertionError(f"{name}: a core.forms.ModelChoiceField")
        if type(field) is forms.CharField:
            raise AssertionError(f"{name}: a core.forms.CharField")
        one_line = not isinstance(field.widget, forms.Textarea | forms.PasswordInput)
        if isinstance(field, CharField) and one_line and not issubclass(form, ModelForm):
            # a model form's text is held to its model field's length by full_clean
            assert field.max_length is not None, f"{name}: as long as the model allows"
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
            assert isinstance(field, DateField), f"{name}: a core.forms.DateField"
        if isinstance(field, forms.IntegerField):
            assert field.max_value is not None and field.max_value <= MAX_AMOUNT, name


@pytest.mark.parametrize("typed", ["0001-01-01", "1700-01-01", "9999-12-31", "2400-01-01"], ids=str)
def test_a_date_outside_the_window_is_refused_on_its_field(typed):
    field = DateField(label="on")
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert str(timezone.localdate().year + 200) in refused.value.messages[0]


def test_a_date_to_come_is_refused_where_the_event_has_happened():
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    assert DateField().clean(tomorrow.isoformat()) == tomorrow
    with pytest.raises(forms.ValidationError) as refused:
        DateField(past=True).clean(tomorrow.isoformat())
    assert refused.value.error_list[0].code == "in_future"


def test_an_amount_beyond_the_limit_is_refused():
    assert AmountField().clean(str(MAX_AMOUNT)) == MAX_AMOUNT
    with pytest.raises(forms.ValidationError):
        AmountField().clean(str(10**19))
    with pytest.raises(forms.ValidationError):
        AmountField().clean("-1")
