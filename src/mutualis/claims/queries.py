"""Reads of claims: what a beneficiary may receive at a provider today (the point of care),
what the mutual paid in a year, the claims a user may see and the advisor's queue."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mutualis.benefits.choices import ServiceCategory
from mutualis.claims import facts
from mutualis.claims.adjudication import Benefit
from mutualis.claims.choices import ClaimStatus, Outcome
from mutualis.claims.models import Claim, ClaimLine, GuaranteeLetter
from mutualis.contributions.queries import households_of
from mutualis.contributions.rules import Coverage, coverage_at, coverage_by_service
from mutualis.core.access import ancestor_paths, scoped
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Kind, Role
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Agreement, AgreementVersion, Provider, Tariff


def paid_in_year(beneficiary_id: int, year: int) -> dict[str, int]:
    """What the mutual paid for a beneficiary's care in a calendar year, by service category:
    the mutual shares of the lines not rejected dated that year, whenever their claim's care
    began (what the yearly ceilings count, claims.adjudication). One indexed read."""
    claim, line = Claim._meta.db_table, ClaimLine._meta.db_table
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.service_category, SUM(l.mutual_share) FROM {claim} c"
            f" JOIN {line} l ON l.claim_id = c.id"
            f" WHERE c.beneficiary_id = %s AND c.service_from <= %s AND c.service_to >= %s"
            f" AND l.service_date BETWEEN %s AND %s"
            f" AND l.outcome <> %s GROUP BY l.service_category",
            [beneficiary_id, last, first, first, last, Outcome.REJECTED.value],
        )
        return {category: int(total) for category, total in cursor.fetchall()}


@dataclass(frozen=True)
class ServiceRights:
    """What the package gives for one service category at the provider's level of care."""

    service_category: str
    benefit: Benefit
    coverage: Coverage
    paid_this_year: int

    @property
    def label(self) -> str:
        return ServiceCategory(self.service_category).label

    @property
    def rate_percent(self) -> float:
        return self.benefit.rate_bp / 100

    @property
    def copay_percent(self) -> float:
        return 100 - self.rate_percent

    @property
    def left_this_year(self) -> int | None:
        if self.benefit.ceiling_per_year is None:
            return None
        return max(self.benefit.ceiling_per_year - self.paid_this_year, 0)


@dataclass(frozen=True)
class Eligibility:
    beneficiary: Beneficiary
    provider: Provider
    on: datetime.date
    coverage: Coverage
    rights: list[ServiceRights]
    letters: list[GuaranteeLetter]


def eligibility(beneficiary: Beneficiary, provider: Provider, on: datetime.date) -> Eligibility:
    """Whether a beneficiary is covered at a provider on a day, and for each service the
    package covers at the provider's level: the rate, the co-payment, the ceilings and what is
    left of the yearly one, and whether a waiting period still applies to it."""
    household = households_of([beneficiary.household_id], on)[beneficiary.household_id]
    benefits = facts.benefits_at(household, on, provider.level)
    offered = {c: b for c, b in benefits.items() if not b.excluded}
    by_service = coverage_by_service(household.facts, beneficiary.pk, on, offered)
    paid = paid_in_year(beneficiary.pk, on.year) if offered else {}
    rights = [
        ServiceRights(category, benefit, by_service[category], paid.get(category, 0))
        for category, benefit in sorted(offered.items(), key=lambda item: item[0])
    ]
    letters = list(
        GuaranteeLetter.objects.filter(
            beneficiary=beneficiary,
            provider=provider,
            valid_until__gte=on,
        )
        # a letter cancelled from a later day still covers care on `on`
        .exclude(cancelled_on__lte=on)
        .order_by("valid_from")
    )
    return Eligibility(
        beneficiary,
        provider,
        on,
        coverage_at(household.facts, beneficiary.pk, on),
        rights,
        letters,
    )


# Issue 10: diagnoses, the acts and medicines of a claim's lines, the medical advisor's comments
# and a guarantee letter's reason are medical secrets. The medical advisors read them, and the
# clerks of the provider that gave the care; managers, cashiers, accountants, union officers and
# administrators see the amounts, the outcomes and the reasons the rules gave.
MEDICAL_DETAIL_READERS = frozenset({Role.MEDICAL_ADVISOR})


def may_see_medical(user, record) -> bool:
    """Whether `user` may read the medical detail of `record`, a claim, a guarantee letter or a
    statement: anything of one provider (`record.provider_id`). The one decision of every page,
    document and API that shows claims."""
    if user.has_any_role(MEDICAL_DETAIL_READERS):
        return True
    if not user.has_any_role({Role.PROVIDER_CLERK}):
        return False
    return record.provider_id in clerk_provider_ids(user)


def clerk_provider_ids(user) -> frozenset[int]:
    """The providers where the user works as a clerk, read once per request's user."""
    if "clerk_provider_ids" not in user.__dict__:
        user.__dict__["clerk_provider_ids"] = frozenset(
            Provider.objects.filter(staff=user).values_list("pk", flat=True)
        )
    return user.__dict__["clerk_provider_ids"]


def works_at_a_provider(user) -> bool:
    """True for a provider's clerk who holds no other role: they act for their provider."""
    return set(user.roles) <= {Role.PROVIDER_CLERK}


