"""Whatever the sequence of enrolments, departures, resignations, payments, reversals and claims,
and whenever the indicators' consumer runs in between (issue 15's "done when"):

- each mutual's figures, month by month, are those the issue's words give from the register's
  own tables: members are the heads of household covered at the month's end (enrolled on or
  before its last day, not left nor resigned by then), beneficiaries everyone so covered,
  dependants the others, women members the heads who are women, young members the heads not
  yet 35 at the month's end; contributions and third payers' shares collected in the month
  they are received, fees likewise, a reversal counting against its month; contributions due
  (the members' dues and the third payers' receivables recognised) in the month their period
  begins; claims submitted
  and rejected (every line rejected) in the month submitted, visits and the mutual's share
  incurred in the month the care began;
- beneficiaries up to date at a month's end are those so covered whose household owes nothing
  that day for the periods begun: of each, the member share recognised by then (`Due`) is paid
  by then (its members' allocations, by the day their payment was received); a member comes
  up for renewal in the month their household's period ends (its end by the package's period
  rule, read from the package, not from the events), its share recognised and paid in full by
  that day, the household not resigned by then; they renewed when the next period's share, as
  recognised by the end of the month after, is paid in full by then, something having been
  recognised or paid for it; counted in the month the period came up (DOMAIN.md §3 and §7,
  docs/monitoring.md);
- every union's figure of every month, quarter and year is the sum of its mutuals' (present
  where at least one mutual gives it), whatever the tree;
- what the consumer kept current, event batch after event batch, equals a full recomputation
  from the whole log.

The expected figures are read from the register's tables, never from the monitoring's code.
Mutations these properties catch: a beneficiary who left counted at the end of the month they left;
a resignation that does not end its dependants' cover, or a departure after an earlier resignation
that brings the cover back; a reversal counted as a payment; a fee counted as a contribution; a
third payer's receivable left out of the contributions due; a claim counted in the month it was
submitted instead of the care's; a claim sent for review counted twice; a union's figure left at 0
(instead of missing) or counted from an average; a change of flows carried to the union once per
batch instead of once. And for the paid-up and renewal figures (each tried on the code, each
caught by this property and by test_paid_up_and_renewals): a renewal counted in the month paid
rather than the month the period came up; a partly paid household counted up to date; the
renewal window closed with the month the period ended rather than the month after; a household
that resigned before its period ended counted as coming up for renewal; a reversal left out of
what was paid; a dependant who left still counted up to date after leaving.
"""

import calendar
import contextlib
import datetime
from collections import Counter, defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mutualis.benefits.services import package_create, package_version_add
from mutualis.claims.models import Claim
from mutualis.contributions.models import Allocation, Due, Payment, Receivable
from mutualis.contributions.queries import household_account
from mutualis.contributions.services import (
    dues_recognise,
    payment_record,
    payment_reverse,
    receivables_recognise,
)
from mutualis.core.consumers import drain
from mutualis.federation.models import Organisation
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.services import beneficiary_leave, household_enrol, household_resign
from mutualis.monitoring import compute
from mutualis.monitoring.consumers import CONSUMERS
from mutualis.monitoring.figures import BASE, Kind
from mutualis.monitoring.models import Figure
from mutualis.settlements.models import ProviderPayment, Statement
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statements_issue,
)
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.conftest import person
from tests.monitoring import settled
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims decided at once

(INDICATORS,) = CONSUMERS
D = datetime.date
TODAY = timezone.localdate()
# into 2026, so that the CMU's year 2025 comes up for renewal and its window (January 2026
# and February) closes
DAYS = [
    D(2025, 1, 31),
    D(2025, 2, 10),
    D(2025, 3, 1),
    D(2025, 3, 31),
    D(2025, 6, 15),
    D(2026, 1, 1),
    D(2026, 2, 28),
    D(2026, 3, 2),
]
# the Diops' registration fee and member share of 2025 (four lines from 10 January, the State
# paying half), their share of 2026, both; on the monthly package, a registration fee and a
# month for one and for three, a month for one and for three, two months for one
AMOUNTS = [14_652, 14_000, 28_652, 1_250, 2_750, 750, 2_250, 1_500]
CARE = [D(2025, 2, 20), D(2025, 3, 31), D(2025, 4, 1), D(2025, 6, 2)]

