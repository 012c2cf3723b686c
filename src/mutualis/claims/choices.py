"""The vocabulary of claims: channels, outcomes and the reason codes of every decision
(domain-rules.md §5–8). Codes are stable strings that the FHIR ClaimResponse and the exports carry;
docs/claims.md maps them to openIMIS's rejection numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    CLERK = "clerk", _("entered by a clerk")
    UPLOAD = "upload", _("Excel batch")
    FHIR = "fhir", _("FHIR API")


class ClaimStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("waiting for the medical advisor")
    DECIDED = "decided", _("decided")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("approved")
    ADJUSTED = "adjusted", _("adjusted")
    REJECTED = "rejected", _("rejected")


class VisitType(models.TextChoices):
    NORMAL = "normal", _("normal visit")
    REFERRAL = "referral", _("referral")
    EMERGENCY = "emergency", _("emergency")


class ReasonCode(models.TextChoices):
    # the beneficiary's coverage on the day of care (membership.coverage.Reason, same codes)
    NOT_ENROLLED = "not_enrolled", _("not enrolled yet")
    HOUSEHOLD_RESIGNED = "household_resigned", _("household resigned")
    LEFT_HOUSEHOLD = "left_household", _("left the household")
    OVER_AGE_LIMIT = "over_age_limit", _("over the age limit for dependents")
    NO_PACKAGE = "no_package", _("no benefit package in force")
    SERVICE_EXCLUDED = "service_excluded", _("service excluded by the benefit package")
    NEVER_PAID = "never_paid", _("registration fee or first contribution not paid")
    WAITING_PERIOD = "waiting_period", _("care during the waiting period")
    CONTRIBUTIONS_UNPAID = "contributions_unpaid", _("contributions unpaid")
    # the claim
    FUTURE_DATE = "future_date", _("date of care after the claim was submitted")
    SUBMITTED_LATE = "submitted_late", _("claim submitted after the agreement's deadline")
    NO_AGREEMENT = "no_agreement", _("no agreement with the provider")
    AGREEMENT_EXPIRED = "agreement_expired", _("agreement not in force on the date of care")
    REFERRAL_MISSING = "referral_missing", _("referral required by the agreement")
    # each line
    UNKNOWN_ITEM = "unknown_item", _("act or medicine unknown")
    NOT_IN_PACKAGE = "not_in_package", _("service not in the benefit package at this level")
    NOT_IN_AGREEMENT = "not_in_agreement", _("not in the agreement's tariffs")
    DUPLICATE = "duplicate", _("already claimed for the same day")
    TOO_FREQUENT = "too_frequent", _("too soon after the previous one")
    LETTER_MISSING = "letter_missing", _("guarantee letter required")
    # adjustments: the line is paid in part
    ABOVE_TARIFF = "above_tariff", _("price above the agreed tariff")
    QUANTITY_LIMIT = "quantity_limit", _("quantity above the limit")
    CEILING_PER_ACT = "ceiling_per_act", _("ceiling per act reached")
    CEILING_PER_EPISODE = "ceiling_per_episode", _("ceiling per episode reached")
    CEILING_PER_YEAR = "ceiling_per_year", _("yearly ceiling reached")
    LETTER_EXCEEDED = "letter_exceeded", _("amount of the guarantee letter exceeded")
    # the medical advisor
    NOT_JUSTIFIED = "not_justified", _("not medically justified")
    MEDICAL_ADVISOR = "medical_advisor", _("decision of the medical advisor")


# Who owes a rejected line (docs/claims.md, "Who owes what"). These reasons are about the
# provider's billing: the provider may not bill the line at all, to the mutual or the member
# (its loss). Every other reason is about the member's rights: the member owes the line at the
# agreed tariff, and what is above the tariff stays the provider's loss. When both kinds apply,
# the provider's wins: a line that may not be billed is owed by nobody.
BILLING_REASONS = frozenset(
    {
        ReasonCode.DUPLICATE.value,
        ReasonCode.UNKNOWN_ITEM.value,
        ReasonCode.NOT_IN_AGREEMENT.value,
        ReasonCode.NO_AGREEMENT.value,
        ReasonCode.AGREEMENT_EXPIRED.value,
        ReasonCode.SUBMITTED_LATE.value,
        ReasonCode.FUTURE_DATE.value,
        ReasonCode.REFERRAL_MISSING.value,
        # the medical advisor judges the care and the bill, not the member's rights
        ReasonCode.NOT_JUSTIFIED.value,
        ReasonCode.MEDICAL_ADVISOR.value,
    }
)


def billing_fault(reasons) -> bool:
    """Whether the provider may not bill a line rejected (or cut) for these reasons."""
    return not BILLING_REASONS.isdisjoint(reasons)


class ReviewReason(models.TextChoices):
    """Why a claim waits for the medical advisor."""

    AMOUNT = "amount", _("amount above the review threshold")
    BENEFICIARY_FREQUENCY = "beneficiary_frequency", _("unusual number of visits")
    PROVIDER_FREQUENCY = "provider_frequency", _("unusual number of claims for this provider")
    SAMPLE = "sample", _("random sample")
    ADJUSTED = "adjusted", _("a line was adjusted")


def joined(codes) -> str:
    """Reason codes as stored in one column."""
    return ",".join(codes)


def split(stored: str) -> tuple[str, ...]:
    return tuple(code for code in stored.split(",") if code)


def labels(stored: str, vocabulary=ReasonCode) -> list[str]:
    """The translated labels of stored codes."""
    return [str(vocabulary(code).label) for code in split(stored)]