def acting_providers(user: User) -> QuerySet[Provider]:
    """The providers a user may check eligibility or enter claims for: a clerk's own, or every
    active provider their scope knows."""
    providers = scoped(Provider.objects.filter(active=True), user)
    if works_at_a_provider(user):
        providers = providers.filter(staff=user)
    return providers.order_by("name")


def member_lookup_prefix(user) -> str:
    """Where a member number is looked for at the point of care. A provider's clerk treats the
    members of every mutual of the federation (portability) and finds each by the number on
    their card, never by browsing the register; everyone else within their scope."""
    if works_at_a_provider(user):
        return ancestor_paths(user.scope_prefix)[0]
    return user.scope_prefix


def beneficiary_numbered(user, number: str) -> tuple[Beneficiary | None, str]:
    """The beneficiary with this member number that the user may look up, or why there is
    none."""
    found = list(
        Beneficiary.objects.filter(
            member_number=number.strip().upper(),
            mutual__path__startswith=member_lookup_prefix(user),
        )
        .select_related("mutual", "household")
        .order_by("pk")[:2]
    )
    if not found:
        return None, _("No beneficiary has the member number %(number)s.") % {"number": number}
    if len(found) > 1:
        return None, _("Several beneficiaries have the member number %(number)s.") % {
            "number": number
        }
    return found[0], ""


def claims_visible(user) -> QuerySet[Claim]:
    return scoped(
        Claim.objects.select_related("beneficiary", "provider", "mutual", "payer"), user
    ).order_by("-submitted_on", "-pk")


def review_queue(user) -> QuerySet[Claim]:
    """The claims waiting for the medical advisor, oldest first."""
    return claims_visible(user).filter(status=ClaimStatus.IN_REVIEW).order_by("submitted_on", "pk")


@dataclass(frozen=True)
class PricedItem:
    """An act or medicine of a provider's price list: its agreed tariff."""

    code: str
    label: str
    price: int


@dataclass(frozen=True)
class PriceList:
    """What a provider may bill on a day of care, by code, and the currency it is paid in.
    `items` holds every priced code when built with no `text`, else the first matches."""

    items: dict[str, PricedItem]
    currency: str

    def get(self, code: str) -> PricedItem | None:
        return self.items.get(code.strip().upper())


def price_list(
    provider: Provider,
    day: datetime.date,
    *,
    mutual_path: str = "",
    text: str = "",
    limit: int | None = None,
) -> PriceList:
    """The acts and medicines priced by the provider's agreements in force on `day`, with their
    agreed tariffs: what the claim form completes and checks a code against.

    With the member's mutual known (`mutual_path`), the one agreement their claim falls under,
    as claims.facts.AgreementBook chooses it (the mutual's own, else its nearest union's, else
    another's: portability); without, every agreement in force, the best placed pricing a code
    first. `text` keeps the codes that start with it and the labels that contain it. Three
    queries whatever the size of the list."""
    agreements = list(
        Agreement.objects.filter(provider=provider, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("pk")
        .values_list("pk", "party__path")
    )
    ancestors = ancestor_paths(mutual_path) if mutual_path else []

    def rank(entry):
        return -len(entry[1]) if entry[1] in ancestors else 0

    agreements.sort(key=rank)
    latest: dict[int, tuple[datetime.date, int]] = {}
    for pk, agreement, valid_from in AgreementVersion.objects.filter(
        agreement_id__in=[pk for pk, _path in agreements], valid_from__lte=day
    ).values_list("pk", "agreement_id", "valid_from"):
        if agreement not in latest or valid_from > latest[agreement][0]:
            latest[agreement] = (valid_from, pk)
    in_force = [(pk, path) for pk, path in agreements if pk in latest]
    if mutual_path:
        in_force = in_force[:1]  # the agreement that pays this member's claim
    order = {latest[pk][1]: position for position, (pk, _path) in enumerate(in_force)}
    tariffs = Tariff.objects.filter(version_id__in=list(order))
    if text:
        tariffs = tariffs.filter(
            Q(item__code__istartswith=text.strip()) | Q(item__label__icontains=text.strip())
        )
    tariffs = tariffs.order_by("item__code", "version_id").values_list(
        "version_id", "item__code", "item__label", "price"
    )
    if limit is not None:
        tariffs = tariffs[: limit * max(len(order), 1)]
    ranked = sorted(tariffs, key=lambda row: (row[1], order[row[0]]))
    items: dict[str, PricedItem] = {}
    for _version, code, label, price in ranked:
        items.setdefault(code.upper(), PricedItem(code, label, price))
    if limit is not None:
        items = dict(list(items.items())[:limit])
    return PriceList(items, currency_of(mutual_path or (in_force[0][1] if in_force else "")))


def currency_of(path: str) -> str:
    """The currency of the mutual at `path`, or of the first mutual under the union there."""
    if not path:
        return ""
    return (
        Organisation.objects.filter(path__startswith=path, kind=Kind.MUTUAL)
        .exclude(currency="")
        .order_by("path")
        .values_list("currency", flat=True)
        .first()
        or ""
    )
