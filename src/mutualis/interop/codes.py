"""The names Mutualis gives things in FHIR: identifier systems, code systems and extensions.

Each URI is defined once here and documented in docs/fhir.md; partners store them, so they never
change. Codes are the stable strings of the models' choices (ReasonCode, ServiceCategory…),
their displays the translated labels.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import ServiceCategory

BASE = "https://mutualis.org/fhir"

# Identifier systems
MEMBER_NUMBER = f"{BASE}/sid/member-number"  # Beneficiary.member_number: Patient and Coverage ids
MEMBER_CARD = f"{BASE}/sid/member-card"  # the text of a card's QR code, as scanned
PROVIDER_CODE = f"{BASE}/sid/provider-code"  # Provider.code: Organization ids
ORGANISATION_UID = f"{BASE}/sid/organisation"  # mutuals and unions, named by their uid
CLAIM_UID = f"{BASE}/sid/claim"  # a claim of ours, named by its uid

# Code systems
REASON = f"{BASE}/CodeSystem/reason"  # claims.choices.ReasonCode
SERVICE_CATEGORY = f"{BASE}/CodeSystem/service-category"  # benefits.choices.ServiceCategory
LEVEL_OF_CARE = f"{BASE}/CodeSystem/level-of-care"  # benefits.choices.LevelOfCare
PROVIDER_KIND = f"{BASE}/CodeSystem/provider-kind"  # providers.rules.ProviderKind
CARD_PROBLEM = f"{BASE}/CodeSystem/card-problem"  # core.signing's problems, below
BENEFIT_TYPE = f"{BASE}/CodeSystem/benefit-type"  # what HL7's benefit types cannot say exactly
MEDICAL_ITEM = f"{BASE}/CodeSystem/medical-item"  # providers.models.MedicalItem.code
CLAIM_OUTCOME = f"{BASE}/CodeSystem/claim-outcome"  # claims.choices.Outcome

# Extensions
COVERAGE_REASON = f"{BASE}/StructureDefinition/coverage-reason"

# HL7's own
HL7_BENEFIT_TYPE = "http://terminology.hl7.org/CodeSystem/benefit-type"
HL7_BENEFIT_TERM = "http://terminology.hl7.org/CodeSystem/benefit-term"
HL7_BENEFIT_CATEGORY = "http://terminology.hl7.org/CodeSystem/ex-benefitcategory"
HL7_COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
HL7_SUBSCRIBER_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
HL7_ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
HL7_ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
HL7_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ICD_10 = "http://hl7.org/fhir/sid/icd-10"

CARD_PROBLEMS = {
    "unsigned": _("the card's code carries no signature"),
    "forged": _("the card's signature is wrong: the card was not made by the mutual"),
    "malformed": _("not the code of a member card"),
}

# HL7's example benefit categories (ex-benefitcategory) that name ours, so that a client that
# only knows them (HL7's own example asks about "69 Maternity") still gets an answer.
HL7_CATEGORIES: dict[str, tuple[str, ...]] = {
    "2": (ServiceCategory.SURGERY,),
    "3": (ServiceCategory.CONSULTATION,),
    "4": (ServiceCategory.IMAGING,),
    "5": (ServiceCategory.LABORATORY,),
    "23": (ServiceCategory.DENTAL,),
    "24": (ServiceCategory.DENTAL,),
    "26": (ServiceCategory.DENTAL,),
    "27": (ServiceCategory.DENTAL,),
    "35": (ServiceCategory.DENTAL,),
    "36": (ServiceCategory.DENTAL,),
    "37": (ServiceCategory.DENTAL,),
    "49": (ServiceCategory.HOSPITALISATION,),
    "62": (ServiceCategory.IMAGING,),
    "69": (ServiceCategory.ANTENATAL_CARE, ServiceCategory.CHILDBIRTH, ServiceCategory.CAESAREAN),
    "F3": (ServiceCategory.DENTAL,),
    "F6": (ServiceCategory.OPTICAL,),
}
