"""Pushing to a DHIS2 server (docs/dhis2.md), against the fake one (interop.dhis2.fake): a real
HTTP server in a thread, answering as DHIS2's Web API does."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from mutualis.core.tasks import run_waiting
from mutualis.interop.dhis2 import services
from mutualis.interop.dhis2.fake import FakeDhis2
from mutualis.interop.dhis2.models import Push
from tests.interop.dhis2_cast import (
    AUGUST,
    ELEMENTS,
    JULY,
    ORG_UNITS,
    OU_M1,
    set_up_union,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # the messages a push keeps are written in the language of whoever ran it
    with translation.override("en"):
        yield


def push(federation, **options):
    """A push asked for, then sent by the worker's task, as `mutualis work` sends it."""
    asked = services.push_start(by=None, union=federation.d1, months=[JULY, AUGUST], **options)
    return sent(asked)


def sent(asked: Push) -> Push:
    assert asked.status == "waiting"
    assert run_waiting() == {"dhis2 pushes": 1}
    return Push.objects.get(pk=asked.pk)


def test_a_push_waits_for_the_worker_which_sends_it(federation, figures, fake):
    # given
    set_up_union(federation.d1, [federation.m1], fake.url)
    # when: asked for, as a page asks
    asked = services.push_start(by=None, union=federation.d1, months=[JULY])
    # then: nothing is sent in the request that asked for it
    assert (asked.status, asked.chunks_done) == ("waiting", 0)
    assert fake.requests == []
    # when the worker goes round
    said = io.StringIO()
    call_command("work", "--once", stdout=said)
    # then (its daily jobs worked the month's figures out again from the log first: the
    # values sent are not this test's)
    assert "dhis2 pushes: 1 done" in said.getvalue()
    done = Push.objects.get(pk=asked.pk)
    assert (done.status, done.chunks_done, done.chunks_total) == ("done", 1, 1)
    assert run_waiting() == {}  # nothing left for the next round


def test_a_push_taken_by_one_worker_is_not_sent_by_another(federation, figures, fake):
    set_up_union(federation.d1, [federation.m1], fake.url)
    asked = services.push_start(by=None, union=federation.d1, months=[JULY])
    stale = Push.objects.get(pk=asked.pk)  # what a second worker read before the first took it

    assert services.push_send(asked).status == "done"
    assert services.push_send(stale) is None
    assert len(fake.requests) == 1


def test_a_first_push_imports_and_a_second_updates(federation, figures, fake):
    # given
    set_up_union(federation.d1, [federation.m1], fake.url)
    # when
    first = push(federation)
    second = push(federation)
    # then: July gives 4 values (M.2, COST, members, visits), August 2 (members, visits)
    assert (first.status, first.values_sent, first.imported, first.updated) == ("done", 6, 6, 0)
    assert (second.imported, second.updated, second.conflict_count) == (0, 6, 0)
    assert fake.values[("deRenewal01", "202507", OU_M1, "HllvX50cXC0")] == "81.00"
    assert fake.values[("deCost00001", "202507", OU_M1, "HllvX50cXC0")] == "3333.33"
    assert fake.values[("deMembers01", "202508", OU_M1, "HllvX50cXC0")] == "118"
    request = fake.requests[0]
    assert request["options"]["dryRun"] == "false"
    assert request["options"]["idScheme"] == "UID"
    assert request["content_type"] == "application/json"


def test_a_dry_run_imports_nothing(federation, figures, fake):
    set_up_union(federation.d1, [federation.m1], fake.url)

    tried = push(federation, dry_run=True)

    assert tried.dry_run and tried.imported == 6
    assert fake.values == {}
    assert fake.requests[0]["options"]["dryRun"] == "true"
    assert push(federation).imported == 6


def test_adx_is_imported_like_json(federation, figures, fake):
    set_up_union(federation.d1, [federation.m1], fake.url)

    sent = push(federation, format="adx")

    assert (sent.status, sent.imported) == ("done", 6)
    assert fake.requests[0]["content_type"] == "application/adx+xml"
    assert push(federation, format="json").updated == 6


def test_codes_are_sent_under_the_code_scheme(federation, figures):
    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS) as fake:
        set_up_union(
            federation.d1,
            [federation.m1],
            fake.url,
            scheme="CODE",
            org_units={federation.m1.pk: "JOAL"},
        )
        services.elements_set(
            by=None,
            union=federation.d1,
            elements={"M.2": ("M2", ""), "COST": ("COST", ""), "members": ("MEMBERS", "")},
        )
        services.elements_set(by=None, union=federation.d1, elements={"visits": ("VISITS", "")})

        sent = push(federation)

        assert (sent.imported, sent.conflict_count) == (6, 0)
        assert fake.requests[0]["options"]["dataElementIdScheme"] == "CODE"


