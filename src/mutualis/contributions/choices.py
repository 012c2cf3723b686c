"""The vocabulary of cover: why someone is not covered on a day, and a household's status
(contributions.rules decides them). Codes are stable strings the API, the FHIR answers and the
claims' reasons carry; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    NOT_ENROLLED = "not_enrolled", _("not enrolled yet (enrolment on %(date)s)")
    HOUSEHOLD_RESIGNED = "household_resigned", _("household resigned on %(date)s")
    LEFT_HOUSEHOLD = "left_household", _("left the household on %(date)s")
    OVER_AGE_LIMIT = "over_age_limit", _("over the age limit for dependents since %(date)s")
    NO_PACKAGE = "no_package", _("no benefit package in force")
    SERVICE_EXCLUDED = "service_excluded", _("service excluded by the benefit package")
    NEVER_PAID = "never_paid", _("registration fee or first contribution not paid")
    WAITING_PERIOD = "waiting_period", _("in the waiting period until %(date)s")
    CONTRIBUTIONS_UNPAID = "contributions_unpaid", _("contributions unpaid since %(date)s")


class Status(models.TextChoices):
    WAITING = "waiting", _("waiting")
    COVERED = "covered", _("covered")
    SUSPENDED = "suspended", _("suspended")
    LAPSED = "lapsed", _("lapsed")
    RESIGNED = "resigned", _("resigned")
