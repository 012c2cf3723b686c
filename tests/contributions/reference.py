"""Issue 10's rules of dues and cover, written again from their words and nothing else: a plain
reference the properties compare `contributions.rules` with (test_dues, test_coverage_properties).

It is slow on purpose: periods are found by walking the calendar, and cover by walking day by
day, deciding each day from the money received up to that day.

The rules as read here:
- dues (rules 3-6): each period, one line per beneficiary in the household during it, in the
  order they joined (or one line for the household, by the head's category); the household's
  first calendar period is prorated by days, a dependant added later owes from the next period
  or pro rata (the package says); a child is billed as a child while under the age limit when
  the period starts, then as an adult dependant or no more; who left is billed for the period
  they left in. Third payers' shares are rounded once; the member pays the rest.
- cover (rules 1, 2, 12), on a day, for one beneficiary:
  - their contributions cover them when the money received by that day for the period reaches
    the member shares of everyone who joined before them and their own, and the registration
    fee is paid; a reversal counts, negative, from the day it is received, like any money;
  - their cover starts on the first day the fee and the share of the period they joined in
    are paid; their waiting period counts from then, or from the day the money that paid them
    was all recorded, if later (a back-dated payment never shortens it); a newborn enrolled
    within 90 days of birth whose head was covered on the day of birth does not wait, where
    the package says so;
  - a period not yet paid is covered for the package's days of grace (never past its end) if
    the last day of the period before was covered and that period was paid when this one
    starts;
  - days not covered after covered days are a suspension: the money that pays a period again
    covers from the day it was received, or after the package's re-entry waiting period counted
    from the day it was recorded, if the package sets one; before any covered day there is
    nothing to re-enter;
  - contributions are unpaid since the first of the periods, up to the day's, still unpaid on
    that day (a period paid late no longer counts);
  - covered until: the last day of the run of covered days, if nothing more is paid.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from functools import cache, cached_property

D = datetime.date
DAY = datetime.timedelta(days=1)
BASIS_POINTS = 10_000
MONTHS = {"month": 1, "quarter": 3, "semester": 6, "year": 12}


# --- the calendar -----------------------------------------------------------------------------


def turns(birth_date, years):
    """The day someone turns `years`; born on 29 February, 1 March in common years."""
    year = birth_date.year + years
    if (birth_date.month, birth_date.day) == (2, 29) and not calendar.isleap(year):
        return D(year, 3, 1)
    return D(year, birth_date.month, birth_date.day)


def months_later(day, months):
    """The same day `months` later, or the last day of a shorter month."""
    year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    return D(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Periods:
    """Calendar periods (`anchor` None: the first of January, April…), or periods starting on
    the enrolment day (`anchor`) and every `unit` after it."""

    unit: str
    anchor: D | None = None

    def begins(self, day):
        if self.anchor is None:
            return day.day == 1 and (day.month - 1) % MONTHS[self.unit] == 0
        return day in self.anniversaries(day.year)

    @cache  # noqa: B019 (a handful of small grids per test run)
    def anniversaries(self, year):
        """The starts of the periods from the enrolment to the end of `year`."""
        starts, count = set(), 0
        while not starts or max(starts) <= D(year, 12, 31):
            starts.add(months_later(self.anchor, count * MONTHS[self.unit]))
            count += 1
        return frozenset(starts)

    @cache  # noqa: B019
    def start(self, day):
        while not self.begins(day):
            day -= DAY
        return day

    @cache  # noqa: B019
    def following(self, start):
        day = start + DAY
        while not self.begins(day):
            day += DAY
        return day


def version_on(versions, day):
    in_force = [version for version in versions if version.valid_from <= day]
    return max(in_force, key=lambda version: version.valid_from) if in_force else None


# --- money ------------------------------------------------------------------------------------


def shares_of(terms, category):
    """Each payer's share for a category: its rule for the category, else its rule for all."""
    shares = {payer: points for payer, for_category, points in terms.subsidies if not for_category}
    shares.update(
        {
            payer: points
            for payer, for_category, points in terms.subsidies
            if for_category == category
        }
    )
    return shares


def rounded_half_up(amount, points):
    return (2 * amount * points + BASIS_POINTS) // (2 * BASIS_POINTS)


def member_share(terms, amount, category):
    return amount - rounded_half_up(amount, sum(shares_of(terms, category).values()))


def prorated(amount, start, end, joined):
    """The days left of the period from `joined`, rounded once, half up."""
    if joined <= start:
        return amount
    days, left = (end - start).days + 1, (end - joined).days + 1
    return (2 * amount * left + days) // (2 * days)


# --- a household's history --------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    """One allocation: `amount` to the fee (`period` None) or to a period's member shares."""

    period: D | None
    amount: int
    received_on: D
    recorded_on: D


