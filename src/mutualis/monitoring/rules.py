"""What a periodic report asks of a mutual that does not record its operations in Mutualis,
and when its figures cannot be right (issue 15, docs/monitoring.md § Reports; DOMAIN.md §7).

A report gives one month's base figures (monitoring.figures): the stocks at the month's end,
the flows of the month. A figure left blank is missing, never 0; the required ones are those
the core indicators (penetration, collection, claims ratio, utilisation) cannot do without.
The checks only compare figures that are both given, save "benefits without any visit". Pure:
the two tolerances are settings, passed in by whoever calls."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.core.bounds import MAX_AMOUNT
from mutualis.core.formats import format_amount, format_rate
from mutualis.monitoring.figures import BASE


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    codes: tuple[str, ...]


# The figures a report asks for, grouped as the form and the Excel template show them. Net
# income and equity, which may fall below zero, are not asked: a report's figures are whole
# numbers of zero or more. The settlement-time buckets and the prudential details are left to
# the mutuals whose books are kept here.
GROUPS = (
    Group(
        "people",
        gettext_lazy("People"),
        (
            "members",
            "beneficiaries",
            "dependants",
            "women_members",
            "young_members",
            "beneficiaries_up_to_date",
            "members_due_to_renew",
            "members_renewed",
            "new_members_reached",
            "new_members_new_groups",
        ),
    ),
    Group(
        "contributions",
        gettext_lazy("Contributions"),
        (
            "contributions_due",
            "contributions_collected",
            "contributions_earned",
            "registration_fees",
        ),
    ),
    Group(
        "claims",
        gettext_lazy("Claims"),
        (
            "claims_submitted",
            "claims_rejected",
            "visits",
            "benefits_incurred",
            "claims_settled",
            "settlement_days",
        ),
    ),
    Group(
        "finances",
        gettext_lazy("Finances"),
        (
            "operating_expenses",
            "total_expenses",
            "cash",
            "short_term_liabilities",
            "total_assets",
            "liabilities",
            "reserves",
        ),
    ),
    Group(
        "institutional",
        gettext_lazy("Institutional life"),
        ("assembly_participants", "contributing_members", "officers", "officers_renewed"),
    ),
)
REPORTED = [code for group in GROUPS for code in group.codes]
REQUIRED = frozenset(
    {
        "members",
        "beneficiaries",
        "contributions_due",
        "contributions_collected",
        "contributions_earned",
        "claims_submitted",
        "claims_rejected",
        "visits",
        "benefits_incurred",
    }
)
assert set(REPORTED) <= set(BASE) and set(REPORTED) >= REQUIRED

# Arrears paid late make a month's collections exceed what fell due in it: up to 10 % more is
# normal; beyond, the figures are likely swapped or mistyped.
DEFAULT_TOLERANCE_BP = 1000
# A household of more than 15 people covered under one member is rare enough to ask again.
DEFAULT_HOUSEHOLD_MAX = 15


def tolerance_bp() -> int:
    return int(getattr(settings, "MUTUALIS_REPORT_TOLERANCE_BP", DEFAULT_TOLERANCE_BP))


def household_max() -> int:
    return int(getattr(settings, "MUTUALIS_REPORT_HOUSEHOLD_MAX", DEFAULT_HOUSEHOLD_MAX))


def name(code: str) -> str:
    return str(BASE[code].name)


def field(code: str) -> str:
    """A figure's name at the start of a sentence."""
    return capfirst(name(code))


def number(value: int) -> str:
    return format_amount(value)


def report_errors(
    figures: Mapping[str, int],
    *,
    tolerance: int | None = None,
    household: int | None = None,
) -> list[tuple[str, str]]:
    """What is wrong with a report's figures, as (code of the figure, message), in the order
    of the form. `tolerance`: how far contributions collected may exceed those due, in basis
    points (MUTUALIS_REPORT_TOLERANCE_BP); `household`: the most beneficiaries a member may
    cover on average (MUTUALIS_REPORT_HOUSEHOLD_MAX)."""
    tolerance = tolerance_bp() if tolerance is None else tolerance
    household = household_max() if household is None else household
    errors: list[tuple[str, str]] = []
    for code in figures:
        if code not in BASE or code not in REPORTED:
            errors.append((code, _("%(code)s is not a figure a report gives.") % {"code": code}))
    for code in REPORTED:
        value = figures.get(code)
        if value is None:
            if code in REQUIRED:
                errors.append(
                    (code, _("%(field)s: this figure is required.") % {"field": field(code)})
                )
        elif value < 0:
            errors.append((code, _("%(field)s cannot be below zero.") % {"field": field(code)}))
        elif value > MAX_AMOUNT:
            errors.append((code, _("%(field)s is far too large.") % {"field": field(code)}))

    def given(*codes: str) -> bool:
        return all(figures.get(code) is not None and figures[code] >= 0 for code in codes)

    def more_than(code: str, bound: str) -> None:
        if given(code, bound) and figures[code] > figures[bound]:
            errors.append(
                (
                    code,
                    _("%(field)s (%(value)s) cannot be more than %(bound)s (%(limit)s).")
                    % {
                        "field": field(code),
                        "value": number(figures[code]),
                        "bound": name(bound),
                        "limit": number(figures[bound]),
                    },
                )
            )

    if given("contributions_collected", "contributions_due"):
        collected, due = figures["contributions_collected"], figures["contributions_due"]
        if collected * 10_000 > due * (10_000 + tolerance):
            errors.append(
                (
                    "contributions_collected",
                    _(
                        "%(field)s (%(value)s) exceed %(bound)s (%(limit)s) by more than "
                        "%(percent)s: arrears paid late explain a little more, not this much."
                    )
                    % {
                        "field": field("contributions_collected"),
                        "value": number(collected),
                        "bound": name("contributions_due"),
                        "limit": number(due),
                        "percent": format_rate(tolerance),
                    },
                )
            )
    if given("members", "beneficiaries"):
        members, beneficiaries = figures["members"], figures["beneficiaries"]
        if beneficiaries < members:
            errors.append(
                (
                    "beneficiaries",
                    _(
                        "%(field)s (%(value)s) cannot be fewer than %(bound)s (%(limit)s): "
                        "each member is a beneficiary."
                    )
                    % {
                        "field": field("beneficiaries"),
                        "value": number(beneficiaries),
                        "bound": name("members"),
                        "limit": number(members),
                    },
                )
            )
        elif beneficiaries > members * household:
            errors.append(
                (
                    "beneficiaries",
                    _(
                        "%(field)s (%(value)s) are more than %(times)s times %(bound)s "
                        "(%(limit)s): no household is that large."
                    )
                    % {
                        "field": field("beneficiaries"),
                        "value": number(beneficiaries),
                        "times": household,
                        "bound": name("members"),
                        "limit": number(members),
                    },
                )
            )
    more_than("women_members", "members")
    more_than("young_members", "members")
    more_than("beneficiaries_up_to_date", "beneficiaries")
    more_than("claims_rejected", "claims_submitted")
    incurred = figures.get("benefits_incurred")
    if incurred is not None and incurred > 0 and not figures.get("visits"):
        errors.append(
            (
                "benefits_incurred",
                _("%(field)s (%(value)s) without any visit: give the number of visits.")
                % {"field": field("benefits_incurred"), "value": number(incurred)},
            )
        )
    return errors
