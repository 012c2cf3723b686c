"""Claiming, the FHIR way (OpenHIE "claiming"): a Claim in, a ClaimResponse out (domain-rules.md
§5–8).

A provider's software sends one invoice as a Claim; `claims.services.claims_submit`, the one
way claims come in (a clerk's screen, an Excel batch), checks, adjudicates and saves it. The
ClaimResponse says for each item, in HL7's adjudication categories as FHIR means them, what was
`submitted` (asked), what is `eligible` (what the provider may bill: the amount asked less what
is above the tariff or may not be billed at all), the `copay`, the rate (`eligpercent`) and the
`benefit` the mutual pays; the provider's loss is submitted − eligible, and what the member owes
is eligible − benefit (the co-payment and whatever is beyond a limit). Then the outcome and why
(claims.choices.ReasonCode).

How a Claim maps onto a claim of ours:
- `identifier[0].value`: the provider's own invoice number;
- `patient`: `Patient/<member number>` or an identifier (member number, scanned card);
- `provider`: `Organization/<provider code>`, one the user bills for;
- `billablePeriod`: the dates of care (else those of the items);
- `priority` `stat`: an emergency; a `referral`: a referral; otherwise a normal visit;
- `diagnosis[0]`: an ICD-10 code;
- `insurance[0].preAuthRef[0]`: the number of a guarantee letter;
- each `item`: `productOrService` (an act or medicine of the national list), `quantity`,
  `unitPrice` (or `net`), `servicedDate`. Amounts are whole amounts of the mutual's currency.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.claim import Claim as FhirClaim
from fhir.resources.R4B.claimresponse import ClaimResponse

from mutualis.claims.choices import Channel, ClaimStatus, Outcome, ReasonCode, VisitType, split
from mutualis.claims.models import Claim, ClaimLine
from mutualis.claims.queries import member_lookup_prefix
from mutualis.claims.services import ClaimInput, LineInput, Submission, claims_submit
from mutualis.core.bounds import check_care_date
from mutualis.interop import codes, inputs
from mutualis.interop.eligibility import STATUSES, concept, money
from mutualis.interop.outcomes import FhirError, Valid, issue, refusal, valid
from mutualis.interop.references import member_named, missing, provider_named
from mutualis.interop.resources import organisation_reference

RESOURCE = "Claim"
# A guarantee letter's number is a positive integer of the database (below 2^31).
LETTER_DIGITS = 9
# claims_submit's fields, and the Claim's elements they come from
ELEMENTS = {
    "member_number": "patient",
    "provider_code": "provider",
    "provider_reference": "identifier",
    "service_from": "billablePeriod.start",
    "service_to": "billablePeriod.end",
    "visit_type": "priority",
    "diagnosis": "diagnosis",
    "lines": "item",
    "letter_number": "insurance.preAuthRef",
}
LINE_ELEMENTS = {
    "item_code": "productOrService",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "service_date": "servicedDate",
}


def bad(code: str, diagnostics: str, element: str) -> FhirError:
    return refusal(RESOURCE, code, diagnostics, element)


def a_day(value, element: str) -> datetime.date | None:
    return inputs.day(RESOURCE, element, value, check_care_date)


def item_code(item, index: int) -> str:
    """The act or medicine an item names: a code of our list, else the first code given (an
    unknown code is then rejected on its line, so that the provider is told)."""
    codings = item.productOrService.coding or []
    ours = [c.code for c in codings if c.system == codes.MEDICAL_ITEM and c.code]
    given = ours or [c.code for c in codings if c.code]
    if not given:
        raise bad(
            "required",
            _("The code of the act or medicine is required."),
            f"item[{index}].productOrService",
        )
    element = f"item[{index}].productOrService"
    return inputs.text(RESOURCE, element, given[0], ClaimLine, "item_code").strip().upper()


def whole(value, element: str) -> int | None:
    return inputs.whole(RESOURCE, element, value)


def line_of(item, index: int, service_from: datetime.date | None) -> LineInput:
    at = f"item[{index}]"
    quantity = whole(item.quantity.value, f"{at}.quantity.value") if item.quantity else 1
    unit_price = whole(item.unitPrice.value, f"{at}.unitPrice.value") if item.unitPrice else None
    if unit_price is None and item.net is not None:
        net = whole(item.net.value, f"{at}.net.value")
        if net is not None and quantity and net % quantity == 0:
            unit_price = net // quantity
    if unit_price is None:
        raise bad("required", _("The unit price is required."), f"{at}.unitPrice")
    return LineInput(
        item_code(item, index),
        quantity if quantity is not None else 1,
        unit_price,
        a_day(item.servicedDate, f"{at}.servicedDate") or service_from,
    )


def read_claim(resource: FhirClaim) -> ClaimInput:
    """What a Claim validated by the R4B model asks to be paid, as claims_submit takes it;
    FhirError 400 for what the model lets through but a claim of ours cannot do without."""
    if resource.status not in STATUSES:
        raise bad(
            "code-invalid", _("Unknown status: %(code)s.") % {"code": resource.status}, "status"
        )
    if resource.use != "claim":
        raise bad(
            "not-supported",
            _("Only claims are taken, not pre-authorisations or predeterminations."),
            "use",
        )
    number, problem = member_named(RESOURCE, resource.patient)
    if problem is not None:
        raise bad("value", str(codes.CARD_PROBLEMS[problem]), "patient.identifier.value")
    provider = provider_named(RESOURCE, "provider", resource.provider)
    if provider is None:
        raise bad("value", _("The provider must be Organization/<provider code>."), "provider")
    reference = next((i.value for i in resource.identifier or [] if i.value), None)
    if reference is None:
        raise bad(
            "required", _("The provider's invoice number is required as identifier."), "identifier"
        )
    inputs.text(RESOURCE, "identifier", reference, Claim, "provider_reference")
    if not resource.item:
        raise missing(RESOURCE, "item")
    days = [
        a_day(item.servicedDate, f"item[{index}].servicedDate")
        for index, item in enumerate(resource.item)
        if item.servicedDate is not None
    ]
    period = resource.billablePeriod
    start = a_day(period.start, "billablePeriod.start") if period else None
    end = a_day(period.end, "billablePeriod.end") if period else None
    start = start or min(days, default=None)
    if start is None:
        raise bad("required", _("The dates of care are required."), "billablePeriod.start")
    end = end or max(days, default=None)
    return ClaimInput(
        member_number=number.strip().upper(),
        provider_code=provider,
        provider_reference=reference,
        service_from=start,
        service_to=end,
        lines=tuple(line_of(item, index, start) for index, item in enumerate(resource.item)),
        visit_type=visit_type(resource),
        diagnosis=diagnosis(resource),
        letter_number=letter_number(resource),
    )


def visit_type(resource: FhirClaim) -> str:
    if resource.referral is not None:
        return VisitType.REFERRAL
    if any(c.code == "stat" for c in resource.priority.coding or []):
        return VisitType.EMERGENCY
    return VisitType.NORMAL


def diagnosis(resource: FhirClaim) -> str:
    for entry in resource.diagnosis or []:
        concept_ = entry.diagnosisCodeableConcept
        for coding in (concept_.coding or []) if concept_ else []:
            if coding.system == codes.ICD_10 and coding.code:
                code = inputs.text(RESOURCE, "diagnosis", coding.code, Claim, "diagnosis")
                return code.strip().upper()
    return ""


def letter_number(resource: FhirClaim) -> int | None:
    for index, insurance in enumerate(resource.insurance or []):
        for given in insurance.preAuthRef or []:
            if not given.strip().isdigit() or len(given.strip()) > LETTER_DIGITS:
                raise bad(
                    "value",
                    _("A guarantee letter is named by its number."),
                    f"insurance[{index}].preAuthRef",
                )
            return int(given)
    return None


def element_of(field: str) -> str:
    """The Claim's element that one of claims_submit's fields came from."""
    if field.startswith("lines."):
        _lines, index, name = field.split(".")
        return f"item[{index}].{LINE_ELEMENTS.get(name, name)}"
    return ELEMENTS.get(field, field)


def submission_issues(errors: dict[str, list[str]]) -> list[dict]:
    return [
        issue("invalid", message, f"{RESOURCE}.{element_of(field)}")
        for field, messages in errors.items()
        for message in messages
    ]


def submit(resource: FhirClaim, data: dict, user) -> Valid:
    """Submits the claim as `user`; the ClaimResponse, or FhirError 400 with claims_submit's
    errors (a provider the user may not bill for among them) on the elements they concern."""
    claim = read_claim(resource)
    submission: Submission = claims_submit(
        [claim], channel=Channel.FHIR, actor=user, scope_prefix=member_lookup_prefix(user)
    )
    if not submission.saved:
        raise FhirError(400, submission_issues(submission.errors[0]))
    (saved,) = submission.claims
    found = Claim.objects.select_related("beneficiary", "mutual", "provider").get(pk=saved.pk)
    sequences = [item.sequence for item in resource.item]
    return claim_response(found, list(saved.lines.all()), sequences, data)


def outcome_of(claim: Claim, lines) -> str:
    if claim.status == ClaimStatus.IN_REVIEW:
        return "queued"  # decided provisionally: the medical advisor has the last word
    outcomes = {line.outcome for line in lines}
    if outcomes == {Outcome.APPROVED}:
        return "complete"
    if outcomes == {Outcome.REJECTED}:
        return "error"
    return "partial"


def percent(basis_points: int) -> int | float:
    """Basis points as a percentage, a whole number when it is one (80, not 80.0)."""
    return basis_points // 100 if basis_points % 100 == 0 else basis_points / 100


def adjudications(line, currency: str) -> list[dict]:
    """What was asked, what is eligible, the co-payment, the rate and what the mutual pays,
    then the line's outcome with each reason for it."""
    found = [
        {
            "category": concept(codes.HL7_ADJUDICATION, "submitted"),
            "amount": money(line.asked, currency),
        },
        {
            "category": concept(codes.HL7_ADJUDICATION, "eligible"),
            "amount": money(line.asked - line.provider_loss, currency),
        },
        {
            "category": concept(codes.HL7_ADJUDICATION, "copay"),
            "amount": money(line.copay, currency),
        },
        {
            "category": concept(codes.HL7_ADJUDICATION, "eligpercent"),
            "value": percent(line.rate_bp),
        },
        {
            "category": concept(codes.HL7_ADJUDICATION, "benefit"),
            "amount": money(line.mutual_share, currency),
        },
    ]
    outcome = concept(codes.CLAIM_OUTCOME, line.outcome, Outcome(line.outcome).label)
    reasons = split(line.reasons)
    if not reasons:
        found.append({"category": outcome})
    for code in reasons:
        found.append(
            {"category": outcome, "reason": concept(codes.REASON, code, ReasonCode(code).label)}
        )
    return found