@dataclass(eq=False)
class History:
    versions: tuple
    enrolled_on: D
    resigned_on: D | None
    members: tuple  # rules.Member: key, category, enrolled_on, left_on, relationship, birth_date
    payments: tuple = ()
    _lines: dict = field(default_factory=dict)

    @cached_property
    def terms(self):
        return version_on(self.versions, self.enrolled_on)

    @cached_property
    def periods(self):
        if self.terms.period_anchor == "anniversary":
            return Periods(self.terms.period, self.enrolled_on)
        return Periods(self.terms.period)

    @cached_property
    def fee(self):
        return self.terms.registration_fee

    def member(self, key):
        return next(m for m in self.members if m.key == key)

    def lines(self, start):
        """(key or None for the household, category, amount) owed for the period from
        `start`, in the order the beneficiaries joined."""
        if start not in self._lines:
            self._lines[start] = self._lines_of(start)
        return self._lines[start]

    def _lines_of(self, start):
        end = self.periods.following(start) - DAY
        if start < self.periods.start(self.enrolled_on):
            return []
        if self.resigned_on is not None and start >= self.resigned_on:
            return []
        terms = version_on(self.versions, max(start, self.enrolled_on))
        there = [
            m
            for m in sorted(self.members, key=lambda m: (m.enrolled_on, m.key))
            if m.enrolled_on <= end and (m.left_on is None or m.left_on > start)
        ]
        if not there:
            return []
        if terms.per_household:
            head = next((m for m in there if m.relationship == "head"), there[0])
            amount = prorated(terms.contribution, start, end, self.enrolled_on)
            return [(None, head.category, amount)]
        lines = []
        for m in there:
            category = m.category
            grown = m.relationship == "child" and m.birth_date is not None
            if grown and turns(m.birth_date, terms.child_age_limit) <= start:
                # reached the age limit before the period: an adult dependant, or no more
                if not terms.adult_dependants_allowed:
                    continue
                if category == "child":
                    category = "adult"
            joined = max(m.enrolled_on, self.enrolled_on)
            newcomer = m.enrolled_on > self.enrolled_on and joined > start
            if newcomer and terms.newcomer_billing == "next_period":
                continue
            amount = terms.amounts_by_category.get(category, terms.contribution)
            lines.append((m.key, category, prorated(amount, start, end, joined)))
        return lines

    @cache  # noqa: B019
    def owed_before(self, member, start):
        """The member shares of the period that must be paid for `member` to be covered in it:
        theirs and those of everyone who joined before them (the household's, if one line)."""
        terms = version_on(self.versions, max(start, self.enrolled_on))
        total = 0
        for key, category, amount in self.lines(start):
            if key is None or (self.member(key).enrolled_on, key) <= (
                member.enrolled_on,
                member.key,
            ):
                total += member_share(terms, amount, category)
        return total

    def received(self, period, day, recorded_by=None):
        """What was received for the fee (`period` None) or a period by `day`; only what was
        also recorded by `recorded_by`, if given."""
        return sum(
            p.amount
            for p in self.payments
            if p.period == period
            and p.received_on <= day
            and (recorded_by is None or p.recorded_on <= recorded_by)
        )


# --- cover, day by day ------------------------------------------------------------------------


@dataclass
class Day:
    state: str  # "not yet" (cover not started), "paid", "grace", "unpaid", "re-entry"
    since: D | None = None  # unpaid: the first of the periods still unpaid, up to this one
    resumes: D | None = None  # re-entry: the first day covered again


@dataclass
class Walk:
    begins: D | None  # the day cover started
    waits_from: D | None  # the day the waiting period counts from
    days: dict  # day -> Day

    @cached_property
    def first_covered(self):
        return min((day for day, d in self.days.items() if d.state == "paid"), default=None)


