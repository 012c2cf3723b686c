"""The event log's promises (issue 13, part 1): appended in the change's transaction, numbered
per organisation without gaps (a rolled-back change gives its numbers back), and never updated
or deleted, which the database itself refuses on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from mutualis.core.events import NewEvent, append, append_all
from mutualis.core.ids import new_uid
from mutualis.core.models import Event


def paid(amount: int = 1000) -> NewEvent:
    return NewEvent("payment.recorded", new_uid(), {"amount": amount})


@pytest.mark.django_db
def test_events_are_numbered_per_organisation_in_order():
    with transaction.atomic():
        append_all(1, [paid(1), paid(2)])
        append(2, paid(3))
        append(1, paid(4))
    numbers = list(Event.objects.order_by("pk").values_list("organisation_id", "sequence"))
    assert numbers == [(1, 1), (1, 2), (2, 1), (1, 3)]


@pytest.mark.django_db(transaction=True)
def test_an_event_is_appended_only_inside_the_changes_transaction():
    with pytest.raises(RuntimeError):
        append(1, paid())


@pytest.mark.django_db
def test_a_rolled_back_change_gives_its_numbers_back():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        append(1, paid())
        raise ZeroDivisionError
    with transaction.atomic():
        assert append(1, paid()) == 1


@pytest.mark.django_db
def test_the_database_refuses_to_update_or_delete_an_event():
    with transaction.atomic():
        append(1, paid())
    event = Event.objects.get()
    for attempt in (
        lambda: Event.objects.filter(pk=event.pk).update(kind="payment.reversed"),
        lambda: Event.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert event.kind == "payment.recorded"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite writes one at a time")
def test_concurrent_writers_of_one_organisation_never_share_a_number():
    def write():
        try:
            for _ in range(20):
                with transaction.atomic():
                    append(7, paid())
        finally:
            connection.close()

    writers = [threading.Thread(target=write) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    numbers = sorted(Event.objects.filter(organisation_id=7).values_list("sequence", flat=True))
    assert numbers == list(range(1, 81))


def foreign(sequence: int, origin: str = "laptop") -> dict:
    return {
        "uid": str(new_uid()),
        "organisation_id": 5,
        "sequence": sequence,
        "origin": origin,
        "origin_sequence": sequence,
        "at": "2025-03-01T10:00:00+00:00",
        "actor": None,
        "kind": "payment.recorded",
        "version": 1,
        "subject": str(new_uid()),
        "payload": {"amount": 1000},
    }


@pytest.mark.django_db
def test_events_of_another_installation_are_numbered_here_once_in_their_order(settings):
    from mutualis.core.events import ForeignLogError, receive

    with transaction.atomic():
        append(5, paid())
        sent = [foreign(1), foreign(4)]
        assert receive(sent) == 2
        assert receive(sent) == 0  # received twice: nothing new
    log = list(
        Event.objects.filter(organisation_id=5)
        .order_by("sequence")
        .values_list("sequence", "origin", "origin_sequence")
    )
    assert log == [
        (1, settings.MUTUALIS_INSTALLATION, 1),
        (2, "laptop", 1),
        (3, "laptop", 4),
    ]
    for refused in ([foreign(3)], [foreign(9, origin=settings.MUTUALIS_INSTALLATION)]):
        with pytest.raises(ForeignLogError), transaction.atomic():
            receive(refused)  # out of the laptop's order; or claiming to come from here
    assert Event.objects.filter(organisation_id=5).count() == 3
