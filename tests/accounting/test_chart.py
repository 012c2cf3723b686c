"""A union's chart and mapping (issue 14): detail accounts for its mutuals under the chart's,
and an operation moved to another account for the future, never the past, never to a class
that cannot take it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mutualis.accounting.ledger import Chart
from mutualis.accounting.models import Account, Mapping
from mutualis.accounting.services import account_add, mapping_change
from mutualis.core.models import Event
from mutualis.federation.rules import Role

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def test_a_union_adds_a_detail_account_its_mutuals_post_to_from_a_day_to_come(federation, cast):
    officer = cast[Role.UNION_OFFICER]
    wave = account_add(
        by=officer, union=federation.d1, number="5511", label_fr="Wave", label_en="Wave"
    )
    mapping_change(
        by=officer,
        union=federation.d1,
        operation="cash.mobile_money",
        account_number="5511",
        valid_from=TOMORROW,
    )

    chart = Chart()
    assert chart.account(federation.m1.path, "cash.mobile_money", TOMORROW) == wave.pk
    today = timezone.localdate()
    assert (
        Account.objects.get(pk=chart.account(federation.m1.path, "cash.mobile_money", today)).number
        == "551"
    )
    # another union's mutuals keep the shipped account
    assert chart.account(federation.m2.path, "cash.mobile_money", TOMORROW) != wave.pk
    assert [
        e.kind
        for e in Event.objects.filter(organisation_id=federation.d1.pk).order_by("sequence")
        if e.kind in ("account.added", "mapping.changed")
    ] == ["account.added", "mapping.changed"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"account_number": "701"}, "account", "class 5"),
        ({"account_number": "55"}, "account", "three digits"),
        ({"account_number": "999"}, "account", "three digits"),
        ({"valid_from": timezone.localdate()}, "valid_from", "for the future"),
        ({"operation": "cash.gold"}, "operation", "operations"),
    ],
)
def test_a_mapping_that_cannot_hold_is_refused_naming_the_field(federation, changes, field, words):
    given = {
        "by": None,
        "union": federation.d1,
        "operation": "cash.mobile_money",
        "account_number": "551",
        "valid_from": TOMORROW,
    } | changes
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        mapping_change(**given)
    assert words in refused.value.message_dict[field][0]
    assert not Mapping.objects.exclude(owner=None).exists()


@pytest.mark.parametrize(
    ("number", "words"),
    [("571", "already"), ("57", "already"), ("9991", "start with"), ("57a1", "four digits")],
)
def test_a_detail_account_is_refused_when_it_does_not_fit_the_chart(federation, number, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        account_add(by=None, union=federation.d1, number=number, label_fr="x", label_en="x")
    assert words in refused.value.message_dict["number"][0]


def test_only_a_union_s_officers_change_its_chart(federation, cast):
    with pytest.raises(ValidationError):
        account_add(
            by=cast[Role.ACCOUNTANT], union=federation.d1, number="5711", label_fr="x", label_en="x"
        )
    with pytest.raises(ValidationError) as mutual:
        account_add(by=None, union=federation.m1, number="5711", label_fr="x", label_en="x")
    assert "organisation" in mutual.value.message_dict
