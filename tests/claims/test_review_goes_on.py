"""The medical advisor reviews one claim after the other: every line's decision is saved,
then the oldest claim still waiting opens, and the queue when none is left."""

import datetime

from mutualis.claims.choices import ClaimStatus, Outcome
from mutualis.claims.models import Claim
from mutualis.federation.rules import Role
from tests.claims.test_pages import (  # noqa: F401  (fixtures)
    TODAY,
    claim_post,
    everything_reviewed,
    paid_up_to_this_year,
)


def enter(client, cast, care, *references):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    for days_ago, reference in enumerate(references, start=1):
        day = (TODAY - datetime.timedelta(days=days_ago)).isoformat()
        lines = (("CS-PS", 1, 1000), ("PARA500", 10, 25))
        post = claim_post(care.moussa, care.post, reference, lines, service_from=day)
        assert client.post("/claims/new/", post).status_code == 302


def decision(claim) -> dict:
    consultation, medicine = claim.lines.order_by("position")
    return {
        f"line_{consultation.pk}-outcome": "approved",
        f"line_{medicine.pk}-outcome": "rejected",
        f"line_{medicine.pk}-reason": "not_justified",
        f"line_{medicine.pk}-comment": "Pas de fièvre notée.",
    }


def test_a_review_saves_every_line_then_opens_the_next_claim_waiting(client, cast, care):
    enter(client, cast, care, "F-A", "F-B", "F-C")
    first, second = (Claim.objects.get(provider_reference=r) for r in ("F-A", "F-B"))
    client.force_login(cast[Role.MEDICAL_ADVISOR])
    client.cookies["django_language"] = "en"  # the messages read in English
    response = client.post(f"/claims/{second.pk}/review/", decision(second))
    second.refresh_from_db()
    assert second.status == ClaimStatus.DECIDED
    outcomes = [(line.outcome, line.comment) for line in second.lines.order_by("position")]
    assert outcomes == [(Outcome.APPROVED, ""), (Outcome.REJECTED, "Pas de fièvre notée.")]
    assert second.mutual_share == 800
    # the oldest waiting: submitted the same day, the first entered
    assert response.status_code == 302 and response.url == f"/claims/{first.pk}/review/"
    page = client.get(response.url)
    assert page.status_code == 200
    said = [str(m) for m in page.context["messages"]][-1]  # after the manager's "recorded"
    assert said == "Review of F-B recorded. Next claim to review: F-A."


def test_the_last_review_goes_back_to_the_queue_saying_it_is_empty(client, cast, care):
    enter(client, cast, care, "F-ONLY")
    claim = Claim.objects.get()
    client.force_login(cast[Role.MEDICAL_ADVISOR])
    client.cookies["django_language"] = "en"  # the messages read in English
    response = client.post(f"/claims/{claim.pk}/review/", decision(claim))
    assert response.status_code == 302 and response.url == "/claims/review/"
    page = client.get(response.url)
    said = [str(m) for m in page.context["messages"]][-1]
    assert said == "Review of F-ONLY recorded. No claim is left to review."
    assert Claim.objects.get().status == ClaimStatus.DECIDED
