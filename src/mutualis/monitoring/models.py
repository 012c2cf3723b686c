"""What the monitoring keeps (issue 15, docs/monitoring.md).

Two kinds of tables. The facts are what the event log told the monitoring's consumer, in the
form the figures are counted from: each beneficiary's cover (`Cover`), each household's member
shares and payments (`Ledger`), the flows of each mutual's months (`Flow`) and the figures of
its books' closed months (`BooksFigure`); the
reports of mutuals that do not use the operations come in by `Report`. The figures (`Figure`)
are worked out from the facts and the accepted reports, for each mutual and each union, month,
quarter and year: what the dashboards read, never typed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation
from mutualis.monitoring.figures import Span


class Cover(models.Model):
    """One beneficiary's cover by a mutual, from the register's events: the stocks of members
    and beneficiaries at any month's end are counted from these."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    beneficiary = models.UUIDField(unique=True)
    household = models.UUIDField()
    head = models.BooleanField()  # the member who holds the household's membership
    woman = models.BooleanField()
    born = models.DateField()
    start = models.DateField()
    # cover ends on the first of the day they left and the day their household resigned
    left = models.DateField(null=True)
    resigned = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "start"], name="cover_organisation"),
            models.Index(fields=["household"], name="cover_household"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} from {self.start}"


class Ledger(models.Model):
    """One household's member shares and what its members paid of them, period by period, as
    the events told them (`dues.recognised`, the members' parts of `payment.recorded` and
    `payment.reversed`): whether its beneficiaries are up to date at a month's end, and its
    renewals, are worked out from these (monitoring.standing)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.UUIDField(unique=True)
    # the entries (monitoring.standing.Entry) as JSON text, written and read by orjson: the
    # full recomputation writes a ledger for every household of the federation at once
    entries = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["organisation"], name="ledger_organisation")]

    def __str__(self) -> str:
        return str(self.household)


class Flow(models.Model):
    """What happened in a mutual's month, added up event by event (contributions collected,
    claims, …): a base figure of kind flow, for the months whose events carry it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    code = models.CharField(max_length=40)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "code"], name="flow_month_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} {self.code} {self.value}"


class BooksFigure(models.Model):
    """A base figure of a closed month of a mutual's books (its expenses, its result, its cash,
    equity and reserves at the month's end), as the closing told it: kept while the month stays
    closed, the figure its reports would give otherwise."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    code = models.CharField(max_length=40)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "code"], name="books_figure_month_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} {self.code} {self.value}"


class Source(models.TextChoices):
    OPERATIONS = "operations", _("operations in Mutualis")
    BOOKS = "books", _("books kept in Mutualis")
    REPORT = "report", _("periodic report")
    SUM = "sum", _("sum of the member organisations")


class Figure(models.Model):
    """A base figure of an organisation for a month, a quarter or a year: a flow summed over
    the period, a stock at its end. A mutual's come from its operations or its accepted
    reports; a union's are the sums of its mutuals'. Absent means missing, never 0."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    span = models.CharField(max_length=8, choices=Span.choices)
    start = models.DateField()
    code = models.CharField(max_length=40)
    value = models.BigIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices)
    # how many mutuals' figures a union's sums (1 for a mutual's own): a union's figure that no
    # mutual gives any more is removed, not left at 0
    parts = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "span", "start", "code"], name="figure_unique"
            )
        ]
        indexes = [models.Index(fields=["span", "start"], name="figure_period")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.span} {self.start} {self.code} {self.value}"


class Report(models.Model):
    """A mutual's periodic report of its figures for one month, entered on the form or
    uploaded from the Excel template, for the mutuals that do not record their operations in
    Mutualis (or for the figures they do not record here). Its union accepts it, and its
    figures then count, or returns it with a comment; an accepted month needs the union to
    reopen it before it is reported again."""

    SCOPE_PATH = "mutual__path"  # core.access: seen by the mutual and the unions above it

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    figures = models.JSONField(default=dict)  # base figure code → integer
    status = models.CharField(max_length=10, choices=Status.choices)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mutual", "month"], name="report_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mutual_id} {self.month:%Y-%m} {self.status}"


class TargetPopulation(models.Model):
    """The population a mutual means to cover (the denominator of its penetration rate), with
    where the number comes from and the year it counts."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveBigIntegerField(_("target population"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mutual", "year"], name="target_population_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mutual_id} {self.year} {self.population}"


class Threshold(models.Model):
    """A union's own alert thresholds for one indicator, for itself and the organisations
    under it (the nearest union's setting wins, the catalogue's otherwise); basis points, or
    hundredths for averages."""

    uid = uid_field()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=30)
    warn_below = models.BigIntegerField(null=True, blank=True)
    alarm_below = models.BigIntegerField(null=True, blank=True)
    warn_above = models.BigIntegerField(null=True, blank=True)
    alarm_above = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator"], name="threshold_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.indicator}"


class AlertSubscription(models.Model):
    """A user who receives by e-mail, each month, the alerts of an organisation of their scope
    and of the mutuals under it."""

    uid = uid_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="alert_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.organisation_id}"


class DigestSent(models.Model):
    """A month's digest sent to a subscription: sent once, whatever stops the job."""

    uid = uid_field()
    subscription = models.ForeignKey(
        AlertSubscription, on_delete=models.CASCADE, related_name="digests"
    )
    month = models.DateField()
    alerts = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "month"], name="digest_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.month:%Y-%m}"


class CareProvider(models.Model):
    """A provider as the registry's events name it (providers/events.py): what the use and cost
    of care show of it."""

    uid = models.UUIDField(unique=True)
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Care(models.Model):
    """The care of a mutual's month at one provider, added up claim by claim: for a service
    category, its lines; for the blank category, the claims themselves (visits)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    provider = models.UUIDField()
    service = models.CharField(max_length=30, blank=True)
    count = models.BigIntegerField()  # claims, or lines of the service
    rejected = models.BigIntegerField()
    asked = models.BigIntegerField()
    incurred = models.BigIntegerField()  # the mutual's share

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "provider", "service"], name="care_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} {self.provider} {self.service}"


class Plan(models.Model):
    """A mutual's or a union's development plan over several years: each year's targets and
    projections (`PlanYear`), against which the dashboard shows the actuals."""

    uid = uid_field()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class PlanYear(models.Model):
    """One year of a plan: targets of members, beneficiaries, contributions collected and
    benefits; projected income and operating costs; the operating subsidy expected, never more
    than the year before's (it decreases as the mutual stands on its own)."""

    uid = uid_field()
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    members = models.PositiveBigIntegerField(_("members"))
    beneficiaries = models.PositiveBigIntegerField(_("beneficiaries"))
    contributions = models.PositiveBigIntegerField(_("contributions collected"))
    benefits = models.PositiveBigIntegerField(_("benefits"))
    income = models.PositiveBigIntegerField(_("projected income"))
    costs = models.PositiveBigIntegerField(_("projected operating costs"))
    subsidy = models.PositiveBigIntegerField(_("operating subsidy"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="plan_year_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year}"


class Study(models.Model):
    """A contribution study saved with the calculator's inputs (monitoring.calculator), to be
    opened again and compared."""

    uid = uid_field()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    inputs = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name
