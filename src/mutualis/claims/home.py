"""Claims' panels of a home: the eligibility check first for the provider's clerk with the
month's claims of their provider; the medical advisor's queue, their week's decisions and the
providers whose claims are most often adjusted; the claims waiting for the manager; and each
mutual's claims of the month for its union."""

import datetime

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from mutualis.claims import queries
from mutualis.claims.choices import ClaimStatus, Outcome
from mutualis.claims.forms import EligibilityForm
from mutualis.claims.models import Claim, ClaimLine
from mutualis.core.access import scoped
from mutualis.core.home import Figure, Panel, by_mutual
from mutualis.core.money import ratio
from mutualis.core.periods import PeriodUnit, period_start
from mutualis.federation.rules import CLAIM_REVIEWERS, Role

LISTED = 8
# the advisor's look back at providers, and the fewest lines that make a provider's rate tell
LOOK_BACK_DAYS = 90
FEWEST_LINES = 20
PROVIDERS_SHOWN = 5


def eligibility_check(request, today: datetime.date) -> dict | None:
    providers = queries.acting_providers(request.user)
    if not providers.exists():
        return None
    form = EligibilityForm(
        providers=providers, initial={"on": today, "provider": providers.first()}
    )
    return {"form": form}


def provider_month(request, today: datetime.date) -> dict | None:
    """The month's claims of the clerk's provider(s) and what became of them."""
    if not queries.works_at_a_provider(request.user):
        return None
    claims = queries.claims_visible(request.user).filter(
        submitted_on__gte=period_start(today, PeriodUnit.MONTH), submitted_on__lte=today
    )
    figures = claims.aggregate(
        count=Count("pk"),
        waiting=Count("pk", filter=Q(status=ClaimStatus.IN_REVIEW)),
        asked=Sum("asked"),
        paid=Sum("mutual_share"),
        member=Sum("member_share"),
        loss=Sum("provider_loss"),
    )
    currencies = set(claims.values_list("mutual__currency", flat=True).distinct()[:2])
    return {
        "month": period_start(today, PeriodUnit.MONTH),
        "figures": figures,
        "currency": currencies.pop() if len(currencies) == 1 else "",
        "last": claims.select_related("beneficiary")[:LISTED],
    }


def waiting_claims(request, today: datetime.date) -> dict:
    queue = queries.review_queue(request.user)
    found = queue.aggregate(count=Count("pk"), oldest=Min("submitted_on"))
    return {
        "count": found["count"],
        "oldest": found["oldest"],
        "days": (today - found["oldest"]).days if found["oldest"] else 0,
        "can_review": request.user.has_any_role(CLAIM_REVIEWERS),
    }


def medical_review(request, today: datetime.date) -> dict:
    week = today - datetime.timedelta(days=today.weekday())
    decided = scoped(Claim.objects.all(), request.user).filter(
        reviewed_at__date__gte=week, reviewed_by__isnull=False
    )
    lines = (
        scoped(ClaimLine.objects.all(), request.user)
        .filter(claim__submitted_on__gt=today - datetime.timedelta(days=LOOK_BACK_DAYS))
        .values("claim__provider_id", "claim__provider__name")
        .annotate(
            lines=Count("pk"),
            changed=Count("pk", filter=Q(outcome__in=[Outcome.ADJUSTED, Outcome.REJECTED])),
        )
        .filter(lines__gte=FEWEST_LINES)
        .order_by()
    )
    providers = sorted(
        ((ratio(row["changed"], row["lines"]), row) for row in lines if row["changed"]),
        key=lambda pair: -pair[0],
    )[:PROVIDERS_SHOWN]
    return {
        **waiting_claims(request, today),
        "mine": decided.filter(reviewed_by=request.user).count(),
        "all": decided.count(),
        "providers": providers,
        "look_back": LOOK_BACK_DAYS,
    }


def claims_of_month(mutual_ids: list[int], today: datetime.date):
    return Claim.objects.filter(
        mutual_id__in=mutual_ids,
        submitted_on__gte=period_start(today, PeriodUnit.MONTH),
        submitted_on__lte=today,
    )


def month_claims(mutual_ids: list[int], today: datetime.date) -> dict[int, int]:
    return by_mutual(claims_of_month(mutual_ids, today), Count("pk"))


def month_paid(mutual_ids: list[int], today: datetime.date) -> dict[int, int]:
    return by_mutual(claims_of_month(mutual_ids, today), Sum("mutual_share"))


PANELS = [
    Panel("claims/home/eligibility.html", eligibility_check, {Role.PROVIDER_CLERK}, order=0),
    Panel("claims/home/provider_month.html", provider_month, {Role.PROVIDER_CLERK}, order=10),
    Panel("claims/home/review.html", medical_review, {Role.MEDICAL_ADVISOR}, order=10),
    Panel("claims/home/waiting.html", waiting_claims, {Role.MUTUAL_MANAGER}, order=30),
]

MUTUAL_FIGURES = [
    Figure("claims", _("claims this month"), month_claims),
    Figure("paid", _("benefits of the month"), month_paid, kind="amount"),
]
