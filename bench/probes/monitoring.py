"""Run by bench_monitoring.py in a process of its own, against the SQLite database in DATABASE_URL
(the 700-mutual demo federation): logs 24 months of operations in each mutual's log, built by
the apps' own event builders (about 500,000 beneficiaries enrolled, their payments and 2 million
claims), then

1. times the full recomputation of the indicators (`monitoring.compute.recompute`, one process
   reading the logs per processor, as `mutualis recompute-indicators` runs it): every fact and
   figure from the whole log, every level, once;
2. appends one member's payment to a mutual's log at a time, as the service would, and times
   the indicators' consumer bringing that mutual's and every union's figures up to date, in ten
   mutuals.

Leaves the database with its figures for the dashboards to be served from. Prints the figures
as JSON on its last line."""

import datetime
import json
import os
import random
import resource
import statistics
import sys
import time
from types import SimpleNamespace

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualis.claims import events as claim_events  # noqa: E402
from mutualis.contributions import events as contribution_events  # noqa: E402
from mutualis.core.consumers import drain  # noqa: E402
from mutualis.core.events import append_all  # noqa: E402
from mutualis.core.ids import new_uid  # noqa: E402
from mutualis.core.models import EventSequence  # noqa: E402
from mutualis.core.periods import add_months  # noqa: E402
from mutualis.federation.models import Organisation  # noqa: E402
from mutualis.federation.rules import Kind  # noqa: E402
from mutualis.membership import events as register_events  # noqa: E402
from mutualis.monitoring import compute  # noqa: E402
from mutualis.monitoring.consumers import CONSUMERS  # noqa: E402
from mutualis.monitoring.models import Figure  # noqa: E402

(INDICATORS,) = CONSUMERS
MONTHS = 24  # ending with the current month
HOUSEHOLDS = 143  # per mutual, of 5 people on average: about 714 beneficiaries
CLAIMS = 2857  # per mutual: about 2 million
MONTHLY_SHARE = 300  # a beneficiary's contribution for a month
FEE = 1000  # registration fee, with a household's first payment
PAYMENTS_TIMED = 10
D = datetime.date


