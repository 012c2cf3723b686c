"""The use and cost of care (issue 15, docs/monitoring.md): visits and what they cost the mutual,
by level of care, service and provider, kept from the claims' final decisions
(`claim.adjudicated`, `claim.reviewed`) in the month the care began, with the providers named
by the registry's events; and the providers whose figures stand out, for the medical advisor.

A visit is a claim; its cost is the mutual's share. A service's figures are its lines'. A
provider stands out when, with enough visits to say so, its cost per visit or its share of
claims rejected is well above its level of care's."""

import dataclasses
import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mutualis.core import bulk
from mutualis.core.consumers import Logged
from mutualis.monitoring.facts import month_of
from mutualis.monitoring.models import Care, CareProvider

DECIDED = frozenset({"claim.adjudicated", "claim.reviewed"})
PROVIDERS = frozenset({"provider.registered", "provider.changed"})
KINDS = DECIDED | PROVIDERS
REJECTED = "rejected"
VISIT = ""  # the category of a claim's own row
# what makes a provider stand out among those of its level: at least this many visits, and a
# cost per visit or a share rejected at least this many times the median's
ENOUGH_VISITS = 10
STANDS_OUT = 1.5

Key = tuple[int, datetime.date, str, str]  # organisation, month, provider's uid, service


def nothing_yet() -> list[int]:
    """A key's visits, rejected, asked and incurred before any is counted (a function of the
    module, so that a tally crosses from one process to another)."""
    return [0, 0, 0, 0]


@dataclass
class CareTally:
    amounts: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(nothing_yet))
    providers: dict[uuid.UUID, tuple[str, str, str]] = field(default_factory=dict)

    def merge(self, other: "CareTally") -> None:
        """Adds what another reading counted, of other organisations."""
        for key, amounts in other.amounts.items():
            into = self.amounts[key]
            for position, amount in enumerate(amounts):
                into[position] += amount
        self.providers.update(other.providers)


def tally(events: Iterable[Logged], into: CareTally | None = None) -> CareTally:
    found = into if into is not None else CareTally()
    for event in events:
        if event.kind in KINDS:
            count(found, event.organisation_id, event.kind, event.payload)
    return found


def counted(
    items: Iterable[tuple[int, str, dict]], found: CareTally
) -> Iterator[tuple[int, str, dict]]:
    """Counts each (organisation, kind, payload) of a whole log read again as it passes on to
    the facts' tally, so that each payload is decoded once."""
    for organisation, kind, payload in items:
        if kind in KINDS:
            count(found, organisation, kind, payload)
        yield organisation, kind, payload


def count(found: CareTally, organisation: int, kind: str, payload: dict) -> None:
    if kind in PROVIDERS:
        uid = uuid.UUID(payload["provider"])
        found.providers[uid] = (payload["code"], payload["name"], payload["level"])
        return
    # the provider's uid as written: parsed once a key, when written (millions of claims)
    month, provider = month_of(payload["service_from"]), payload["provider"]
    amounts = found.amounts
    every_line_rejected = True
    for line in payload["lines"]:
        rejected = line["outcome"] == REJECTED
        every_line_rejected &= rejected
        into = amounts[organisation, month, provider, line["service_category"]]
        into[0] += 1
        into[1] += rejected
        into[2] += line["asked"]
        into[3] += line["mutual_share"]
    into = amounts[organisation, month, provider, VISIT]
    into[0] += 1
    into[1] += every_line_rejected
    into[2] += payload["asked"]
    into[3] += payload["mutual_share"]


