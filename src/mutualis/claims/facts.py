"""The facts adjudication needs, read for a whole batch of claims at once.

A monthly batch of a union holds tens of thousands of claims: reading each claim's beneficiary,
household, payments, agreement and history one at a time would take longer than adjudicating
them. Every reader here takes the whole batch and answers in a few indexed queries, with plain
SQL where the ORM's query building would cost more than the reads (as `coverage_by_id` does);
what does not change during a batch (the list of acts, the agreements, the packages' rules) is
shaped once and reused.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from mutualis.benefits.queries import package_rules
from mutualis.claims.adjudication import (
    AgreementTerms,
    Benefit,
    History,
    Item,
    Letter,
    Received,
)
from mutualis.claims.choices import Outcome
from mutualis.claims.models import Claim, ClaimLine, GuaranteeLetter, ReviewPolicy
from mutualis.claims.review import DEFAULT_POLICY, Policy
from mutualis.contributions.queries import HouseholdState
from mutualis.core.access import ancestor_paths
from mutualis.core.ids import uid_text
from mutualis.core.periods import in_force
from mutualis.core.sql import rows_in, table
from mutualis.federation.models import Organisation
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Provider, Tariff


@dataclass(frozen=True)
class Person:
    id: int
    mutual_id: int
    mutual_path: str
    household_id: int
    uid: str


def beneficiaries_by_number(numbers: Iterable[str], scope_prefix: str) -> dict[str, list[Person]]:
    """The beneficiaries in scope carrying each member number (more than one when two mutuals
    happen to share a code)."""
    found: dict[str, list[Person]] = defaultdict(list)
    sql = (
        f"SELECT b.member_number, b.id, b.mutual_id, o.path, b.household_id, b.uid"
        f" FROM {table(Beneficiary)} b"
        f" JOIN {table(Organisation)} o ON o.id = b.mutual_id"
        f" WHERE o.path LIKE %s AND b.member_number IN ({{}})"
    )
    prefix = scope_prefix + "%"  # paths are digits and slashes: nothing to escape
    for number, pk, mutual, path, household, uid in rows_in(sql, set(numbers), [prefix]):
        found[number].append(Person(pk, mutual, path, household, uid_text(uid)))
    return found


@dataclass(frozen=True)
class Place:
    id: int
    level: str
    uid: str


def providers_by_code(codes: Iterable[str]) -> dict[str, Place]:
    sql = f"SELECT code, id, level, uid FROM {table(Provider)} WHERE active AND code IN ({{}})"
    return {
        code: Place(pk, level, uid_text(uid)) for code, pk, level, uid in rows_in(sql, set(codes))
    }


def references_used(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (provider, invoice number) pairs already claimed, in any mutual."""
    by_provider: dict[int, set[str]] = defaultdict(set)
    for provider, reference in pairs:
        by_provider[provider].add(reference)
    used = set()
    for provider, references in by_provider.items():
        sql = (
            f"SELECT provider_reference FROM {table(Claim)}"
            f" WHERE provider_id = %s AND provider_reference IN ({{}})"
        )
        used.update((provider, ref) for (ref,) in rows_in(sql, references, [provider]))
    return used


class Catalogue:
    """The acts and medicines a mutual's claims may name: the national list and the additions
    of the unions above the mutual; the nearest owner's item wins on a shared code."""

    def __init__(self) -> None:
        self.by_owner: dict[str, dict[str, Item]] = defaultdict(dict)
        for pk, code, category, max_quantity, min_days, path in (
            MedicalItem.objects.filter(active=True)
            .order_by()
            .values_list(
                "pk", "code", "service_category", "max_quantity", "min_days_between", "owner__path"
            )
        ):
            self.by_owner[path][code] = Item(pk, category, max_quantity, min_days)
        self.for_path = cache(self._for_path)

    def _for_path(self, mutual_path: str) -> dict[str, Item]:
        items: dict[str, Item] = {}
        for path in ancestor_paths(mutual_path):  # the root first, the nearest last
            items.update(self.by_owner.get(path, {}))
        return items

    def item(self, mutual_path: str, code: str) -> Item | None:
        return self.for_path(mutual_path).get(code)


