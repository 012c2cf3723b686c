"""Pure rules of the federation: which organisation may sit under which, and who holds what role.

domain-rules.md §1: a mutual belongs to a departmental union, which belongs to a regional union,
under the national union. Countries without a departmental (or regional) level attach mutuals to the
next union up, so a union of any higher level is an allowed parent.
"""

import datetime
from collections.abc import Sequence

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualis.core.rate_limits import limit_reached


class Kind(models.TextChoices):
    NATIONAL_UNION = "national_union", _("national union")
    REGIONAL_UNION = "regional_union", _("regional union")
    DEPARTMENTAL_UNION = "departmental_union", _("departmental union")
    MUTUAL = "mutual", _("mutual")
    SUPPORT_STRUCTURE = "support_structure", _("support structure")


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    UNION_OFFICER = "union_officer", _("union officer")
    MUTUAL_MANAGER = "mutual_manager", _("mutual manager")
    ENROLMENT_AGENT = "enrolment_agent", _("enrolment agent")
    CASHIER = "cashier", _("cashier")
    ACCOUNTANT = "accountant", _("accountant")
    MEDICAL_ADVISOR = "medical_advisor", _("medical advisor")
    PROVIDER_CLERK = "provider_clerk", _("provider clerk")
    PORTAL_EDITOR = "portal_editor", _("portal editor")


UNIONS = frozenset({Kind.NATIONAL_UNION, Kind.REGIONAL_UNION, Kind.DEPARTMENTAL_UNION})

# None stands for "no parent": the organisation is a root of the federation.
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    Kind.NATIONAL_UNION: frozenset({None}),
    Kind.REGIONAL_UNION: frozenset({Kind.NATIONAL_UNION}),
    Kind.DEPARTMENTAL_UNION: frozenset({Kind.REGIONAL_UNION, Kind.NATIONAL_UNION}),
    Kind.MUTUAL: UNIONS,
    Kind.SUPPORT_STRUCTURE: frozenset({None, *UNIONS}),
}

# The organisations whose staff may hold a role. Operational roles work in a mutual (or in the
# union's technical management unit that runs its mutuals' books); control and supervision sit
# in unions and support structures.
ROLE_KINDS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(Kind),
    Role.UNION_OFFICER: UNIONS | {Kind.SUPPORT_STRUCTURE},
    Role.MUTUAL_MANAGER: frozenset({Kind.MUTUAL}),
    Role.ENROLMENT_AGENT: frozenset({Kind.MUTUAL}),
    Role.CASHIER: frozenset({Kind.MUTUAL}),
    Role.ACCOUNTANT: UNIONS | {Kind.MUTUAL},
    Role.MEDICAL_ADVISOR: UNIONS | {Kind.SUPPORT_STRUCTURE},
    Role.PROVIDER_CLERK: frozenset(Kind),
    Role.PORTAL_EDITOR: frozenset(Kind),
}


def parent_kind_error(kind: str, parent_kind: str | None) -> str | None:
    """Why an organisation of `kind` cannot sit under one of `parent_kind`, or None if it can."""
    allowed = ALLOWED_PARENTS[kind]
    if parent_kind in allowed:
        return None
    if parent_kind is None:
        return _("A %(kind)s must belong to a parent organisation.") % {"kind": Kind(kind).label}
    return _("A %(kind)s cannot belong to a %(parent)s.") % {
        "kind": Kind(kind).label,
        "parent": Kind(parent_kind).label,
    }


def is_within(path: str, ancestor_path: str) -> bool:
    """True when the organisation at `path` is `ancestor_path` itself or lies below it."""
    return path.startswith(ancestor_path)


def moved_path(path: str, old_prefix: str, new_prefix: str) -> str:
    """The path of a descendant once its ancestor's path changes from old to new prefix."""
    assert path.startswith(old_prefix)
    return new_prefix + path[len(old_prefix) :]


def role_kind_error(role: str, kind: str) -> str | None:
    if kind in ROLE_KINDS[role]:
        return None
    return _("The role %(role)s cannot be held in a %(kind)s.") % {
        "role": Role(role).label,
        "kind": Kind(kind).label,
    }


