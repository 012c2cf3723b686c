"""A household is named by its head and number, a beneficiary by name, number and age
(issue 12 part 4), and lists name them without a query per row."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mutualis.federation.rules import Role
from mutualis.membership.models import Household
from mutualis.membership.queries import with_heads
from mutualis.membership.rules import age_on, beneficiary_label, household_label
from tests.membership.test_register_pages import enrol

D = datetime.date


def test_a_household_reads_as_its_head_and_its_number():
    with translation.override("en"):
        assert household_label("Aminata Diop", 31) == "Aminata Diop · no. 31"
        assert household_label("", 31) == "no. 31"


def test_a_beneficiary_reads_as_name_number_and_age():
    with translation.override("en"):
        assert beneficiary_label("Awa Ndiaye", "0031-02", 7) == "Awa Ndiaye · 0031-02 · 7 years"
        assert beneficiary_label("Awa Ndiaye", "0031-02", 1) == "Awa Ndiaye · 0031-02 · 1 year"


def test_an_age_turns_on_the_birthday_and_on_1_march_for_29_february():
    assert age_on(D(2019, 12, 5), D(2026, 12, 4)) == 6
    assert age_on(D(2019, 12, 5), D(2026, 12, 5)) == 7
    assert age_on(D(2020, 2, 29), D(2025, 2, 28)) == 4
    assert age_on(D(2020, 2, 29), D(2025, 3, 1)) == 5
    assert age_on(D(2020, 2, 29), D(2028, 2, 29)) == 8


def test_the_model_names_the_household_by_its_head(family):
    with translation.override("en"):
        assert str(Household.objects.get(pk=family.pk)) == f"Moussa Diop · no. {family.number}"
        head = family.head
        assert str(head).startswith(f"Moussa Diop · {head.member_number} · ")


def test_households_loaded_with_their_heads_are_named_in_two_queries(federation, cmu_package):
    for name in ("Ndiaye", "Sarr", "Fall"):
        enrol(federation.m1, cmu_package, name)
    with CaptureQueriesContext(connection) as captured:
        names = [str(h) for h in Household.objects.prefetch_related(with_heads())]
    assert len(captured) == 2
    assert len(names) == 3


def test_the_register_search_reads_a_fixed_number_of_queries(client, federation, cast, cmu_package):
    client.force_login(cast[Role.ENROLMENT_AGENT])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/register/", {"q": "aissatou"})
        return len(captured)

    enrol(federation.m1, cmu_package, "Ndiaye")
    one = queries()
    for name in ("Sarr", "Fall", "Ba"):
        enrol(federation.m1, cmu_package, name)
    assert queries() == one


def test_the_register_search_names_households_and_people(client, federation, cast, cmu_package):
    household = enrol(federation.m1, cmu_package, "Ndiaye", birth="1984-02-03")
    client.force_login(cast[Role.ENROLMENT_AGENT])
    client.cookies["django_language"] = "en"
    text = client.get("/register/", {"q": "ndiaye"}).content.decode()
    assert f"Aissatou Ndiaye · no. {household.number}" in text
    assert "Household 1" not in text
    assert "years" in text