def claim_response(claim: Claim, lines, sequences: list[int], data: dict) -> Valid:
    currency = claim.mutual.currency
    amount = {
        "paid": formats.number_format(claim.mutual_share, force_grouping=True),
        "member": formats.number_format(claim.member_share, force_grouping=True),
        "loss": formats.number_format(claim.provider_loss, force_grouping=True),
        "currency": currency,
    }
    disposition = (
        _(
            "%(paid)s %(currency)s paid by the mutual, %(member)s %(currency)s owed by the "
            "member, %(loss)s %(currency)s not billable by the provider."
        )
        % amount
    )
    if claim.status == ClaimStatus.IN_REVIEW:
        disposition += " " + _("Waiting for the medical advisor, who may change it.")
    return valid(
        ClaimResponse,
        {
            "resourceType": "ClaimResponse",
            "identifier": [{"system": codes.CLAIM_UID, "value": str(claim.uid)}],
            "status": "active",
            "type": data["type"],
            "use": "claim",
            "patient": {"reference": f"Patient/{claim.beneficiary.member_number}"},
            "created": timezone.localtime().isoformat(timespec="seconds"),
            "insurer": organisation_reference(claim.mutual),
            "requestor": {"reference": f"Organization/{claim.provider.code}"},
            "request": {"identifier": data["identifier"][0]},
            "outcome": outcome_of(claim, lines),
            "disposition": disposition,
            "item": [
                {"itemSequence": sequence, "adjudication": adjudications(line, currency)}
                for sequence, line in zip(sequences, lines, strict=True)
            ],
            "total": [
                {
                    "category": concept(codes.HL7_ADJUDICATION, code),
                    "amount": money(value, currency),
                }
                for code, value in (
                    ("submitted", claim.asked),
                    ("eligible", claim.asked - claim.provider_loss),
                    ("copay", claim.copay),
                    ("benefit", claim.mutual_share),
                )
            ],
        },
    )