OPERATIONS = st.lists(
    st.one_of(
        # payments and the daily job twice as likely as the rest, and amounts that pay a
        # period to the franc more often than chance would: renewals need a period paid in
        # full, then the next
        *[
            st.tuples(
                st.just("pay"),
                st.one_of(st.integers(1, 30000), st.sampled_from(AMOUNTS)),
                st.sampled_from(DAYS),
                st.integers(0, 5),
            )
        ]
        * 2,
        *[st.tuples(st.just("daily"), st.sampled_from(DAYS))] * 2,
        # a household pays all it owes for the periods begun: periods paid in full
        *[st.tuples(st.just("settle"), st.integers(0, 2), st.sampled_from(DAYS))] * 3,
        st.tuples(st.just("reverse"), st.integers(0, 9), st.sampled_from(DAYS)),
        st.tuples(
            st.just("enrol"),
            st.sampled_from(["m1", "m2"]),
            st.sampled_from(DAYS),
            st.sampled_from(["F", "M"]),
            st.sampled_from(["1960-05-01", "1991-02-28", "1990-06-15"]),
            st.integers(0, 2),
            st.sampled_from(["cmu", "monthly"]),
        ),
        st.tuples(st.just("leave"), st.integers(0, 9), st.sampled_from(DAYS)),
        st.tuples(st.just("resign"), st.integers(0, 5), st.sampled_from(DAYS)),
        st.tuples(
            st.just("bill"),
            st.sampled_from(CARE),
            st.sampled_from([0, 40]),
            st.sampled_from(["PS-JOAL", "PS-PAKOUR"]),
        ),
        st.tuples(
            st.just("statements"),
            st.sampled_from([D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)]),
            st.sampled_from(["m1", "d2"]),
        ),
        st.tuples(
            st.just("pay provider"), st.integers(0, 3), st.booleans(), st.sampled_from([0, 9, 95])
        ),
        st.tuples(st.just("reverse provider payment"), st.integers(0, 5)),
        st.just(("indicators",)),
    ),
    max_size=16,
)


@pytest.fixture
def monthly_package(federation, state):
    """Months from each household's enrolment, 1,500 XOF a beneficiary, the State paying half,
    all of it for the indigent."""
    package = package_create(by=None, owner=federation.national, code="MOIS", name="Mensuel")
    package_version_add(
        by=None,
        package=package,
        valid_from=D(2024, 1, 1),
        allow_past=True,
        period="month",
        period_anchor="anniversary",
        contribution=1_500,
        registration_fee=500,
        subsidies=[(state, "", 5_000), (state, "indigent", 10_000)],
    )
    return package


class Undo(Exception):
    """Raised at the end of each example to roll back what it wrote."""


def pick(items, index):
    return items[index % len(items)] if items else None


