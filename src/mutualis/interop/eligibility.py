"""Eligibility at the point of care, the FHIR way (OpenHIE "check coverage eligibility"): a
CoverageEligibilityRequest in, a CoverageEligibilityResponse out (domain-rules.md §2, §4, §5).

Whether the patient is covered is `contributions.rules.coverage_at`, the one coverage rule, over
the facts `contributions.queries.households_of` reads, as every other path does;
the answer carries every reason it gives, coded with claims.choices.ReasonCode. When the request
asks for benefits, each service category gets an item with what the package pays at the
provider's level of care — co-payment, ceilings, guarantee letter — and what is left of the
yearly ceiling.

An answer is a few hundred FHIR elements, each validated by its R4B model: what depends only on
the package's rules, the level and the language is validated once and kept (`category_items`),
so that a check validates only what is the patient's own.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from fhir.resources.R4B.coverageeligibilityresponse import (
    CoverageEligibilityResponse,
    CoverageEligibilityResponseInsuranceItem,
    CoverageEligibilityResponseInsuranceItemBenefit,
)
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.money import Money
from fhir.resources.R4B.reference import Reference

from mutualis.benefits.choices import ServiceCategory
from mutualis.benefits.queries import package_rules
from mutualis.claims.adjudication import Benefit
from mutualis.claims.choices import ReasonCode
from mutualis.claims.facts import benefits_of
from mutualis.claims.queries import member_lookup_prefix, paid_in_year
from mutualis.contributions.queries import HouseholdState, households_of
from mutualis.contributions.rules import Because, Coverage, coverage_at, coverage_by_service
from mutualis.core.formats import format_date
from mutualis.core.money import BASIS_POINTS
from mutualis.core.periods import in_force
from mutualis.interop import codes, inputs
from mutualis.interop.outcomes import FhirError, Valid, refusal, valid
from mutualis.interop.queries import Member, members_numbered, provider_coded
from mutualis.interop.references import member_named, missing, provider_named

RESOURCE = "CoverageEligibilityRequest"
# Required bindings of the request that the R4B models leave unchecked.
STATUSES = frozenset({"active", "cancelled", "draft", "entered-in-error"})
PURPOSES = frozenset({"auth-requirements", "benefits", "discovery", "validation"})
# The purposes that ask what the package pays, not only whether the coverage is in force.
ASKING_BENEFITS = frozenset({"auth-requirements", "benefits"})


@dataclass(frozen=True)
class Asked:
    """What a valid CoverageEligibilityRequest asks, in our terms."""

    member_number: str | None  # None when a scanned card was refused
    card_problem: str | None  # core.signing's problem with the card
    provider_code: str | None
    on: datetime.date
    purposes: tuple[str, ...]
    categories: tuple[str, ...]  # the service categories asked about; empty for all
    patient: dict  # the request's elements as sent, for the answer to name them
    insurer: dict
    request: dict  # a reference to the request


def bad(code: str, diagnostics: str, element: str) -> FhirError:
    return refusal(RESOURCE, code, diagnostics, element)


def provider_asked(resource: CoverageEligibilityRequest) -> str | None:
    """The code of our provider that `provider`, else `facility`, names. Others (a
    practitioner, another system's identifier) say nothing about the level of care and are
    left aside."""
    for element in ("provider", "facility"):
        code = provider_named(RESOURCE, element, getattr(resource, element))
        if code:
            return code
    return None


def categories_asked(resource: CoverageEligibilityRequest) -> tuple[str, ...]:
    """The service categories of the request's items: ours, or HL7's example benefit
    categories that name ours; items about other things are left aside."""
    found: list[str] = []
    for index, item in enumerate(resource.item or []):
        for coding in (item.category.coding or []) if item.category else []:
            if coding.system == codes.SERVICE_CATEGORY:
                if coding.code not in ServiceCategory.values:
                    raise bad(
                        "code-invalid",
                        _("Unknown service category: %(code)s.") % {"code": coding.code},
                        f"item[{index}].category",
                    )
                found.append(coding.code)
            elif coding.system == codes.HL7_BENEFIT_CATEGORY:
                found.extend(codes.HL7_CATEGORIES.get(coding.code, ()))
    return tuple(category for category in ServiceCategory.values if category in found)


def service_day(resource: CoverageEligibilityRequest, today: datetime.date) -> datetime.date:
    if resource.servicedDate is None and resource.servicedPeriod is not None:
        found = inputs.day(RESOURCE, "servicedPeriod.start", resource.servicedPeriod.start)
    else:
        found = inputs.day(RESOURCE, "servicedDate", resource.servicedDate)
    return found or today


def read_request(resource: CoverageEligibilityRequest, data: dict, today) -> Asked:
    """What a request validated by the R4B model asks; FhirError 400 for what the model lets
    through but the answer cannot do without."""
    if resource.insurer is None:  # the R4B model takes `null` for it
        raise missing(RESOURCE, "insurer")
    if resource.status not in STATUSES:
        raise bad(
            "code-invalid", _("Unknown status: %(code)s.") % {"code": resource.status}, "status"
        )
    for index, purpose in enumerate(resource.purpose):
        if purpose not in PURPOSES:
            raise bad(
                "code-invalid",
                _("Unknown purpose: %(code)s.") % {"code": purpose},
                f"purpose[{index}]",
            )
    number, problem = member_named(RESOURCE, resource.patient)
    if resource.identifier:
        request = {"identifier": data["identifier"][0]}
    elif resource.id:
        request = {"reference": f"{RESOURCE}/{resource.id}"}
    else:
        request = {"type": RESOURCE}
    return Asked(
        member_number=number,
        card_problem=problem,
        provider_code=provider_asked(resource),
        on=service_day(resource, today),
        purposes=tuple(resource.purpose),
        categories=categories_asked(resource),
        patient=data["patient"],
        insurer=data["insurer"],
        request=request,
    )


def coding(system: str, code: str, display) -> dict:
    return {"system": system, "code": code, "display": str(display)}


def concept(system: str, code: str, display=None, text=None) -> Valid:
    found = {"coding": [{"system": system, "code": code}]}
    if display is not None:
        found["coding"][0]["display"] = str(display)
    if text is not None:
        found["text"] = str(text)
    return valid(CodeableConcept, found)


def money(amount: int, currency: str) -> Valid:
    return valid(Money, {"value": amount, "currency": currency})


@dataclass(frozen=True, eq=False)  # one per category_items entry: the same by identity
class CategoryItem:
    """A service category's item at one level of care, validated but for what depends on the
    beneficiary: with a yearly ceiling, what they used of it."""

    category: str
    whole: Valid | None  # the item, when nothing in it is the beneficiary's
    fields: dict  # else the item's elements…
    benefits: tuple[Valid, ...]  # … its benefits but the yearly one
    yearly_ceiling: int | None
    yearly_type: Valid | None
    yearly_allowed: Valid | None


def copay_benefit(rate_bp: int) -> Valid:
    """The co-payment in percent (HL7's copay-percent, a whole number when it is one) and the
    coverage rate in basis points, exact."""
    copay = BASIS_POINTS - rate_bp
    return valid(
        CoverageEligibilityResponseInsuranceItemBenefit,
        {
            "type": concept(codes.HL7_BENEFIT_TYPE, "copay-percent", text=_("co-payment (%)")),
            **(
                {"allowedUnsignedInt": copay // 100}
                if copay % 100 == 0
                else {"allowedString": f"{copay / 100:g}"}
            ),
        },
    )


def category_item(rule: Benefit | None, category: str, currency: str) -> CategoryItem:
    label = ServiceCategory(category).label
    fields: dict = {
        "category": concept(codes.SERVICE_CATEGORY, category, label),
        "name": str(label),
    }
    if rule is None or rule.excluded:
        reason = ReasonCode.NOT_IN_PACKAGE if rule is None else ReasonCode.SERVICE_EXCLUDED
        fields.update(excluded=True, description=str(reason.label))
        item = valid(CoverageEligibilityResponseInsuranceItem, fields)
        return CategoryItem(category, item, fields, (), None, None, None)
    fields.update(excluded=False, authorizationRequired=rule.letter_required)
    benefits = [
        copay_benefit(rule.rate_bp),
        valid(
            CoverageEligibilityResponseInsuranceItemBenefit,
            {
                "type": concept(
                    codes.BENEFIT_TYPE, "coverage-rate", _("coverage rate (basis points)")
                ),
                "allowedUnsignedInt": rule.rate_bp,
            },
        ),
    ]
    for code, ceiling, label in (
        ("ceiling-per-act", rule.ceiling_per_act, _("ceiling per act")),
        ("ceiling-per-episode", rule.ceiling_per_episode, _("ceiling per episode")),
    ):
        if ceiling is not None:
            benefits.append(
                valid(
                    CoverageEligibilityResponseInsuranceItemBenefit,
                    {
                        "type": concept(codes.BENEFIT_TYPE, code, label),
                        "allowedMoney": money(ceiling, currency),
                    },
                )
            )
    if rule.letter_required:
        fields["authorizationSupporting"] = [
            concept(codes.REASON, ReasonCode.LETTER_MISSING, ReasonCode.LETTER_MISSING.label)
        ]
    if rule.ceiling_per_year is None:
        item = valid(CoverageEligibilityResponseInsuranceItem, {**fields, "benefit": benefits})
        return CategoryItem(category, item, fields, tuple(benefits), None, None, None)
    fields["term"] = concept(codes.HL7_BENEFIT_TERM, "annual", text=_("calendar year"))
    return CategoryItem(
        category,
        None,
        fields,
        tuple(benefits),
        rule.ceiling_per_year,
        concept(codes.HL7_BENEFIT_TYPE, "benefit", text=_("yearly ceiling")),
        money(rule.ceiling_per_year, currency),
    )


@lru_cache(maxsize=1024)
def category_items(
    version_pk: int, package_id: int, revision, level: str, currency: str, language: str
) -> dict[str, CategoryItem]:
    """Every service category's item for a package version at a level of care, in a language:
    kept for as long as the package's revision (benefits.queries.package_rules)."""
    rules = benefits_of(version_pk, package_id, revision, level)
    return {
        category: category_item(rules.get(category), category, currency)
        for category in ServiceCategory.values
    }


@lru_cache(maxsize=4096)
def reason_extension(because: Because, language: str) -> Valid:
    """A reason the patient is not covered: its code, its sentence and its date, in a
    language. Many patients share a reason and its date (a waiting period ending on the same
    day, contributions unpaid since the same period): each is validated once."""
    parts = [
        {
            "url": "reason",
            "valueCodeableConcept": {
                "coding": [coding(codes.REASON, because.reason, ReasonCode(because.reason).label)],
                "text": str(because),
            },
        }
    ]
    if because.date is not None:
        parts.append({"url": "date", "valueDate": because.date.isoformat()})
    return valid(Extension, {"url": codes.COVERAGE_REASON, "extension": parts})


@lru_cache(maxsize=8192)
def item_for(
    entry: CategoryItem, used: int, currency: str, reasons: tuple[Because, ...], language: str
) -> Valid:
    """A category's item for a beneficiary: what they used of a yearly ceiling, the reasons
    particular to the category. Most beneficiaries used nothing, or share a reason."""
    if entry.whole is not None and not reasons:
        return entry.whole
    fields = dict(entry.fields)
    benefits = list(entry.benefits)
    if entry.yearly_ceiling is not None:
        left = max(entry.yearly_ceiling - used, 0)
        benefits.append(
            valid(
                CoverageEligibilityResponseInsuranceItemBenefit,
                {
                    "type": entry.yearly_type,
                    "allowedMoney": entry.yearly_allowed,
                    "usedMoney": {"value": used, "currency": currency},
                },
            )
        )
        fields["description"] = _("%(left)s %(currency)s left of the yearly ceiling.") % {
            "left": formats.number_format(left, force_grouping=True),
            "currency": currency,
        }
    if benefits:
        fields["benefit"] = benefits
    if reasons:
        fields["extension"] = [reason_extension(because, language) for because in reasons]
    return valid(CoverageEligibilityResponseInsuranceItem, fields)


@lru_cache(maxsize=4096)
def insurer(mutual_uid, name: str) -> Valid:
    return valid(
        Reference,
        {
            "identifier": {"system": codes.ORGANISATION_UID, "value": str(mutual_uid)},
            "display": name,
        },
    )


def category_reasons(
    member: Member, state: HouseholdState, on: datetime.date, categories, general
) -> dict[str, tuple[Because, ...]]:
    """The reasons particular to a category, besides the patient's: those of a waiting period
    of its own (childbirth's, often longer). Exclusions show in the items already."""
    found = {}
    by_service = coverage_by_service(state.facts, member.id, on, categories)
    for category, coverage in by_service.items():
        extra = tuple(b for b in coverage.reasons if b not in general.reasons)
        if extra:
            found[category] = extra
    return found


def disposition(coverage: Coverage, on: datetime.date) -> str:
    day = format_date(on)
    if coverage.covered and coverage.grace_until is not None:
        return _("Covered on %(day)s, in the grace period until %(until)s.") % {
            "day": day,
            "until": format_date(coverage.grace_until),
        }
    if coverage.covered and coverage.covered_until is not None:
        return _("Covered on %(day)s, until %(until)s if nothing more is paid.") % {
            "day": day,
            "until": format_date(coverage.covered_until),
        }
    if coverage.covered:
        return _("Covered on %(day)s.") % {"day": day}
    return _("Not covered on %(day)s: %(reasons)s.") % {
        "day": day,
        "reasons": "; ".join(str(because) for because in coverage.reasons),
    }


def refused_card(asked: Asked, now: datetime.datetime) -> Valid:
    """The answer to a card that is not the mutual's: the problem, and nothing about whoever
    the card names."""
    label = codes.CARD_PROBLEMS[asked.card_problem]
    return valid(
        CoverageEligibilityResponse,
        {
            "resourceType": "CoverageEligibilityResponse",
            "status": "active",
            "purpose": list(asked.purposes),
            "patient": asked.patient,
            "created": now.isoformat(timespec="seconds"),
            "request": asked.request,
            "outcome": "error",
            "disposition": str(label),
            "insurer": asked.insurer,
            "error": [
                {
                    "code": {
                        "coding": [coding(codes.CARD_PROBLEM, asked.card_problem, label)],
                        "text": str(label),
                    }
                }
            ],
        },
    )


def answer(asked: Asked, user, now: datetime.datetime) -> Valid:
    """The CoverageEligibilityResponse to what `user` asked; FhirError 400 for a patient or
    provider they may not look up. Providers come from the user's scope; members too, but for a
    provider's clerk, who treats the members of every mutual (claims.queries.
    member_lookup_prefix: portability)."""
    if asked.card_problem is not None:
        return refused_card(asked, now)
    members = members_numbered(asked.member_number, member_lookup_prefix(user))
    if not members:
        raise bad(
            "not-found",
            _("No beneficiary has the member number %(number)s.") % {"number": asked.member_number},
            "patient",
        )
    if len(members) > 1:
        raise bad(
            "multiple-matches",
            _("Several beneficiaries have the member number %(number)s.")
            % {"number": asked.member_number},
            "patient",
        )
    member = members[0]
    facility = None
    if asked.provider_code is not None:
        facility = provider_coded(asked.provider_code, user)
        if facility is None:
            raise bad(
                "not-found",
                _("No provider has the code %(code)s.") % {"code": asked.provider_code},
                "provider",
            )
    on = asked.on
    state = households_of([member.household_id], on)[member.household_id]
    coverage = coverage_at(state.facts, member.id, on)
    insurance = {
        "coverage": {"reference": f"Coverage/{member.number}"},
        "inforce": coverage.covered,
    }
    if coverage.reasons:
        insurance["extension"] = [
            reason_extension(because, translation.get_language()) for because in coverage.reasons
        ]
    if ASKING_BENEFITS & set(asked.purposes):
        if facility is None:
            raise bad(
                "required",
                _(
                    "Benefits depend on the level of care: name the provider, "
                    "Organization/<provider code>."
                ),
                "provider",
            )
        insurance["benefitPeriod"] = {"start": f"{on.year}-01-01", "end": f"{on.year}-12-31"}
        insurance["item"] = benefit_items(member, state, facility, on, asked.categories, coverage)
    return valid(
        CoverageEligibilityResponse,
        {
            "resourceType": "CoverageEligibilityResponse",
            "status": "active",
            "purpose": list(asked.purposes),
            "patient": {"reference": f"Patient/{member.number}"},
            "servicedDate": on.isoformat(),
            "created": now.isoformat(timespec="seconds"),
            "request": asked.request,
            "outcome": "complete",
            "disposition": disposition(coverage, on),
            "insurer": insurer(member.mutual_uid, member.mutual_name),
            "insurance": [insurance],
        },
    )


def benefit_items(
    member: Member, state: HouseholdState, facility, on, asked_categories, coverage
) -> list[Valid]:
    version = in_force(package_rules(state.package_id, state.revision), on)
    if version is None:
        return []
    language = translation.get_language()
    entries = category_items(
        version.pk, state.package_id, state.revision, facility.level, member.currency, language
    )
    categories = asked_categories or tuple(entries)
    used = (
        paid_in_year(member.id, on.year)
        if any(entries[c].yearly_ceiling is not None for c in categories)
        else {}
    )
    reasons = category_reasons(member, state, on, categories, coverage)
    return [
        item_for(entries[c], used.get(c, 0), member.currency, reasons.get(c, ()), language)
        for c in categories
    ]
