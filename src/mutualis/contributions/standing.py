"""Where each household stands (issue 12): what its members owe, due by due, and from when
until when its head is covered, kept in `Standing` and `Owed` so that the homes and the arrears
lists answer from indexed reads at any scale.

The rows are a reading of the rules (`rules.household_of`, `rules.coverage_at`), rebuilt for a
household whenever an input changes: its payments (the services here), its members and its own
record (`membership.signals.households_changed`), its package's rules (the revision kept on the
row). Dues are read a year ahead, so that time passing needs no rebuild: arrears on a day are
the rows due by then. `stale_in` finds what must be rebuilt before a read; `refresh` rebuilds.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.utils import timezone

from mutualis.benefits.choices import Relationship
from mutualis.contributions.models import Owed, Standing
from mutualis.contributions.queries import households_of
from mutualis.contributions.rules import DAY, Household
from mutualis.core.home import by_mutual
from mutualis.core.periods import in_force
from mutualis.core.sql import chunks
from mutualis.membership.models import Household as HouseholdRow

# Dues are read this far ahead; a row is rebuilt when its horizon comes within the margin.
HORIZON_DAYS = 400
MARGIN_DAYS = 35


def head_cover(facts: Household) -> tuple[datetime.date | None, datetime.date | None]:
    """The head's first day of cover after the waiting period, and the last day of their cover
    if nothing more is paid, before the household resigned (None, None: never paid)."""
    head = next((m for m in facts.members if m.relationship == Relationship.HEAD), None)
    if head is None:
        return None, None
    cover = facts.cover(head.key)
    if cover.begins is None:
        return None, None
    first = first_day_of_cover(cover, facts.versions)
    # the last day of the last run of covered days, its days of grace included: when cover
    # ends if nothing more is paid (`Cover.covered_until`)
    last = cover.spans[-1].last if cover.spans else None
    if last is not None and facts.resigned_on is not None:
        last = min(last, facts.resigned_on - DAY)
    return first, last


def first_day_of_cover(cover, versions) -> datetime.date | None:
    """The first day from its beginning that cover is past its waiting period, counted from
    `waits_from` by the version in force on each day (a version may shorten it)."""
    candidates = {cover.begins, *(terms.valid_from for terms in versions)}
    candidates.update(cover.waits_from + terms.waiting_for(None) * DAY for terms in versions)
    for day in sorted(day for day in candidates if day >= cover.begins):
        terms = in_force(versions, day)
        waiting = 0 if cover.waiting_exempt or terms is None else terms.waiting_for(None)
        # without a waiting period cover starts when paid, whenever the money was recorded
        if not waiting or day >= cover.waits_from + waiting * DAY:
            return day
    return None


def owed_of(facts: Household) -> list[tuple[datetime.date, int]]:
    """Each due the members still owe: the registration fee on the enrolment day, then each
    period's member share on its first day (the first period's on the enrolment day)."""
    settlement = facts.settlement
    terms = in_force(facts.versions, facts.enrolled_on)
    fee = (terms.registration_fee if terms else 0) - settlement.fee_paid
    found = [(facts.enrolled_on, fee)] if fee > 0 else []
    for due in facts.dues:
        left = due.member - settlement.paid_by_period.get(due.period_start, 0)
        if left > 0:
            found.append((max(due.period_start, facts.enrolled_on), left))
    return found


def refresh(household_ids: Iterable[int], today: datetime.date | None = None) -> None:
    """Rebuild the standing of households, in batches, in the caller's transaction."""
    today = today or timezone.localdate()
    horizon = today + HORIZON_DAYS * DAY
    for batch in chunks(sorted(set(household_ids))):
        states = households_of(batch, horizon)
        mutuals = dict(HouseholdRow.objects.filter(pk__in=batch).values_list("pk", "mutual_id"))
        standings, owed = [], []
        for pk, state in states.items():
            facts = state.facts
            first, last = head_cover(facts)
            standings.append(
                Standing(
                    household_id=pk,
                    mutual_id=mutuals[pk],
                    revision=state.revision,
                    horizon=horizon,
                    resigned_on=facts.resigned_on,
                    covered_from=first,
                    covered_until=last,
                )
            )
            owed.extend(
                Owed(household_id=pk, mutual_id=mutuals[pk], due_on=day, amount=amount)
                for day, amount in owed_of(facts)
                if day <= horizon
            )
        with transaction.atomic():
            Owed.objects.filter(household_id__in=batch).delete()
            Standing.objects.filter(household_id__in=batch).delete()
            Standing.objects.bulk_create(standings)
            Owed.objects.bulk_create(owed, batch_size=2000)