def month_at(index: int) -> D:
    return D(index // 12, index % 12 + 1, 1)


def day_in(month: D, rng: random.Random, today: D, after: D | None = None) -> D:
    """A day of the month, not after today nor before `after`."""
    last = (month_at(month.year * 12 + month.month) - datetime.timedelta(days=1)).day
    low = (
        after.day
        if after is not None and after.year == month.year and after.month == month.month
        else 1
    )
    high = today.day if (month.year, month.month) == (today.year, today.month) else last
    return month.replace(day=rng.randint(min(low, high), high))


def households(mutual: Organisation, months: list[D], today: D, rng: random.Random, log) -> list:
    """The mutual's households enrolled (most in the first quarter), some of their dependants
    leaving, a few households resigning."""
    package = str(new_uid())
    made = []
    for number in range(HOUSEHOLDS):
        month = rng.choice(months[:3]) if rng.random() < 0.7 else rng.choice(months)
        enrolled_on = day_in(month, rng, today)
        home = SimpleNamespace(
            uid=new_uid(),
            number=f"{mutual.code}-{number:05d}",
            enrolled_on=enrolled_on,
            resigned_on=None,
            resignation_reason="moved away",
            size=1 + rng.randint(2, 6),
            monthly=rng.random() < 1 / 3,
        )
        people = [
            SimpleNamespace(
                uid=new_uid(),
                household=home,
                member_number=f"{mutual.code}-{number:05d}-{position:02d}",
                relationship="head" if position == 0 else rng.choice(["spouse", "child", "child"]),
                category="adult" if position < 2 else "child",
                sex=rng.choice("FM"),
                birth_date=D(rng.randint(1950, 2024), rng.randint(1, 12), rng.randint(1, 28)),
                enrolled_on=enrolled_on,
                left_on=None,
            )
            for position in range(home.size)
        ]
        log(enrolled_on, register_events.enrolled(home, package, people))
        span = (today - enrolled_on).days
        for person in people[1:]:
            if span > 1 and rng.random() < 0.05:
                person.left_on = enrolled_on + datetime.timedelta(days=rng.randint(1, span))
                log(person.left_on, register_events.left(person))
        if span > 1 and rng.random() < 0.03:
            home.resigned_on = enrolled_on + datetime.timedelta(days=rng.randint(1, span))
            log(home.resigned_on, register_events.resigned(home))
        made.append((home, people))
    return made


def payment(home, received_on: D, period_start: D, share: int, fee: int, number: int):
    row = SimpleNamespace(
        uid=new_uid(),
        receipt_number=f"{received_on.year}-{number:06d}",
        household_id=1,
        payer_id=None,
        method="cash",
        reference="",
        received_on=received_on,
        amount=fee + share,
        reverses_id=None,
    )
    parts = [
        SimpleNamespace(
            kind="contribution",
            household_id=1,
            payer_id=None,
            period_start=period_start,
            amount=share,
        )
    ]
    if fee:
        parts.insert(
            0,
            SimpleNamespace(
                kind="registration_fee",
                household_id=1,
                payer_id=None,
                period_start=None,
                amount=fee,
            ),
        )
    return contribution_events.payment_from(row, parts, households={1: home.uid}, payers={})


def payments(made: list, months: list[D], today: D, rng: random.Random, log) -> None:
    """Each household owes its contribution every month or every quarter it is covered (the
    daily job recognises it when the period begins, or on the enrolment), and pays it, the
    registration fee with its first payment."""
    number = 0
    for home, people in made:
        step = 1 if home.monthly else 3
        first = True
        for index, month in enumerate(months):
            if month < home.enrolled_on.replace(day=1) or index % step:
                continue
            if home.resigned_on and month >= home.resigned_on:
                break
            owed = SimpleNamespace(
                uid=new_uid(),
                period_start=month,
                recognised_on=max(month, home.enrolled_on),
                amount=MONTHLY_SHARE * step * len(people),
            )
            period_end = add_months(month, step) - datetime.timedelta(days=1)
            log(owed.recognised_on, contribution_events.due_from(owed, home.uid, period_end))
            received_on = day_in(month, rng, today, after=home.enrolled_on)
            if home.resigned_on and received_on >= home.resigned_on:
                break
            number += 1
            share = MONTHLY_SHARE * step * len(people)
            log(received_on, payment(home, received_on, month, share, FEE if first else 0, number))
            first = False


def line(position: int, category: str, asked: int, outcome: str) -> dict:
    mutual = 0 if outcome == "rejected" else asked * 8 // 10
    decided = SimpleNamespace(
        outcome=outcome,
        asked=asked,
        mutual_share=mutual,
        member_share=asked - mutual if outcome != "rejected" else 0,
        provider_loss=asked if outcome == "rejected" else 0,
        copay=0,
    )
    return claim_events.line_payload(position, category, decided)


def claims(mutual: Organisation, made: list, months: list[D], today: D, rng, log) -> None:
    """About 119 claims a month: mostly decided at once, a few rejected outright, a few sent to
    the medical advisor and reviewed later."""
    own, providers = str(mutual.uid), [str(new_uid()) for _ in range(4)]
    people = [person for _home, members in made for person in members]
    for n in range(CLAIMS):
        month = months[n * len(months) // CLAIMS]
        service_from = day_in(month, rng, today)
        submitted_on = min(service_from + datetime.timedelta(days=rng.randint(0, 10)), today)
        draw = rng.random()
        outcome = "rejected" if draw < 0.02 else ("adjusted" if draw < 0.1 else "approved")
        lines = [line(1, "consultation", 1500, outcome)]
        if rng.random() < 0.7:
            lines.append(line(2, "medicines", rng.choice([800, 2400, 4800]), outcome))
        if rng.random() < 0.25:
            lines.append(line(len(lines) + 1, "laboratory", 3000, outcome))
        row = SimpleNamespace(
            uid=new_uid(),
            service_from=service_from,
            service_to=service_from,
            submitted_on=submitted_on,
            reviewed_at=None,
            asked=sum(item["asked"] for item in lines),
            review_reasons="",
            **{
                part: sum(item[part] for item in lines)
                for part in ("mutual_share", "member_share", "provider_loss", "copay")
            },
        )
        parties = {
            "payer": own,
            "provider": rng.choice(providers),
            "beneficiary": str(rng.choice(people).uid),
            "lines": lines,
        }
        if rng.random() >= 0.03:
            log(submitted_on, claim_events.claim_event(claim_events.ADJUDICATED, row, **parties))
            continue
        row.review_reasons = "amount above the usual"
        log(submitted_on, claim_events.claim_event(claim_events.SUBMITTED, row, **parties))
        reviewed_on = submitted_on + datetime.timedelta(days=rng.randint(1, 15))
        if reviewed_on <= today:
            row.reviewed_at = timezone.make_aware(
                datetime.datetime.combine(reviewed_on, datetime.time(10))
            )
            log(reviewed_on, claim_events.claim_event(claim_events.REVIEWED, row, **parties))


def log_two_years(mutual: Organisation, today: D, rng: random.Random) -> int:
    current = today.year * 12 + today.month - 1
    months = [month_at(index) for index in range(current - MONTHS + 1, current + 1)]
    dated: list[tuple[D, int, object]] = []

    def log(day: D, event) -> None:
        dated.append((day, len(dated), event))

    made = households(mutual, months, today, rng, log)
    payments(made, months, today, rng, log)
    claims(mutual, made, months, today, rng, log)
    dated.sort(key=lambda item: item[:2])
    with transaction.atomic():
        append_all(mutual.pk, [event for _day, _order, event in dated])
    return len(dated)


def national_figure(national: Organisation, span: str, start: D, code: str) -> int:
    return Figure.objects.get(organisation=national, span=span, start=start, code=code).value


def full_recomputation(today: D) -> dict:
    """As `mutualis recompute-indicators` does it: one process reading the logs per processor.
    The CPU time is every process's."""
    events = sum(EventSequence.objects.values_list("last", flat=True))
    started, cpu = time.perf_counter(), process_and_children_cpu()
    written = compute.recompute(INDICATORS.name, today, os.cpu_count() or 1)
    seconds, cpu_seconds = time.perf_counter() - started, process_and_children_cpu() - cpu
    return {
        "events": events,
        "figures": written,
        "full_seconds": seconds,
        "full_cpu_seconds": cpu_seconds,
        "processes": os.cpu_count() or 1,
    }


def process_and_children_cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def incremental(mutuals: list[Organisation], national: Organisation, today: D) -> dict:
    """One member's payment in each of ten mutuals, each followed by the consumer's drain."""
    year = today.replace(month=1, day=1)
    seconds, cpu_seconds = [], []
    for number, mutual in enumerate(mutuals[:: len(mutuals) // PAYMENTS_TIMED][:PAYMENTS_TIMED]):
        before = national_figure(national, "year", year, "contributions_collected")
        home = SimpleNamespace(uid=new_uid())
        amount = 900 + number
        with transaction.atomic():
            append_all(mutual.pk, [payment(home, today, today.replace(day=1), amount, 0, number)])
        started, cpu = time.perf_counter(), time.process_time()
        run = drain(INDICATORS)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu)
        after = national_figure(national, "year", year, "contributions_collected")
        if run.failed or run.handled != 1 or after != before + amount:
            raise SystemExit(
                f"the payment of {amount} in {mutual.code} was not carried to the nation: "
                f"{before} then {after} ({run})"
            )
    return {
        "incremental_seconds": statistics.median(seconds),
        "incremental_cpu_seconds": statistics.median(cpu_seconds),
        "incremental_all": seconds,
    }


def checked(national: Organisation, today: D) -> dict:
    """The nation's figures the benchmark expects: about 500,000 beneficiaries, 2 million
    claims over the 24 months."""
    month = today.replace(day=1)
    beneficiaries = national_figure(national, "month", month, "beneficiaries")
    claims_submitted = sum(
        Figure.objects.filter(
            organisation=national, span="year", code="claims_submitted"
        ).values_list("value", flat=True)
    )
    return {"beneficiaries": beneficiaries, "claims": claims_submitted}


def main() -> None:
    today = timezone.localdate()
    rng = random.Random(15)
    mutuals = list(Organisation.objects.filter(kind=Kind.MUTUAL).order_by("pk"))
    national = Organisation.objects.get(kind=Kind.NATIONAL_UNION, parent=None)
    started = time.perf_counter()
    logged = sum(log_two_years(mutual, today, rng) for mutual in mutuals)
    build_seconds = time.perf_counter() - started
    print(f"{logged} events logged in {build_seconds:.0f} s", file=sys.stderr, flush=True)
    figures = {
        "mutuals": len(mutuals),
        "national": national.pk,
        "year": today.year - 1,  # the last complete year, for the dashboard
        "build_seconds": build_seconds,
        **full_recomputation(today),
    }
    figures.update(checked(national, today))
    figures.update(incremental(mutuals, national, today))
    connection.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