def test_the_conflicts_of_unknown_org_units_are_shown(federation, figures, fake):
    set_up_union(
        federation.d1,
        [federation.m1],
        fake.url,
        org_units={federation.m1.pk: "ouUnknown01"},
    )

    sent = push(federation)

    assert (sent.status, sent.imported, sent.ignored, sent.conflict_count) == ("done", 0, 6, 6)
    assert sent.conflicts[0] == {
        "object": "ouUnknown01",
        "value": "Organisation unit not found or not accessible",
    }


def test_a_push_cut_short_resumes_after_the_last_chunk_acknowledged(federation, figures):
    # given: one organisation-month a chunk (July, then August), the second request cut
    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS, fail={2: "drop"}) as fake:
        set_up_union(federation.d1, [federation.m1], fake.url)
        # when
        cut = push(federation, chunk_size=1)
        # then
        assert (cut.status, cut.chunks_done, cut.chunks_total, cut.imported) == ("stopped", 1, 2, 4)
        assert "Chunk 2 of 2" in cut.message
        # when it is resumed, only the second chunk is sent again
        resumed = sent(services.push_resume(by=None, push=Push.objects.get(pk=cut.pk)))
        assert (resumed.status, resumed.chunks_done, resumed.imported) == ("done", 2, 6)
        assert [len(r["body"]) > 0 for r in fake.requests] == [True, True, True]
        assert '"202508"' in fake.requests[2]["body"].decode()
        assert '"202507"' not in fake.requests[2]["body"].decode()


def test_a_server_error_is_recorded_with_a_clear_message(federation, figures):
    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS, fail={1: 500}) as fake:
        set_up_union(federation.d1, [federation.m1], fake.url)

        stopped = push(federation)

        assert stopped.status == "stopped" and stopped.chunks_done == 0
        assert "500" in stopped.message


def test_a_wrong_password_is_told_as_such(federation, figures, fake):
    set_up_union(federation.d1, [federation.m1], fake.url)
    services.server_set(
        by=None,
        union=federation.d1,
        base_url=fake.url,
        username="admin",
        password="wrong",
        data_set="dsMutuals01",
        id_scheme="UID",
    )

    assert "password" in push(federation).message


def test_a_server_out_of_reach_stops_the_push(federation, figures):
    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS) as gone:
        url = gone.url
    set_up_union(federation.d1, [federation.m1], url)

    stopped = push(federation)

    assert stopped.status == "stopped"
    assert "could not be reached" in stopped.message


def test_the_period_command_pushes_every_mapped_mutual(federation, figures, fake):
    from django.core.management import call_command

    set_up_union(federation.d1, [federation.m1], fake.url)

    call_command("dhis2_push", "--union", "D1", "--month", "2025-07")

    assert Push.objects.get().imported == 4


def test_a_push_needs_a_mapping(federation, figures, fake):
    services.server_set(
        by=None,
        union=federation.d1,
        base_url=fake.url,
        username="admin",
        password="district",
        data_set="dsMutuals01",
        id_scheme="UID",
    )

    with pytest.raises(ValidationError) as refused:
        push(federation)

    assert "union" in refused.value.message_dict
    assert "organisations" in refused.value.message_dict
    assert not Push.objects.exists()


def test_the_command_resumes_a_stopped_push(federation, figures):
    from django.core.management import CommandError, call_command

    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS, fail={1: 502}) as fake:
        set_up_union(federation.d1, [federation.m1], fake.url)
        with pytest.raises(CommandError, match="502"):
            call_command("dhis2_push", "--union", "D1", "--month", "2025-07")
        stopped = Push.objects.get()

        call_command("dhis2_push", "--resume", str(stopped.uid))

    stopped.refresh_from_db()
    assert (stopped.status, stopped.imported) == ("done", 4)


def test_a_password_sealed_under_a_former_secret_key_opens_under_its_fallback(
    federation, figures, fake, settings
):
    set_up_union(federation.d1, [federation.m1], fake.url)  # sealed under today's key
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    assert push(federation).status == "done"


def test_a_password_sealed_under_a_key_no_longer_known_stops_the_push_with_what_to_do(
    federation, figures, fake, settings
):
    set_up_union(federation.d1, [federation.m1], fake.url)
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    stopped = push(federation)

    assert stopped.status == "stopped" and "give it again" in stopped.message
    assert fake.requests == []