# --- who may write what ----------------------------------------------------------------------
# One table for the views (`access(roles=...)`) and the services (`require_role`), so that an
# API, a FHIR endpoint or a command reaching a service is held to the rights of the page
# (issue 10). A command acting with no user (by=None) is the system and is not checked.
ORGANISATION_CREATORS = frozenset({Role.SYSTEM_ADMIN, Role.UNION_OFFICER})
ORGANISATION_EDITORS = ORGANISATION_CREATORS | {Role.MUTUAL_MANAGER}
USER_ADMINISTRATORS = frozenset({Role.SYSTEM_ADMIN})
PACKAGE_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.UNION_OFFICER, Role.MUTUAL_MANAGER})
# Personal and health data: only the roles that work with the register see it.
REGISTER_READERS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.UNION_OFFICER,
        Role.MUTUAL_MANAGER,
        Role.ENROLMENT_AGENT,
        Role.CASHIER,
        Role.ACCOUNTANT,
    }
)
REGISTER_WRITERS = frozenset({Role.MUTUAL_MANAGER, Role.ENROLMENT_AGENT})
# who reads an organisation's journal of events (the audit trail of its operations)
JOURNAL_READERS = frozenset(
    {Role.SYSTEM_ADMIN, Role.UNION_OFFICER, Role.MUTUAL_MANAGER, Role.ACCOUNTANT}
)
PAYMENT_RECORDERS = frozenset({Role.MUTUAL_MANAGER, Role.CASHIER})
PAYER_PAYMENT_RECORDERS = PAYMENT_RECORDERS | {Role.ACCOUNTANT}
PAYMENT_REVERSERS = frozenset({Role.MUTUAL_MANAGER, Role.ACCOUNTANT})
# Issue 10 rule 1: a payment is dated the day the money was received; only these roles may
# record one received before today (a cashier records what they take in today).
PAYMENT_BACKDATERS = frozenset({Role.MUTUAL_MANAGER, Role.ACCOUNTANT, Role.SYSTEM_ADMIN})
CLAIM_CLERKS = frozenset({Role.PROVIDER_CLERK, Role.MUTUAL_MANAGER})
CLAIM_REVIEWERS = frozenset({Role.MEDICAL_ADVISOR})
LETTER_ISSUERS = frozenset({Role.MUTUAL_MANAGER, Role.MEDICAL_ADVISOR})
PROVIDER_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.UNION_OFFICER})
ITEM_EDITORS = PROVIDER_EDITORS
AGREEMENT_EDITORS = frozenset({Role.MUTUAL_MANAGER, Role.UNION_OFFICER})
PROVIDER_PAYERS = frozenset({Role.MUTUAL_MANAGER, Role.ACCOUNTANT, Role.UNION_OFFICER})
# the books (issue 14): who reads them, who writes entries and closes months (a union keeps its
# own books when it pays providers), and who reopens a closed month (an act of the union)
BOOK_READERS = frozenset(
    {Role.SYSTEM_ADMIN, Role.UNION_OFFICER, Role.MUTUAL_MANAGER, Role.ACCOUNTANT}
)
BOOKKEEPERS = frozenset({Role.ACCOUNTANT, Role.MUTUAL_MANAGER, Role.UNION_OFFICER})
PERIOD_REOPENERS = frozenset({Role.UNION_OFFICER})
# the daily count of a cash box: its cashier, or the manager or accountant who checks it
CASH_COUNTERS = frozenset({Role.CASHIER, Role.MUTUAL_MANAGER, Role.ACCOUNTANT})
# the indicators and dashboards (issue 15): a mutual's own, a union's and those of its subtree
MONITORING_READERS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.UNION_OFFICER,
        Role.MUTUAL_MANAGER,
        Role.ACCOUNTANT,
        Role.MEDICAL_ADVISOR,
    }
)
# a development plan: a mutual's by its manager, a union's (or one for its mutual) by its officer
PLANNERS = frozenset({Role.MUTUAL_MANAGER, Role.UNION_OFFICER})
# a union's alert thresholds
THRESHOLD_SETTERS = frozenset({Role.UNION_OFFICER})
# a union's detail accounts and its mapping of operations to accounts, for its mutuals
CHART_EDITORS = frozenset({Role.UNION_OFFICER, Role.SYSTEM_ADMIN})
# a mutual's periodic report of its figures (issue 15): its manager, or an officer of a union
# above it on its behalf, submits it; an officer of a union above it accepts, returns or reopens
REPORT_SUBMITTERS = frozenset({Role.MUTUAL_MANAGER, Role.UNION_OFFICER})
REPORT_DECIDERS = frozenset({Role.UNION_OFFICER})
# a union's DHIS2 server, its mapping to data elements and org units, and the pushes to it
DHIS2_OFFICERS = frozenset({Role.UNION_OFFICER, Role.SYSTEM_ADMIN})


def reset_refusal(
    *,
    from_client: Sequence[datetime.datetime],
    for_address: Sequence[datetime.datetime],
    now: datetime.datetime,
    per_client_hour: int,
    per_address_day: int,
) -> str | None:
    """Why a request for a link to choose a new password is refused now; None when it is taken.
    `from_client` and `for_address` are the times of the last day's requests from the same
    client address and for the same e-mail address, whether an account uses it or not (so the
    refusal tells nothing of accounts). Limits against a robot trying addresses, and against a
    stranger filling someone's mailbox with links (MUTUALIS_PASSWORD_RESETS_PER_HOUR,
    MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY), as the newsletter's sign_up_refusal."""
    reached = limit_reached(
        from_client=from_client,
        for_address=for_address,
        now=now,
        per_client_hour=per_client_hour,
        per_address_day=per_address_day,
    )
    if reached is None:
        return None
    count = {"count": number_format(reached.requests, force_grouping=True)}
    if reached.limit == "client":
        return (
            gettext(
                "%(count)s requests for a new password came from your connection in the last hour, "
                "the most allowed: try again in an hour."
            )
            % count
        )
    return (
        gettext(
            "%(count)s requests for a new password were made for this address in the last 24 "
            "hours, the most allowed: look for the links in its mailbox, or try again tomorrow."
        )
        % count
    )
