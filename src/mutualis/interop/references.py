"""How requests name our patients and providers: `Patient/<member number>` or an identifier
(a member number, a scanned card), `Organization/<provider code>` or an identifier."""

from django.utils.translation import gettext as _

from mutualis.core.signing import read_card
from mutualis.interop import codes, inputs
from mutualis.interop.outcomes import FhirError, refusal
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Provider


def missing(resource: str, element: str) -> FhirError:
    return refusal(
        resource,
        "required",
        _("%(element)s is required.") % {"element": f"{resource}.{element}"},
        element,
    )


def referenced_id(reference: str, resource_type: str) -> str | None:
    """The id in `Patient/<id>` or `https://…/Patient/<id>`, when of that type."""
    kind, _slash, found = reference.rstrip("/").rpartition("/")
    if kind == resource_type or kind.endswith("/" + resource_type):
        return found or None
    return None


def member_named(resource: str, patient, element: str = "patient") -> tuple[str | None, str | None]:
    """(member number, card problem) from a resource's patient: `Patient/<member number>`, or
    an identifier that is a member number or a scanned card (core.signing)."""
    if patient is None:
        # The R4B models take `null` for a required element that is not a primitive.
        raise missing(resource, element)
    if patient.reference:
        number = referenced_id(patient.reference, "Patient")
        if number is None:
            raise refusal(
                resource,
                "value",
                _("The patient must be Patient/<member number>."),
                f"{element}.reference",
            )
        inputs.text(resource, f"{element}.reference", number, Beneficiary, "member_number")
        return number, None
    identifier = patient.identifier
    if identifier is not None and identifier.value:
        if identifier.system == codes.MEMBER_NUMBER:
            at = f"{element}.identifier.value"
            return inputs.text(resource, at, identifier.value, Beneficiary, "member_number"), None
        if identifier.system == codes.MEMBER_CARD:
            card = read_card(identifier.value)
            return (card.member_number, None) if card.valid else (None, card.problem)
        raise refusal(
            resource,
            "code-invalid",
            _("Unknown identifier system: use %(number)s or %(card)s.")
            % {"number": codes.MEMBER_NUMBER, "card": codes.MEMBER_CARD},
            f"{element}.identifier.system",
        )
    raise refusal(
        resource,
        "required",
        _("The patient is required: a reference Patient/<member number> or an identifier."),
        element,
    )


def provider_named(resource: str, element: str, reference) -> str | None:
    """The provider code a reference names: `Organization/<code>` or an identifier of our
    provider codes; None for anything else (a practitioner, another system's identifier)."""
    if reference is None:
        return None
    code = None
    if reference.reference:
        code, element = referenced_id(reference.reference, "Organization"), f"{element}.reference"
    elif reference.identifier is not None and reference.identifier.system == codes.PROVIDER_CODE:
        code, element = reference.identifier.value, f"{element}.identifier.value"
    return code and inputs.text(resource, element, code, Provider, "code")
