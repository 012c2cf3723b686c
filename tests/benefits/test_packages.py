import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualis.benefits.models import PackageVersion
from mutualis.benefits.services import package_version_add

D = datetime.date


def add(package, valid_from, **terms):
    return package_version_add(
        by=None,
        package=package,
        valid_from=valid_from,
        **{"period": "year", "contribution": 8000, **terms},
    )


def test_a_new_version_never_starts_before_the_current_one(cmu_package):
    with pytest.raises(ValidationError) as caught:
        add(cmu_package, D(2023, 1, 1), allow_past=True)
    assert "valid_from" in caught.value.message_dict


def test_a_new_version_never_rewrites_the_past(cmu_package):
    with pytest.raises(ValidationError) as caught:
        add(cmu_package, timezone.localdate() - datetime.timedelta(days=1))
    assert "valid_from" in caught.value.message_dict
    assert PackageVersion.objects.filter(package=cmu_package).count() == 1


def test_the_contribution_period_of_a_package_cannot_change(cmu_package):
    with pytest.raises(ValidationError) as caught:
        add(cmu_package, timezone.localdate() + datetime.timedelta(days=1), period="month")
    assert "period" in caught.value.message_dict


def test_third_payers_never_pay_more_than_the_whole(cmu_package, state):
    with pytest.raises(ValidationError) as caught:
        add(
            cmu_package,
            timezone.localdate() + datetime.timedelta(days=1),
            subsidies=[(state, "", 6000), (state, "indigent", 10000), (state, "child", 12000)],
        )
    assert "subsidies" in caught.value.message_dict


def test_a_manager_reads_the_union_package_but_cannot_change_it(client, cast, cmu_package):
    client.force_login(cast["mutual_manager"])
    assert client.get(f"/packages/{cmu_package.pk}/").status_code == 200
    assert client.get(f"/packages/{cmu_package.pk}/versions/new/").status_code == 404


def test_an_officer_adds_a_version_starting_from_the_current_one(client, federation, cast):
    from mutualis.benefits.services import package_create

    package = package_create(by=None, owner=federation.d1, code="UDAM", name="Complémentaire")
    add(package, D(2024, 1, 1), allow_past=True, contribution=4000)
    client.force_login(cast["union_officer"])
    form = client.get(f"/packages/{package.pk}/versions/new/").context["version_form"]
    assert form.initial["contribution"] == 4000
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/packages/{package.pk}/versions/new/",
        {
            "valid_from": tomorrow,
            "contribution_basis": "per_beneficiary",
            "period": "year",
            "period_anchor": "calendar",
            "contribution": "4500",
            "registration_fee": "0",
            "newcomer_billing": "pro_rata",
            "waiting_days": "30",
            "reentry_waiting_days": "15",
            "grace_days": "30",
            "child_age_limit": "21",
            "spouses_allowed": "4",
            "other_dependents_allowed": "on",
            "amount-indigent": "0",
            "subsidy-TOTAL_FORMS": "0",
            "subsidy-INITIAL_FORMS": "0",
            "waiting-TOTAL_FORMS": "1",
            "waiting-INITIAL_FORMS": "0",
            "waiting-0-service_category": "childbirth",
            "waiting-0-days": "270",
            "rule-TOTAL_FORMS": "1",
            "rule-INITIAL_FORMS": "0",
            "rule-0-service_category": "consultation",
            "rule-0-level": "health_post",
            "rule-0-rate_percent": "80",
            "rule-0-referral_rate_percent": "90",
            "rule-0-emergency_rate_percent": "",
        },
    )
    assert response.status_code == 302
    latest = package.versions.order_by("-valid_from").first()
    assert latest.contribution == 4500
    assert (latest.newcomer_billing, latest.reentry_waiting_days) == ("pro_rata", 15)
    rule = latest.coverage_rules.get()
    # on referral 90 %; in an emergency, the rate of any visit
    assert (rule.rate_bp, rule.referral_rate_bp, rule.emergency_rate_bp) == (8000, 9000, None)
    page = client.get(f"/packages/{package.pk}/").content.decode()
    assert "sur référence 90 %" in page
    assert latest.waiting_periods.get().days == 270
    assert latest.category_contributions.get().category == "indigent"


def test_the_new_version_button_shows_only_to_the_packages_owners(client, cast, cmu_package):
    client.force_login(cast["union_officer"])
    page = client.get(f"/packages/{cmu_package.pk}/").content.decode()
    assert f"/packages/{cmu_package.pk}/versions/new/" not in page
