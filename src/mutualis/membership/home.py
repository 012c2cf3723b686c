"""The register's panels of a home: the search first for the enrolment agent, the month's
enrolments against the month before, the last households enrolled; and the households and
beneficiaries of each mutual of a union."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.home import Figure, Panel, by_mutual
from mutualis.core.periods import PeriodUnit, period_start
from mutualis.federation.rules import Role
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.queries import households_visible

LAST_ENROLMENTS = 8


def month_and_before(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    this = period_start(today, PeriodUnit.MONTH)
    return this, period_start(this - datetime.timedelta(days=1), PeriodUnit.MONTH)


def search(request, today: datetime.date) -> dict:
    return {}


def enrolments(request, today: datetime.date) -> dict:
    this, before = month_and_before(today)
    households = households_visible(request.user)
    counts = households.aggregate(
        this=Count("pk", filter=Q(enrolled_on__gte=this, enrolled_on__lte=today)),
        before=Count("pk", filter=Q(enrolled_on__gte=before, enrolled_on__lt=this)),
    )
    people = Beneficiary.objects.filter(household__in=households).aggregate(
        this=Count("pk", filter=Q(enrolled_on__gte=this, enrolled_on__lte=today)),
        before=Count("pk", filter=Q(enrolled_on__gte=before, enrolled_on__lt=this)),
    )
    last = (
        households.filter(enrolled_on__lte=today)
        .select_related("mutual")
        .order_by("-enrolled_on", "-pk")[:LAST_ENROLMENTS]
    )
    return {
        "month": this,
        "month_before": before,
        "households": counts,
        "people": people,
        "last": list(last) if request.user.has_any_role({Role.ENROLMENT_AGENT}) else [],
    }


def active_households(mutual_ids: list[int], today: datetime.date) -> dict[int, int]:
    households = Household.objects.filter(mutual_id__in=mutual_ids, enrolled_on__lte=today).filter(
        Q(resigned_on__isnull=True) | Q(resigned_on__gt=today)
    )
    return by_mutual(households, Count("pk"))


def active_beneficiaries(mutual_ids: list[int], today: datetime.date) -> dict[int, int]:
    people = (
        Beneficiary.objects.filter(mutual_id__in=mutual_ids, enrolled_on__lte=today)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .filter(Q(household__resigned_on__isnull=True) | Q(household__resigned_on__gt=today))
    )
    return by_mutual(people, Count("pk"))


PANELS = [
    Panel("membership/home/search.html", search, {Role.ENROLMENT_AGENT}, order=0),
    Panel(
        "membership/home/enrolments.html",
        enrolments,
        {Role.MUTUAL_MANAGER, Role.ENROLMENT_AGENT},
        order=10,
    ),
]

MUTUAL_FIGURES = [
    Figure("households", _("households"), active_households),
    Figure("beneficiaries", _("beneficiaries"), active_beneficiaries),
]