@dataclass(frozen=True)
class Contract:
    """The agreement a claim falls under: who pays the provider, and on which terms."""

    agreement_id: int
    party_id: int
    terms: AgreementTerms


class AgreementBook:
    """The agreements of a batch's providers, with their versions and tariffs.

    A claim falls under the agreement in force on the day of care, preferring the beneficiary's
    own mutual, then its unions (the nearest first), then another mutual's or union's agreement
    with the provider: portability, where that party pays and charges the claim back. Without
    one in force, the claim is rejected under the best-placed agreement that ever existed
    (`agreement_expired`), or none (`no_agreement`)."""

    def __init__(self, provider_ids: Iterable[int]):
        ids = list(set(provider_ids))
        self.agreements: dict[int, list[tuple]] = defaultdict(list)
        for pk, provider, party, path, starts, ends in Agreement.objects.filter(
            provider_id__in=ids
        ).values_list("pk", "provider_id", "party_id", "party__path", "starts_on", "ends_on"):
            self.agreements[provider].append((pk, party, path, starts, ends))
        versions: dict[int, list[AgreementVersion]] = defaultdict(list)
        for version in AgreementVersion.objects.filter(agreement__provider_id__in=ids).order_by():
            versions[version.agreement_id].append(version)
        tariffs: dict[int, dict[int, int]] = defaultdict(dict)
        for version_id, item_id, price in Tariff.objects.filter(
            version__agreement__provider_id__in=ids
        ).values_list("version_id", "item_id", "price"):
            tariffs[version_id][item_id] = price
        self.versions = versions
        self.tariffs = tariffs
        self.choose = cache(self._choose)

    def in_force(self, entry: tuple, day: datetime.date) -> bool:
        """Whether an agreement (an entry of `agreements`) runs on `day` with terms in force."""
        _pk, _party, _path, starts, ends = entry
        return (
            starts <= day
            and (ends is None or day <= ends)
            and in_force(self.versions[entry[0]], day) is not None
        )

    def binds(self, provider: int, mutual_path: str, day: datetime.date) -> bool:
        """Whether the provider has an agreement in force on `day` with the mutual at
        `mutual_path` or one of its unions: then that mutual or union pays its claims, never
        another (`choose` prefers them)."""
        ancestors = set(ancestor_paths(mutual_path))
        return any(
            entry[2] in ancestors and self.in_force(entry, day)
            for entry in self.agreements.get(provider, ())
        )

    def _choose(self, provider: int, mutual_path: str, day: datetime.date) -> Contract | None:
        ancestors = ancestor_paths(mutual_path)

        def rank(entry):
            path = entry[2]
            if path in ancestors:
                return -len(path)  # the mutual itself, then the nearest union
            return 0

        candidates = sorted(self.agreements.get(provider, ()), key=rank)
        if not candidates:
            return None
        current = [entry for entry in candidates if self.in_force(entry, day)]
        pk, party, _path, starts, ends = (current or candidates)[0]
        version = in_force(self.versions[pk], day) or max(
            self.versions[pk], key=lambda v: v.valid_from, default=None
        )
        if version is None:
            return None
        terms = AgreementTerms(
            starts,
            ends,
            version.submission_days,
            self.tariffs[version.pk],
            version.referral_required,
        )
        return Contract(pk, party, terms)


@cache
def benefits_of(version_pk: int, package_id: int, revision, level: str) -> dict[str, Benefit]:
    """The coverage rules of one package version at one level of care, by service category."""
    version = next(v for v in package_rules(package_id, revision) if v.pk == version_pk)
    return {
        rule.service_category: Benefit(
            rule.rate_bp,
            rule.ceiling_per_act,
            rule.ceiling_per_episode,
            rule.ceiling_per_year,
            rule.guarantee_letter_required,
            rule.excluded,
            rule.referral_rate_bp,
            rule.emergency_rate_bp,
        )
        for rule in version.coverage_rules.all()
        if rule.level == level
    }


def benefits_at(state: HouseholdState, day: datetime.date, level: str) -> dict[str, Benefit]:
    version = in_force(package_rules(state.package_id, state.revision), day)
    if version is None:
        return {}
    return benefits_of(version.pk, state.package_id, state.revision, level)


