"""Demo reports: the mutuals that record no operations in Mutualis (no household enrolled) report
their figures month by month, as a mutual keeping its registers on paper does. Each has the
twelve months before the current one: most accepted by the union, some submitted late (after the
15th of the next month), one or two months missing, one returned with a comment, the last month
waiting for the union; one mutual's last quarter is alarming (claims above the contributions
earned, under 60 % of the contributions due collected). Each has its target population.

Written in bulk with the events the services append (monitoring.events), submitted and decided
by an officer of the nearest union above the mutual on its behalf (the demo gives the mutuals
without operations no staff), then the figures are worked out for them."""

import datetime
import random

from django.utils import timezone

from mutualis.core.demo import Demo
from mutualis.core.events import NewEvent, append_all
from mutualis.core.models import Event
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Role
from mutualis.monitoring import compute, events
from mutualis.monitoring.models import Report, TargetPopulation
from mutualis.monitoring.rules import report_errors

CONTRIBUTION = 7000  # a beneficiary's contribution a year (the CMU's)
RETURN_COMMENT = (
    "Les visites déclarées ne correspondent pas aux factures reçues des postes de santé : "
    "vérifiez le registre et transmettez à nouveau."
)
SOURCE = "RGPH-5 (ANSD), projection communale"


def month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    """The `count` months before the current one, oldest first."""
    index = today.year * 12 + today.month - 1
    return [datetime.date((index - i) // 12, (index - i) % 12 + 1, 1) for i in range(count, 0, -1)]


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def month_figures(
    rng: random.Random, members: int, month: datetime.date, alarming: bool
) -> dict[str, int]:
    """A month's figures of a mutual of `members`, consistent with the report's checks."""
    beneficiaries = members * rng.randint(4, 6)
    due = beneficiaries * CONTRIBUTION // 12
    collected = due * rng.randint(70, 105) // 100
    earned = due * rng.randint(90, 100) // 100
    visits = max(1, beneficiaries * rng.randint(3, 7) // 100)
    incurred = visits * rng.randint(2500, 4200)
    if alarming:
        collected = due * rng.randint(40, 55) // 100
        incurred = earned * rng.randint(115, 140) // 100
    submitted = visits + rng.randint(0, 3)
    operating = earned * rng.randint(10, 18) // 100
    figures = {
        "members": members,
        "beneficiaries": beneficiaries,
        "dependants": beneficiaries - members,
        "women_members": members * rng.randint(40, 55) // 100,
        "young_members": members * rng.randint(20, 35) // 100,
        "beneficiaries_up_to_date": beneficiaries * rng.randint(55, 90) // 100,
        "contributions_due": due,
        "contributions_collected": collected,
        "contributions_earned": earned,
        "registration_fees": rng.randint(0, 6) * 1000,
        "claims_submitted": submitted,
        "claims_rejected": rng.randint(0, submitted // 10),
        "visits": visits,
        "benefits_incurred": incurred,
        "operating_expenses": operating,
        "total_expenses": operating + incurred,
        "cash": due * rng.randint(20, 60) // 10,
        "short_term_liabilities": due * rng.randint(2, 8) // 10,
    }
    if month.month == 3:  # the general assembly meets in March
        figures["contributing_members"] = members
        figures["assembly_participants"] = members * rng.randint(35, 70) // 100
        figures["officers"] = 9
        figures["officers_renewed"] = rng.randint(2, 5)
    return figures


def officers_by_path() -> dict[str, User]:
    """A union officer of each union that has one, by the union's path."""
    found: dict[str, User] = {}
    for user in (
        User.objects.filter(role_grants__role=Role.UNION_OFFICER, is_active=True)
        .select_related("organisation")
        .order_by("pk")
    ):
        if user.organisation is not None:
            found.setdefault(user.organisation.path, user)
    return found


def nearest_officer(mutual: Organisation, officers: dict[str, User]) -> User | None:
    parts = mutual.path.strip("/").split("/")[:-1]
    for depth in range(len(parts), 0, -1):
        user = officers.get("/" + "/".join(parts[:depth]) + "/")
        if user is not None:
            return user
    return None


def without_operations() -> list[Organisation]:
    """The mutuals whose log tells of no household enrolled."""
    operated = set(
        Event.objects.filter(kind="household.enrolled")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    return [
        mutual
        for mutual in Organisation.objects.filter(kind=Organisation.Kind.MUTUAL).order_by("pk")
        if mutual.pk not in operated
    ]


def add_arguments(parser) -> None:
    """No option of its own: the reports follow the mutuals the other generators leave
    without operations."""


def has_data() -> bool:
    return Report.objects.exists()


def generate(demo: Demo) -> None:
    demo.events.flush()  # the operations' events first: they tell which mutuals have any
    today = demo.made.get("today") or timezone.localdate()
    mutuals = without_operations()
    officers = officers_by_path()
    fallback = demo.made.get("users", {}).get("officer") or next(iter(officers.values()), None)
    if not mutuals or fallback is None:
        demo.log("Reports: every mutual records its operations here; no report to make.")
        return
    months = month_starts(today, 12)
    rng = demo.rng
    reports: list[Report] = []
    targets: list[TargetPopulation] = []
    logs: dict[int, list[tuple[datetime.datetime, NewEvent]]] = {}
    actors: dict[int, User] = {}
    alarming = mutuals[len(mutuals) // 2]
    for index, mutual in enumerate(mutuals):
        officer = nearest_officer(mutual, officers) or fallback
        actors[mutual.pk] = officer
        log = logs.setdefault(mutual.pk, [])
        members = rng.randint(80, 600)
        for position, month in enumerate(months):
            members += rng.randint(-3, 8)
            if index < 2 and position == 4 + index:  # a month the mutual never reported
                continue
            last = position == len(months) - 1
            figures = month_figures(
                rng, members, month, alarming=mutual == alarming and position >= len(months) - 3
            )
            assert report_errors(figures) == [], (mutual.code, month, report_errors(figures))
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            late = rng.random() < 0.15 and not last
            day = following.replace(day=rng.randint(16, 27) if late else rng.randint(3, 15))
            submitted_at = min(at(day, rng.randint(8, 17)), timezone.now())
            report = Report(
                mutual=mutual,
                month=month,
                figures=figures,
                status=Report.Status.SUBMITTED,
                submitted_at=submitted_at,
                submitted_by=officer,
            )
            log.append((submitted_at, events.report_submitted(report, on_behalf=True)))
            decided_at = min(
                submitted_at + datetime.timedelta(days=rng.randint(1, 6)), timezone.now()
            )
            if index == 0 and position == len(months) - 2:
                report.status, report.comment = Report.Status.RETURNED, RETURN_COMMENT
            elif not last:
                report.status = Report.Status.ACCEPTED
            if report.status != Report.Status.SUBMITTED:
                report.decided_at, report.decided_by = decided_at, officer
                kind = (
                    events.REPORT_ACCEPTED
                    if report.status == Report.Status.ACCEPTED
                    else events.REPORT_RETURNED
                )
                log.append((decided_at, events.report_decided(report, kind)))
            reports.append(report)
        population = members * rng.randint(4, 6) * rng.randint(4, 10)
        for year in sorted({months[0].year, today.year}):
            target = TargetPopulation(
                mutual=mutual, year=year, population=population, source=SOURCE
            )
            targets.append(target)
            log.append(
                (
                    at(datetime.date(year, 1, 15), 9),
                    events.target_population_set(target, mutual.uid),
                )
            )
            population = population * 103 // 100
    Report.objects.bulk_create(reports, batch_size=500)
    TargetPopulation.objects.bulk_create(targets, batch_size=500)
    for mutual_id, log in logs.items():
        log.sort(key=lambda item: item[0])
        append_all(mutual_id, [event for _at, event in log], actors[mutual_id])
    compute.refresh([mutual.pk for mutual in mutuals], today)
    accepted = sum(report.status == Report.Status.ACCEPTED for report in reports)
    demo.log(
        f"Reports: {len(reports)} monthly reports of {len(mutuals)} mutuals without operations "
        f"({accepted} accepted), {len(targets)} target populations."
    )
