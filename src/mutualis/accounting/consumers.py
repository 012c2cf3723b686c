"""The books kept from the event log (issue 14): each organisation's events, read in order by
`mutualis work`, become its entries (accounting.postings), written in bulk a batch at a time in
the transaction that moves the cursor, so that each event is posted once whatever stops the
worker (and the database refuses a second entry from the same event). A batch's entries are
worked out first (`prepare`, which only reads: other processes do it when the books are drained
with several), then written (`post`).

A reversal reverses the entry of what it cancels: a payment's, a provider payment's, a
statement's charge-backs at its payer, a charge-back at the members' mutual."""

import datetime
import uuid
from collections.abc import Sequence
from typing import NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.accounting import postings
from mutualis.accounting.ledger import (
    Chart,
    Rows,
    ToPost,
    closed_months,
    drafts_of,
    mapping_version,
    open_day,
    reverse,
    rows_of,
    write_rows,
)
from mutualis.accounting.models import Entry
from mutualis.core.consumers import Consumer, Logged, Stale
from mutualis.federation.models import Organisation, User

# kind → the kind of the event whose entry it reverses, and the payload's field naming it
# (None: the subject, the same as the reversed event's)
REVERSALS = {
    "payment.reversed": ("payment.recorded", "reverses", "received_on"),
    "provider_payment.reversed": ("provider_payment.recorded", "reverses", "paid_on"),
    "statement.cancelled": ("statement.issued", None, "cancelled_on"),
    "clearing.released": ("clearing.charged", None, "cancelled_on"),
}
POSTED = frozenset(
    {
        "payment.recorded",
        "receivable.recognised",
        "claim.adjudicated",
        "claim.reviewed",
        "statement.issued",
        "clearing.charged",
        "provider_payment.recorded",
        *REVERSALS,
    }
)


def labels() -> postings.Labels:
    """The entries' labels in the installation's language: an entry is a record, written once."""
    with translation.override(settings.LANGUAGE_CODE):
        return postings.Labels(
            receipt=_("Receipt %(number)s"),
            receivable=_("Third payer's share of the period from %(period)s"),
            claim=_("Claim for care of %(day)s"),
            statement=_("Statement %(number)s: charge-backs to other mutuals"),
            charged_back=_("Charged back by statement %(number)s"),
            provider_payment=_("Payment of statement %(number)s"),
        )


def posting_of(
    event: Logged, own: str, words: postings.Labels, cashier: str | None = None
) -> postings.Posting | None:
    """`cashier`: the uid of the user who recorded the event, whose cash box cash moves in."""
    payload = event.payload
    if event.kind == "payment.recorded":
        return postings.payment(payload, words, cashier)
    if event.kind == "receivable.recognised":
        return postings.receivable(payload, words)
    if event.kind in ("claim.adjudicated", "claim.reviewed"):
        return postings.claim(payload, own, words)
    if event.kind == "statement.issued":
        return postings.statement(payload, own, words)
    if event.kind == "clearing.charged":
        return postings.charged(payload, words)
    if event.kind == "provider_payment.recorded":
        return postings.provider_payment(payload, words, cashier)
    raise ValueError(f"the books do not post {event.kind}")


class Reversal(NamedTuple):
    """A reversal in a prepared batch: the books reverse the entry of what it cancels when they
    write, since that entry may be in the same batch."""

    source: uuid.UUID
    kind: str
    reversed_kind: str  # of the event whose entry it reverses, about `subject`
    subject: uuid.UUID
    day: datetime.date


class Batch(NamedTuple):
    """What the books make of a batch of an organisation's events before writing: its entries as
    rows, in runs between its reversals, and what they were worked out from (the organisation's
    place, its closed months, the mapping's version), which must still hold when they are
    written."""

    organisation_id: int
    path: str
    closed: set[datetime.date]
    mapping: tuple[int, int]
    steps: list[Rows | Reversal]


def reversal_of(event: Logged) -> Reversal:
    reversed_kind, field, day = REVERSALS[event.kind]
    subject = uuid.UUID(event.payload[field]) if field else event.subject
    on = datetime.date.fromisoformat(event.payload[day])
    return Reversal(event.uid, event.kind, reversed_kind, subject, on)


def prepare(events: Sequence[Logged]) -> Batch:
    """Works out the entries of a batch of one organisation's events, reading only."""
    organisation = Organisation.objects.get(pk=events[0].organisation_id)
    own = str(organisation.uid)
    words = labels()
    chart = Chart()
    users = dict(
        User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id}).values_list(
            "pk", "uid"
        )
    )
    closed = closed_months(organisation)
    steps: list[Rows | Reversal] = []
    waiting: list[ToPost] = []
    for event in events:
        if event.kind in REVERSALS:
            steps += [rows_of(organisation.pk, drafts_of(organisation, waiting, chart, closed))]
            steps += [reversal_of(event)]
            waiting = []
            continue
        cashier = users.get(event.actor_id)
        posting = posting_of(event, own, words, str(cashier) if cashier else None)
        if posting is not None:
            # the uid and subject as stored: written back as they are read
            waiting.append(ToPost(posting, event.stored_uid, event.kind, event.stored_subject))
    steps += [rows_of(organisation.pk, drafts_of(organisation, waiting, chart, closed))]
    return Batch(organisation.pk, organisation.path, closed, chart.version, steps)


def post(batch: Batch) -> None:
    """Writes a prepared batch; `Stale` when what it was worked out from has changed since."""
    organisation = Organisation.objects.get(pk=batch.organisation_id)
    closed = closed_months(organisation)
    if (organisation.path, closed, mapping_version()) != (batch.path, batch.closed, batch.mapping):
        raise Stale
    for step in batch.steps:
        if isinstance(step, Reversal):
            original = Entry.objects.filter(
                mutual=organisation,
                subject=step.subject,
                source_kind=step.reversed_kind,
                reverses__isnull=True,
            ).first()
            if original is not None:
                on = open_day(step.day, closed)
                reverse(organisation, original, on, source=step.source, source_kind=step.kind)
        else:
            write_rows(organisation, step)


CONSUMERS = [Consumer("books", post, POSTED, gettext_lazy("Books"), prepare)]
