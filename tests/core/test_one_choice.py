"""A required choice with one possible answer shows it chosen, not "---------" to open first."""

from mutualis.core.forms import ModelChoiceField
from mutualis.federation.models import Organisation


def options(field) -> list[str]:
    return [str(label) for _value, label in field.choices]


def test_a_required_choice_of_one_shows_that_one_alone(federation):
    only = Organisation.objects.filter(pk=federation.m1.pk)
    field = ModelChoiceField(queryset=only)
    assert options(field) == [str(federation.m1)]
    assert field.clean(federation.m1.pk) == federation.m1


def test_a_choice_of_several_or_an_optional_one_keeps_its_empty_choice(federation):
    two = Organisation.objects.filter(pk__in=[federation.m1.pk, federation.m2.pk])
    assert options(ModelChoiceField(queryset=two))[0] == "---------"
    optional = ModelChoiceField(
        queryset=Organisation.objects.filter(pk=federation.m1.pk), required=False
    )
    assert options(optional) == ["---------", str(federation.m1)]


def test_a_required_choice_is_read_once_to_be_drawn(federation, django_assert_num_queries):
    two = Organisation.objects.filter(pk__in=[federation.m1.pk, federation.m2.pk])
    field = ModelChoiceField(queryset=two)
    with django_assert_num_queries(1):
        html = field.widget.render("mutual", None, attrs={"required": True})
        assert field.widget.use_required_attribute(None)
    assert str(federation.m2) in html