def histories(beneficiary_ids: Iterable[int]) -> dict[int, History]:
    """What each beneficiary received before: the dates of care of every claim (its stays), and
    every line not rejected."""
    claims: dict[int, tuple] = {}
    received: dict[int, list[Received]] = defaultdict(list)
    sql = (
        f"SELECT c.id, c.beneficiary_id, c.provider_id, c.service_from, c.service_to,"
        f" g.id, g.valid_from, g.valid_until, g.cap, g.service_category, g.cancelled_on,"
        f" l.outcome, l.item_id, l.service_date, l.service_category, l.mutual_share"
        f" FROM {table(ClaimLine)} l JOIN {table(Claim)} c ON c.id = l.claim_id"
        f" LEFT JOIN {table(GuaranteeLetter)} g ON g.id = c.guarantee_letter_id"
        f" WHERE c.beneficiary_id IN ({{}})"
    )
    rejected = Outcome.REJECTED.value
    for claim, beneficiary, provider, start, end, letter_id, *rest in rows_in(
        sql, set(beneficiary_ids)
    ):
        letter_facts, (outcome, item, day, category, paid) = rest[:5], rest[5:]
        if claim not in claims:
            letter = Letter(letter_id, *letter_facts) if letter_id is not None else None
            claims[claim] = (beneficiary, provider, start, end, letter)
        if outcome == rejected or item is None:
            continue
        letter = claims[claim][4]
        on_letter = letter is not None and letter.applies(category, day)
        received[claim].append(Received(item, day, category, paid, on_letter))
    found: dict[int, History] = defaultdict(History)
    for claim, (beneficiary, provider, start, end, letter) in sorted(claims.items()):
        letter_id = letter.id if letter is not None else None
        found[beneficiary].add(provider, start, end, letter_id, received.get(claim, ()))
    return found


def claim_days(beneficiary_ids: Iterable[int]) -> dict[int, list[datetime.date]]:
    """The first day of care of every claim of each beneficiary."""
    days: dict[int, list[datetime.date]] = defaultdict(list)
    sql = f"SELECT beneficiary_id, service_from FROM {table(Claim)} WHERE beneficiary_id IN ({{}})"
    for beneficiary, day in rows_in(sql, set(beneficiary_ids)):
        days[beneficiary].append(day)
    return days


def provider_day_counts(
    provider_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[tuple[int, datetime.date], int]:
    """How many claims each provider made for each day of care between two dates."""
    sql = (
        f"SELECT provider_id, service_from, COUNT(*) FROM {table(Claim)}"
        f" WHERE service_from BETWEEN %s AND %s AND provider_id IN ({{}})"
        f" GROUP BY provider_id, service_from"
    )
    return {
        (provider, day): count
        for provider, day, count in rows_in(sql, set(provider_ids), [first, last])
    }


def letters_of(beneficiary_ids: Iterable[int]) -> dict[int, list[tuple[int, int, int, Letter]]]:
    """The guarantee letters of each beneficiary, oldest first: (number, mutual, provider,
    letter). A cancelled letter is among them: it still covers care before its cancellation."""
    found: dict[int, list] = defaultdict(list)
    sql = (
        f"SELECT beneficiary_id, number, mutual_id, provider_id, id, valid_from, valid_until,"
        f" cap, service_category, cancelled_on FROM {table(GuaranteeLetter)}"
        f" WHERE beneficiary_id IN ({{}})"
    )
    for beneficiary, number, mutual, provider, *letter in rows_in(sql, set(beneficiary_ids)):
        found[beneficiary].append((number, mutual, provider, Letter(*letter)))
    for letters in found.values():
        letters.sort(key=lambda entry: entry[3].valid_from)
    return found


def review_policies(mutual_paths: Iterable[str]) -> dict[str, Policy]:
    """The review policy of each mutual: its own, or its nearest union's, or the default."""
    by_path = {
        policy.owner.path: Policy(
            policy.amount_threshold,
            policy.beneficiary_claims_30_days,
            policy.provider_claims_per_day,
            policy.sample_bp,
            policy.review_adjusted,
        )
        for policy in ReviewPolicy.objects.select_related("owner")
    }
    chosen = {}
    for path in set(mutual_paths):
        nearest = [by_path[p] for p in ancestor_paths(path) if p in by_path]
        chosen[path] = nearest[-1] if nearest else DEFAULT_POLICY
    return chosen