def stale_in(mutual_ids: Iterable[int], today: datetime.date | None = None) -> list[int]:
    """The households of these mutuals whose standing is missing, was read with other rules
    or reaches too little ahead."""
    today = today or timezone.localdate()
    fresh = Standing.objects.filter(
        household=OuterRef("pk"),
        revision=OuterRef("package__rules_revision"),
        horizon__gte=today + MARGIN_DAYS * DAY,
    )
    return list(
        HouseholdRow.objects.filter(mutual_id__in=list(mutual_ids))
        .filter(~Exists(fresh))
        .values_list("pk", flat=True)
    )


def brought_up_to_date(mutual_ids: Iterable[int], today: datetime.date | None = None) -> None:
    """Rebuild what is stale before a read of these mutuals' standings."""
    mutual_ids = list(mutual_ids)
    stale = stale_in(mutual_ids, today)
    if stale:
        refresh(stale, today)


def on_households_changed(sender, household_ids, **kwargs) -> None:
    refresh(household_ids)


# --- reads ------------------------------------------------------------------------------------


def active_on(today: datetime.date) -> Q:
    """Households enrolled by `today` that had not resigned by then (on an Owed or a
    Standing)."""
    return Q(household__enrolled_on__lte=today) & (
        Q(household__resigned_on__isnull=True) | Q(household__resigned_on__gt=today)
    )


class Standings:
    """Where the households of some mutuals stand on a day, brought up to date once, then read
    from the indexed rows."""

    def __init__(self, mutual_ids: Iterable[int], today: datetime.date) -> None:
        self.mutual_ids = list(mutual_ids)
        self.today = today
        brought_up_to_date(self.mutual_ids, today)

    def owed_by(self):
        """The dues begun by the day and still owed by active households."""
        return Owed.objects.filter(mutual_id__in=self.mutual_ids, due_on__lte=self.today).filter(
            active_on(self.today)
        )

    def arrears(self):
        """Each household in arrears: what its members owe of the dues begun (`amount`) and
        the first of those dues (`since`), rows of `household_id`."""
        return (
            self.owed_by()
            .values("household_id")
            .annotate(amount=Sum("amount"), since=Min("due_on"))
            .order_by()
        )

    def arrears_total(self) -> dict[str, int]:
        """How many households are in arrears, and by how much in all."""
        found = self.owed_by().aggregate(
            households=Count("household_id", distinct=True), amount=Sum("amount")
        )
        return {"households": found["households"], "amount": found["amount"] or 0}

    def in_arrears_by_mutual(self) -> dict[int, int]:
        return by_mutual(self.owed_by(), Count("household_id", distinct=True))

    def falling_due(self, days: int):
        """What households will owe for the periods beginning in the next `days` days."""
        return (
            Owed.objects.filter(
                mutual_id__in=self.mutual_ids,
                due_on__gt=self.today,
                due_on__lte=self.today + days * DAY,
            )
            .filter(active_on(self.today))
            .order_by("due_on", "household_id")
        )

    def cover_ending(self, days: int):
        """Households whose head is covered on the day and, unless they pay, no more within
        `days` days: the last day first."""
        return (
            Standing.objects.filter(
                mutual_id__in=self.mutual_ids,
                covered_from__lte=self.today,
                covered_until__gte=self.today,
                covered_until__lt=self.today + days * DAY,
            )
            .filter(active_on(self.today))
            .order_by("covered_until", "household_id")
        )

    def waiting(self):
        """Households that paid and whose cover begins once their waiting period is over."""
        return (
            Standing.objects.filter(mutual_id__in=self.mutual_ids, covered_from__gt=self.today)
            .filter(active_on(self.today))
            .order_by("covered_from", "household_id")
        )
