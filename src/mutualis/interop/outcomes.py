"""Answers of the FHIR API: resources as `application/fhir+json`, and refusals as an
OperationOutcome whose issues say what is wrong and where (FHIRPath of the element)."""

import json
from dataclasses import dataclass
from typing import Any

import pydantic_core
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from fhir.resources.R4B.operationoutcome import OperationOutcome
from pydantic import ValidationError

FHIR_JSON = "application/fhir+json; charset=utf-8"


@dataclass(frozen=True)
class Valid:
    """A FHIR element of an answer as JSON and, where answers are checked
    (settings.FHIR_CHECK_ANSWERS), the R4B model that validated it. Larger elements are built
    from smaller ones: the model goes into the larger model, which pydantic takes as it is
    (validating an element costs tens of microseconds, and an eligibility answer has over a
    hundred), and the JSON into the answer. Elements that never change are built once."""

    json: Any
    model: Any  # None where answers are not checked


def _side(value, side: str):
    if isinstance(value, Valid):
        return getattr(value, side)
    if isinstance(value, dict):
        return {key: _side(item, side) for key, item in value.items()}
    if isinstance(value, list):
        return [_side(item, side) for item in value]
    return value


def valid(model_class, data: dict) -> Valid:
    """`data`, an element of an answer of type `model_class`, validated by that model where
    answers are checked; `data` may hold elements built already."""
    if not settings.FHIR_CHECK_ANSWERS:
        return Valid(_side(data, "json"), None)
    return Valid(_side(data, "json"), model_class.model_validate(_side(data, "model")))


def fhir_response(data: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    # pydantic's serialiser writes compact UTF-8 JSON, as json.dumps(ensure_ascii=False,
    # separators=(",", ":")) does, in a twelfth of the time
    body = pydantic_core.to_json(data)
    return HttpResponse(body, status=status, content_type=FHIR_JSON, headers=headers)


def issue(code: str, diagnostics: str, expression: str | None = None) -> dict:
    """One issue of an OperationOutcome; `code` is from HL7's issue types (required,
    structure, value, not-found, forbidden…)."""
    found = {"severity": "error", "code": code, "diagnostics": str(diagnostics)}
    if expression:
        found["expression"] = [expression]
    return found


class FhirError(Exception):
    """A request answered with an OperationOutcome instead of what it asked for."""

    def __init__(self, status: int, issues: list[dict], headers: dict | None = None):
        super().__init__(issues)
        self.status = status
        self.issues = issues
        self.headers = headers

    def response(self) -> HttpResponse:
        outcome = valid(
            OperationOutcome, {"resourceType": "OperationOutcome", "issue": self.issues}
        )
        return fhir_response(outcome.json, self.status, self.headers)


def refusal(resource: str, code: str, diagnostics: str, element: str) -> FhirError:
    """A 400 whose issue names an element of the resource sent."""
    return FhirError(400, [issue(code, diagnostics, f"{resource}.{element}")])


def element_path(resource_type: str, location: tuple) -> str:
    """A pydantic error location as FHIRPath: ('item', 0, 'category') →
    `CoverageEligibilityRequest.item[0].category`."""
    path = resource_type
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validation_issues(error: ValidationError, resource_type: str) -> list[dict]:
    """The issues of an R4B model's refusal, one per element, in the user's language."""
    issues = []
    for problem in error.errors():
        path = element_path(resource_type, problem["loc"])
        kind = problem["type"]
        # fhir.resources reports a missing primitive (`created`) apart, once the rest is valid
        if kind in ("missing", "model_field_validation.missing"):
            issues.append(
                issue("required", _("%(element)s is required.") % {"element": path}, path)
            )
        elif kind == "extra_forbidden":
            issues.append(
                issue(
                    "structure",
                    _("%(element)s is not an element of %(resource)s.")
                    % {"element": path, "resource": resource_type},
                    path,
                )
            )
        else:
            issues.append(
                issue(
                    "value",
                    _("%(element)s is not valid: %(detail)s")
                    % {"element": path, "detail": problem["msg"]},
                    path,
                )
            )
    return issues


def parse_resource(body: bytes, model_class) -> tuple[Any, dict]:
    """The request's body as a resource of `model_class`, validated by the R4B model in full,
    and as JSON; FhirError 400 when it is not JSON, not of that type, or not a valid one."""
    resource_type = model_class.get_resource_type()
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise FhirError(
            400,
            [issue("structure", _("The body is not JSON: %(detail)s") % {"detail": error})],
        ) from None
    except RecursionError:
        raise FhirError(400, [issue("too-costly", _("The body is nested too deeply."))]) from None
    if not isinstance(data, dict) or data.get("resourceType") != resource_type:
        found = data.get("resourceType") if isinstance(data, dict) else None
        raise FhirError(
            400,
            [
                issue(
                    "invalid",
                    _("Expected a %(expected)s resource, not %(found)s.")
                    % {"expected": resource_type, "found": found or _("something else")},
                    "resourceType",
                )
            ],
        )
    try:
        return model_class.model_validate(data), data
    except RecursionError:
        raise FhirError(400, [issue("too-costly", _("The body is nested too deeply."))]) from None
    except ValidationError as error:
        raise FhirError(400, validation_issues(error, resource_type)) from None