def walk(history, key, last):
    """Each day of `key`'s life in the household, from the day they joined to `last`."""
    h, member = history, history.member(key)
    joined = max(h.enrolled_on, member.enrolled_on)
    first = h.periods.start(joined)

    def paid(period, day, recorded_by=None):
        """The fee and the shares up to `member`'s of `period` received by `day` (and recorded
        by `recorded_by`)."""
        fee = h.received(None, day, recorded_by) >= h.fee
        return fee and h.received(period, day, recorded_by) >= h.owed_before(member, period)

    def recorded(period, day, earliest=None):
        """The day the money that paid `period` by `day` was all recorded; `earliest`: the day
        to look from (by default `day`, so that a waiting period never counts from before)."""
        counted = earliest or day
        while not paid(period, day, counted):
            counted += DAY
        return counted

    first_recorded = min((p.recorded_on for p in h.payments), default=None)

    if h.terms is None:
        return Walk(None, None, {})

    begins = waits_from = None
    days = {}
    start = first
    covered_before = False  # some day was covered since cover began
    unpaid_since = None
    resumes = None  # the end of a re-entry waiting period under way
    while start <= last:
        following = h.periods.following(start)
        terms = version_on(h.versions, start)
        grace = terms.grace_days if terms else 0
        reentry = terms.reentry_waiting_days if terms else 0
        before = days.get(start - DAY)
        covered_to_end = (
            before is not None
            and before.state in ("paid", "grace")
            and paid(h.periods.start(start - DAY), start)
        )
        day = max(start, joined)
        while day < following and day <= last:
            if begins is None and paid(first, day):
                begins = day
                waits_from = recorded(first, day)
            if begins is None:
                days[day] = Day("not yet")
            elif paid(start, day):
                if unpaid_since is not None and covered_before and reentry:
                    # the first money after a suspension: covered again after the re-entry wait,
                    # counted from the day it was recorded, even before the suspension (a
                    # period paid ahead, then the one before it reversed)
                    resumes = recorded(start, day, first_recorded) + reentry * DAY
                unpaid_since = None
                if resumes is not None and day < resumes:
                    days[day] = Day("re-entry", resumes=resumes)
                else:
                    resumes = None
                    days[day] = Day("paid")
                    covered_before = True
            elif covered_to_end and day < start + grace * DAY:
                days[day] = Day("grace")
            else:
                unpaid_since = unpaid_since or start
                resumes = None
                # unpaid since the first of the periods, up to this one, still unpaid today
                since = start
                while since > first and not paid(h.periods.start(since - DAY), day):
                    since = h.periods.start(since - DAY)
                days[day] = Day("unpaid", since=since)
            day += DAY
        start = following
    return Walk(begins, waits_from, days)


def coverage(history, key, on, service=None, walked=None):
    """(covered, {(reason, date)}, covered_until) for `key` on `on` (`walked`: their walk to
    `on` or later)."""
    h, member = history, history.member(key)
    walked = walked or walk(h, key, on)
    reasons = set()
    joined = max(h.enrolled_on, member.enrolled_on)
    if on < joined:
        reasons.add(("not_enrolled", joined))
    if h.resigned_on is not None and on >= h.resigned_on:
        reasons.add(("household_resigned", h.resigned_on))
    if member.left_on is not None and on >= member.left_on:
        reasons.add(("left_household", member.left_on))
    terms = version_on(h.versions, on)
    if terms is None or h.terms is None:
        reasons.add(("no_package", None))
        if walked.begins is None:
            reasons.add(("never_paid", None))
        return False, reasons, None
    over_age = None
    if member.relationship == "child" and member.birth_date is not None:
        # out of cover from the first period that starts once they reached the limit
        over_age = turns(member.birth_date, terms.child_age_limit)
        while not h.periods.begins(over_age):
            over_age += DAY
        if on >= over_age and not terms.adult_dependants_allowed:
            reasons.add(("over_age_limit", over_age))
        if terms.adult_dependants_allowed:
            over_age = None
    if service is not None and service in terms.excluded_services:
        reasons.add(("service_excluded", None))
    today = walked.days.get(on)
    if walked.begins is None or on < walked.begins:
        reasons.add(("never_paid", None))
    else:
        waiting = terms.waiting_days_by_service.get(service, terms.waiting_days)
        if newborn_exempt(h, member):
            waiting = 0
        if waiting and on < walked.waits_from + waiting * DAY:
            reasons.add(("waiting_period", walked.waits_from + waiting * DAY))
        if today.state == "unpaid":
            reasons.add(("contributions_unpaid", today.since))
        if today.state == "re-entry":
            reasons.add(("waiting_period", today.resumes))
    if reasons:
        return False, reasons, None
    until = on
    while walked.days.get(until + DAY, Day("")).state in ("paid", "grace"):
        until += DAY
    for stop in (over_age, member.left_on, h.resigned_on):
        if stop is not None:
            until = min(until, stop - DAY)
    return True, reasons, until


def newborn_exempt(history, member):
    """A child enrolled within 90 days of their birth, whose head of household was covered on
    the day they were born, under a package (at their enrolment) that exempts newborns."""
    terms = version_on(history.versions, member.enrolled_on)
    if terms is None or not terms.newborns_exempt or member.relationship != "child":
        return False
    if member.birth_date is None or (member.enrolled_on - member.birth_date).days > 90:
        return False
    head = next((m for m in history.members if m.relationship == "head"), None)
    if head is None or head.key == member.key:
        return False
    return coverage(history, head.key, member.birth_date)[0]