def apply(operation, federation, packages, submit) -> None:
    kind, *args = operation
    refused = contextlib.suppress(ValidationError)
    if kind == "pay":
        household = pick(list(Household.objects.order_by("pk")), args[2])  # the Diops first
        with refused:
            payment_record(
                by=None, household=household, amount=args[0], method="cash", received_on=args[1]
            )
    elif kind == "settle":
        household = pick(list(Household.objects.order_by("pk")), args[0])
        account = household_account(household, args[1])
        owed = account.fee_outstanding + sum(
            account.member_outstanding(due.period_start)
            for due in account.dues
            if due.period_start <= args[1]
        )
        if owed:
            with refused:
                payment_record(
                    by=None, household=household, amount=owed, method="cash", received_on=args[1]
                )
    elif kind == "reverse":
        payment = pick(list(Payment.objects.filter(reverses=None).order_by("pk")), args[0])
        if payment is not None:
            with refused:
                payment_reverse(
                    by=None, payment=payment, reason="x", on=max(args[1], payment.received_on)
                )
    elif kind == "enrol":
        mutual, day, sex, born, children, package = args
        with refused:
            household_enrol(
                by=None,
                mutual=getattr(federation, mutual),
                package=packages[package],
                enrolled_on=day,
                head=person("Aminata", f"Sarr{Household.objects.count()}", sex, born),
                dependents=[
                    person(f"Enfant{n}", "Sarr", "M", "2015-01-01") for n in range(children)
                ],
            )
    elif kind == "leave":
        dependants = list(Beneficiary.objects.exclude(relationship="head").order_by("pk"))
        beneficiary = pick(dependants, args[0])
        if beneficiary is not None:
            with refused:
                beneficiary_leave(by=None, beneficiary=beneficiary, on=args[1])
    elif kind == "resign":
        household = pick(list(Household.objects.order_by("pk")), args[0])
        if household is not None:
            with refused:
                household_resign(by=None, household=household, on=args[1])
    elif kind == "daily":  # the daily jobs recognise what is due
        for mutual in (federation.m1, federation.m2):
            dues_recognise(by=None, mutual=mutual, on=args[0])
            receivables_recognise(by=None, mutual=mutual, on=args[0])
    elif kind == "bill":
        with contextlib.suppress(AssertionError):  # a claim the register refuses
            submit(day=args[0], late=args[1], provider=args[2])
    elif kind == "statements":
        day, payer = args
        with refused:  # nothing to issue
            statements_issue(
                by=None, payer=getattr(federation, payer), day=day, issued_on=next_month(day)
            )
    elif kind == "pay provider":
        statement = pick(list(Statement.objects.order_by("pk")), args[0])
        if statement is not None:
            owed = statement.total - sum(p.amount for p in statement.payments.all())
            paid_on = min(statement.issued_on + datetime.timedelta(days=args[2]), TODAY)
            with refused:  # nothing owed, or a cancelled statement
                provider_payment_record(
                    by=None,
                    statement=statement,
                    amount=owed if args[1] else max(owed // 2, 1),
                    method="cash",
                    paid_on=paid_on,
                )
    elif kind == "reverse provider payment":
        payments = ProviderPayment.objects.filter(reverses=None, reversals=None).order_by("pk")
        payment = pick(list(payments), args[0])
        if payment is not None:
            provider_payment_reverse(by=None, payment=payment, reason="x", on=payment.paid_on)
    else:
        assert not drain(INDICATORS).failed


def month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    """The 2nd of the month after: a statement of the month is issued then."""
    return D(day.year + day.month // 12, day.month % 12 + 1, 2)


def month_end(start: datetime.date) -> datetime.date:
    following = D(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def is_young(born: datetime.date, on: datetime.date) -> bool:
    return (on.year - born.year) - ((on.month, on.day) < (born.month, born.day)) < 35


def same_day_later(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the last day of that month when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month_ = index // 12, index % 12 + 1
    return D(year, month_, min(day.day, calendar.monthrange(year, month_)[1]))


def period_end(household: Household, start: datetime.date) -> datetime.date:
    """The last day of a household's period beginning on `start`, by its package's period rule
    (every version keeps the package's): a calendar period ends with the last of its months; an
    anniversary period the day before the enrolment's next anniversary by the period's length."""
    version = household.package.versions.order_by("valid_from").first()
    length = {"month": 1, "quarter": 3, "semester": 6, "year": 12}[version.period]
    if version.period_anchor == "calendar":
        return same_day_later(start, length) - datetime.timedelta(days=1)
    count = 0
    while same_day_later(household.enrolled_on, count * length) < start:
        count += 1
    assert same_day_later(household.enrolled_on, count * length) == start
    return same_day_later(household.enrolled_on, (count + 1) * length) - datetime.timedelta(days=1)


def by(rows: list[tuple], period: datetime.date, day: datetime.date) -> int:
    """What `rows` (period, day, amount) hold for a period by a day."""
    return sum(amount for start, on, amount in rows if start == period and on <= day)


def member_shares(mutual: Organisation) -> tuple[dict, dict]:
    """By household: its member share of each period as recognised, (period, day recognised,
    amount); and what its members paid of each, (period, day received, amount) — a reversal on
    its day, negative."""
    shares, paid = defaultdict(list), defaultdict(list)
    for due in Due.objects.filter(mutual=mutual):
        shares[due.household_id].append((due.period_start, due.recognised_on, due.amount))
    for part in Allocation.objects.filter(mutual=mutual, kind="contribution").select_related(
        "payment"
    ):
        paid[part.household_id].append((part.period_start, part.payment.received_on, part.amount))
    return shares, paid


def up_to_date(shares: list[tuple], paid: list[tuple], on: datetime.date) -> bool:
    """A household is up to date on a day when it owes nothing for the periods begun by then:
    of each, the share recognised by then is paid by then (what the third payers owe is theirs,
    never the household's)."""
    return all(
        by(paid, start, on) >= by(shares, start, on) for start, _o, _a in shares if start <= on
    )


def renewals(mutual: Organisation) -> dict[datetime.date, Counter]:
    """By month: the members who came up for renewal (their household's period ended in it, its
    share paid in full by its last day, the household not resigned by then) and those who
    renewed (the next period's share, as recognised by the end of the month after, paid by
    then in full, and something recognised or paid for it)."""
    shares, paid = member_shares(mutual)
    counted: dict[datetime.date, Counter] = defaultdict(Counter)
    for household in Household.objects.filter(mutual=mutual).select_related("package"):
        mine, theirs = shares[household.pk], paid[household.pk]
        for start in {start for start, _o, _a in mine}:
            end = period_end(household, start)
            share = by(mine, start, end)
            if share <= 0 or by(theirs, start, end) < share:
                continue  # nothing to renew, or not paid for the period when it ended
            if household.resigned_on is not None and household.resigned_on <= end:
                continue
            window = month_end(month_end(end) + datetime.timedelta(days=1))
            after = end + datetime.timedelta(days=1)
            share_after, paid_after = by(mine, after, window), by(theirs, after, window)
            counted[month(end)]["members_due_to_renew"] += 1
            counted[month(end)]["members_renewed"] += paid_after >= share_after and (
                share_after > 0 or paid_after > 0
            )
    return counted


def expected_months(mutual: Organisation) -> dict[datetime.date, dict[str, int]]:
    """The operations' figures of each month the register names, from its tables."""
    flows: dict[datetime.date, Counter] = defaultdict(Counter)
    for allocation in Allocation.objects.filter(mutual=mutual).select_related("payment"):
        received = month(allocation.payment.received_on)
        if allocation.kind == "registration_fee":
            flows[received]["registration_fees"] += allocation.amount
        else:
            flows[received]["contributions_collected"] += allocation.amount
            flows[month(allocation.period_start)]["contributions_earned"] += allocation.amount
    for due in [*Due.objects.filter(mutual=mutual), *Receivable.objects.filter(mutual=mutual)]:
        flows[month(due.period_start)]["contributions_due"] += due.amount
    for claim in Claim.objects.filter(mutual=mutual).prefetch_related("lines"):
        flows[month(claim.submitted_on)]["claims_submitted"] += 1
        flows[month(claim.service_from)]["visits"] += 1
        flows[month(claim.service_from)]["benefits_incurred"] += claim.mutual_share or 0
        if all(line.outcome == "rejected" for line in claim.lines.all()):
            flows[month(claim.submitted_on)]["claims_rejected"] += 1
    settled.settled_by_month(mutual, flows)
    people = list(Beneficiary.objects.filter(household__mutual=mutual).select_related("household"))
    # a month whose flows all add up to nothing names nothing: a share recognised, then taken
    # back by the daily job run for an earlier day (the household not yet enrolled then)
    named = [
        *(m for m, counted in flows.items() if any(counted.values())),
        *(month(b.enrolled_on) for b in people),
    ]
    if not named:
        return {}
    shares, paid = member_shares(mutual)
    renewed = renewals(mutual)
    found = {}
    current = month(timezone.localdate())
    first = min(named)
    while first <= current:
        end = month_end(first)
        covered = [
            b
            for b in people
            if b.enrolled_on <= end
            and (b.left_on is None or b.left_on > end)
            and (b.household.resigned_on is None or b.household.resigned_on > end)
        ]
        heads = [b for b in covered if b.relationship == "head"]
        found[first] = {
            "beneficiaries": len(covered),
            "members": len(heads),
            "dependants": len(covered) - len(heads),
            "women_members": sum(b.sex == "F" for b in heads),
            "young_members": sum(is_young(b.birth_date, end) for b in heads),
            "beneficiaries_up_to_date": sum(
                up_to_date(shares[b.household_id], paid[b.household_id], end) for b in covered
            ),
            "members_due_to_renew": renewed[first]["members_due_to_renew"],
            "members_renewed": renewed[first]["members_renewed"],
            **{
                code: flows[first][code]
                for code in (
                    "contributions_due",
                    "contributions_collected",
                    "contributions_earned",
                    "registration_fees",
                    "claims_submitted",
                    "claims_rejected",
                    "visits",
                    "benefits_incurred",
                    *settled.CODES,
                )
            },
        }
        first = D(first.year + first.month // 12, first.month % 12 + 1, 1)
    return found


def stored() -> dict[tuple, int]:
    return {(f.organisation_id, f.span, f.start, f.code): f.value for f in Figure.objects.all()}


def check(federation) -> None:
    kept = stored()
    # each mutual's months, as the register's tables give them
    for mutual in (federation.m1, federation.m2):
        expected = expected_months(mutual)
        found = {
            start: {
                code: value
                for (o, span, start_, code), value in kept.items()
                if o == mutual.pk and span == "month" and start_ == start
            }
            for start in expected
        }
        for start, figures in expected.items():
            for code, value in figures.items():
                assert found[start].get(code) == value, (mutual.code, start, code)
    # every union's figure is its mutuals' sum, present where one of them gives it
    mutuals = Organisation.objects.filter(kind="mutual")
    for union in Organisation.objects.exclude(kind__in=["mutual", "support_structure"]):
        below = {m.pk for m in mutuals if m.path.startswith(union.path)}
        summed: dict[tuple, int] = Counter()
        for (o, span, start, code), value in kept.items():
            if o in below:
                summed[span, start, code] += value
        own = {(s, st_, c): v for (o, s, st_, c), v in kept.items() if o == union.pk}
        assert own == dict(summed), union.code
    # stocks of a quarter are its last month's, flows its months' sum
    for (o, span, start, code), value in kept.items():
        if span == "quarter" and o == federation.m1.pk:
            months = [D(start.year, start.month + i, 1) for i in range(3)]
            values = [kept.get((o, "month", m, code)) for m in months]
            if BASE[code].kind == Kind.FLOW:
                assert value == sum(v for v in values if v is not None)
            else:
                assert value == [v for v in values if v is not None][-1]
    # a full recomputation from the whole log gives the same figures
    compute.recompute(INDICATORS.name, timezone.localdate())
    assert stored() == kept


# Periods paid in full, late, partly, refunded, a resignation: drawn at random they are rare
# among the claims and statements, so each run tries them too.
RENEWALS = [
    # the Diops and a household of Joal pay 2025; the Diops 2026 on its first day (a renewal),
    # the other on 28 February (after January: too late); the other's dependant leaves
    ("enrol", "m1", D(2025, 1, 31), "F", "1990-06-15", 1, "cmu"),
    ("daily", D(2025, 2, 10)),
    ("settle", 0, D(2025, 3, 1)),
    ("indicators",),
    ("settle", 1, D(2025, 3, 1)),
    ("leave", 4, D(2025, 6, 15)),
    ("daily", D(2026, 1, 1)),
    ("settle", 0, D(2026, 1, 1)),
    ("settle", 1, D(2026, 2, 28)),
]
MONTHS = [
    # a household of Pakour on months from 31 January: the first paid, then the second, part of
    # the third; the first refunded; it pays all it owes in June, then resigns before the
    # month paid ends; the Diops pay part of 2025
    ("enrol", "m2", D(2025, 1, 31), "M", "1960-05-01", 2, "monthly"),
    ("settle", 1, D(2025, 2, 10)),
    ("daily", D(2025, 3, 31)),
    ("settle", 1, D(2025, 3, 1)),
    ("indicators",),
    ("pay", 750, D(2025, 3, 31), 1),
    ("pay", 5_000, D(2025, 3, 31), 0),
    ("reverse", 0, D(2025, 3, 31)),
    ("settle", 1, D(2025, 6, 15)),
    ("resign", 1, D(2025, 6, 15)),
    ("daily", D(2025, 6, 15)),
]


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(operations=OPERATIONS)
@example(operations=RENEWALS)
@example(operations=MONTHS)
def test_figures_follow_the_register_and_add_up_whatever_happens(
    care,  # noqa: F811
    bill,  # noqa: F811
    federation,
    family,
    cmu_package,
    monthly_package,
    operations,
):
    packages = {"cmu": cmu_package, "monthly": monthly_package}
    try:
        with transaction.atomic():
            for operation in operations:
                apply(operation, federation, packages, bill)
            assert not drain(INDICATORS).failed
            check(federation)
            raise Undo
    except Undo:
        pass
