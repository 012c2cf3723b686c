from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field


class AuditEntry(models.Model):
    """One change to business data: who, when, which object, each changed field before and after.

    Entries are only ever added (design-rules.md rule 5); the actor is protected so that a user who
    made changes can be deactivated but never erased from the trail.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        MOVE = "move", _("moved")

    uid = uid_field()
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            # the audit trail of one object, newest first
            models.Index(fields=["content_type", "object_id", "at"], name="audit_object_trail"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class IdempotentAnswer(models.Model):
    """The answer to an API or FHIR write sent with an `Idempotency-Key` (core.idempotency),
    saved in the same transaction as the write: the same request sent again with the key gets
    this answer again instead of a second write. Kept MUTUALIS_IDEMPOTENCY_HOURS."""

    uid = uid_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField()
    body_digest = models.CharField(max_length=64)  # SHA-256 of the request's body, in hex
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=255)
    location = models.TextField(blank=True)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_answer_key"),
        ]
        indexes = [
            # the purge of answers older than the retention
            models.Index(fields=["created_at"], name="idempotent_answer_age"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class Event(models.Model):
    """One thing that happened in an organisation's operations (issue 13), appended in the
    transaction of the change it records: the books, the indicators, the sync and the messages
    learn what happened by reading the log in order, never by reaching into the apps that wrote
    it. Numbered per organisation without gaps (`sequence`); never updated or deleted, which the
    database itself refuses (triggers of migration core 0004)."""

    uid = uid_field()
    # the organisation whose log it is (a mutual, or a union for the federation's own events),
    # by id: the log outlives any reading of the federation
    organisation_id = models.BigIntegerField()
    sequence = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # a stable name ("payment.recorded") and the version of its payload's schema
    kind = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    # the uid of what it is about
    subject = models.UUIDField()
    payload = models.JSONField(default=dict)
    # The installation that wrote it (settings.MUTUALIS_INSTALLATION) and its number there:
    # `sequence` is this installation's order of the log, in which it received the events of
    # the others too (core.events.receive), so numbers never collide between installations.
    origin = models.CharField(max_length=40)
    origin_sequence = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "sequence"], name="event_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation_id", "origin", "origin_sequence"],
                name="event_origin_sequence_unique",
            ),
        ]
        indexes = [models.Index(fields=["subject"], name="event_subject")]

    def __str__(self) -> str:
        return f"{self.organisation_id}#{self.sequence} {self.kind}"


class EventSequence(models.Model):
    """The last sequence number given in an organisation's log; its row lock queues the
    writers of one organisation, so that numbers follow one another without gaps."""

    uid = uid_field()
    organisation_id = models.BigIntegerField(unique=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.last}"


class Cursor(models.Model):
    """How far a consumer of the event log (core.consumers) has read an organisation's log.
    Moved in the transaction of what the consumer did with the events, so that each event is
    handled exactly once whatever stops the worker; a failing event stops the consumer there
    for that organisation, with the error, until a later run handles it."""

    uid = uid_field()
    consumer = models.CharField(max_length=60)
    organisation_id = models.BigIntegerField()
    # the sequence number of the last event handled (0: none yet)
    position = models.BigIntegerField(default=0)
    failed_at = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    failed_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "organisation_id"], name="cursor_consumer_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} {self.organisation_id}#{self.position}"

    @property
    def problem(self) -> str:
        """What went wrong, in one line: the last line of the recorded traceback."""
        lines = [line for line in self.error.splitlines() if line.strip()]
        return lines[-1] if lines else ""


class NumberSeries(models.Model):
    """The last number handed out in one series of an organisation (members, households,
    receipts, letters, statements), and on an installation that numbers from a block reserved
    for it by the series' authority (a mutual's laptop, from its union's server), the end of
    that block (core.numbering). The row lock queues the writers, so no number is given twice."""

    uid = uid_field()
    organisation_id = models.BigIntegerField()
    name = models.CharField(max_length=30)
    last_value = models.PositiveBigIntegerField(default=0)
    # the last number of the block this installation may use; None: the installation is the
    # series' authority and numbers on without end
    block_end = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation_id", "name"], name="number_series"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.name}: {self.last_value}"


class DailyRun(models.Model):
    """A day's run of one daily job (core.daily): written when the job has finished, so that a
    run cut short is done again, and a finished one is not repeated that day."""

    uid = uid_field()
    job = models.CharField(max_length=60)
    day = models.DateField()
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="daily_run_job_day"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class Mail(models.Model):
    """An e-mail waiting to be sent, or sent (core.mail): queued in the transaction of what
    asked for it, sent by `mutualis work`, each on its own, so that one address refused does not
    stop the others and a run cut short sends the rest on the next round. `kind` and `about`
    (the uid of the news item, issue or message it carries) make queuing the same mail to the
    same address twice do nothing."""

    uid = uid_field()
    kind = models.CharField(max_length=40)
    about = models.UUIDField(null=True, blank=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)  # List-Unsubscribe and the like
    queued_at = models.DateTimeField(default=timezone.now)
    next_try_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # what the server last said, when it refused

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "about", "to"],
                condition=models.Q(about__isnull=False),
                name="mail_once",
            ),
        ]
        indexes = [
            # the mails still to send, by when they may next be tried
            models.Index(
                fields=["next_try_at"],
                condition=models.Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="mail_waiting",
            ),
            models.Index(fields=["kind", "about"], name="mail_about"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