def write(found: CareTally) -> None:
    """Adds the care to the months' and names the providers."""
    if found.amounts:
        uids: dict[str, uuid.UUID] = {}  # each provider's, parsed once
        by_key = {
            (organisation, month, uids.get(p) or uids.setdefault(p, uuid.UUID(p)), service): amounts
            for (organisation, month, p, service), amounts in found.amounts.items()
        }
        organisations = {key[0] for key in by_key}
        months = {key[1] for key in by_key}
        existing = {
            (c.organisation_id, c.month, c.provider, c.service): c
            for c in Care.objects.filter(organisation_id__in=organisations, month__in=months)
        }
        changed, new = [], []
        for key, (number, rejected, asked, incurred) in by_key.items():
            row = existing.get(key)
            if row is None:
                new.append((*key, number, rejected, asked, incurred))
                continue
            row.count += number
            row.rejected += rejected
            row.asked += asked
            row.incurred += incurred
            changed.append(row)
        Care.objects.bulk_update(changed, ["count", "rejected", "asked", "incurred"], 500)
        columns = ["organisation", "month", "provider", "service", "count", "rejected"]
        bulk.insert(Care, [*columns, "asked", "incurred"], new)
    for uid, (code, name, level) in found.providers.items():
        CareProvider.objects.update_or_create(
            uid=uid, defaults={"code": code, "name": name, "level": level}
        )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """Visits (or a service's lines) and their cost over a period."""

    label: str
    level: str
    count: int
    rejected: int
    incurred: int
    provider: CareProvider | None = None
    stands_out: tuple[str, ...] = ()

    @property
    def cost(self) -> int | None:
        """The mutual's share per visit (or line), in the currency's unit."""
        return (2 * self.incurred + self.count) // (2 * self.count) if self.count else None

    @property
    def rejection_bp(self) -> int | None:
        return (2 * self.rejected * 10_000 + self.count) // (2 * self.count) if self.count else None


@dataclass(frozen=True)
class UseOfCare:
    visits: int
    incurred: int
    by_level: list[Line]
    by_service: list[Line]
    by_provider: list[Line]


def use_of_care(mutuals: Sequence[int], months: Sequence[datetime.date]) -> UseOfCare:
    """The care of the mutuals over the months: by level, service and provider."""
    rows = Care.objects.filter(organisation_id__in=mutuals, month__in=months).values_list(
        "provider", "service", "count", "rejected", "incurred"
    )
    visits: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0, 0])
    services: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for provider, service, count, rejected, incurred in rows:
        into = visits[provider] if service == VISIT else services[service]
        into[0] += count
        into[1] += rejected
        into[2] += incurred
    named = {p.uid: p for p in CareProvider.objects.filter(uid__in=list(visits))}
    providers = [
        Line(
            named[uid].name if uid in named else str(uid),
            named[uid].level if uid in named else "",
            *amounts,
            provider=named.get(uid),
        )
        for uid, amounts in visits.items()
    ]
    levels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in providers:
        for index, amount in enumerate((line.count, line.rejected, line.incurred)):
            levels[line.level][index] += amount
    return UseOfCare(
        visits=sum(line.count for line in providers),
        incurred=sum(line.incurred for line in providers),
        by_level=sorted(
            (Line(level, level, *amounts) for level, amounts in levels.items()),
            key=lambda line: -line.count,
        ),
        by_service=sorted(
            (Line(service, "", *amounts) for service, amounts in services.items()),
            key=lambda line: -line.incurred,
        ),
        by_provider=flagged(providers),
    )


def flagged(providers: list[Line]) -> list[Line]:
    """The providers, those that stand out first, each with what makes it stand out: among the
    providers of its level with enough visits, a cost per visit or a share of claims rejected
    at least STANDS_OUT times the level's (all their visits together)."""
    levels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in providers:
        if line.count >= ENOUGH_VISITS:
            totals = levels[line.level]
            totals[0] += line.count
            totals[1] += line.rejected
            totals[2] += line.incurred
    found = []
    for line in providers:
        reasons = []
        totals = levels.get(line.level)
        if line.count >= ENOUGH_VISITS and totals is not None:
            count, rejected, incurred = totals
            if line.incurred * count >= STANDS_OUT * incurred * line.count > 0:
                reasons.append("cost")
            if line.rejected * count >= STANDS_OUT * rejected * line.count > 0:
                reasons.append("rejections")
        found.append(dataclasses.replace(line, stands_out=tuple(reasons)))
    return sorted(found, key=lambda line: (not line.stands_out, -line.count, line.label))


def services_used(
    mutuals: Sequence[int], months: Sequence[datetime.date]
) -> list[tuple[str, int, int, int]]:
    """Each service's lines over the months, with what they asked and what the mutuals paid:
    what the contribution calculator starts from."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for service, count, asked, incurred in (
        Care.objects.filter(organisation_id__in=mutuals, month__in=months)
        .exclude(service=VISIT)
        .values_list("service", "count", "asked", "incurred")
    ):
        into = totals[service]
        into[0] += count
        into[1] += asked
        into[2] += incurred
    return [(service, *amounts) for service, amounts in sorted(totals.items())]
