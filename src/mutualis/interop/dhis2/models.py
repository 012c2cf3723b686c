"""What a union keeps to send its mutuals' figures to DHIS2 (docs/dhis2.md): its server, the data
element of each indicator or base figure, the org unit of each organisation, and its pushes.

A union's settings, not a mutual's operations: each row belongs to the union that set it, and
its officers see and change only their own union's (an officer of the national union sets the
national server; a departmental union may keep its own)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation


class IdScheme(models.TextChoices):
    UID = "UID", _("UID (11 characters given by DHIS2)")
    CODE = "CODE", _("code")


class Server(models.Model):
    """The DHIS2 server a union sends to. The password is kept sealed (core.sealed) to sign the
    requests (HTTP Basic) and is never shown back; the audit trail records that it changed, not
    its value."""

    SCOPE_PATH = "union__path"

    uid = uid_field()
    union = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    base_url = models.CharField(_("base URL"), max_length=300)
    username = models.CharField(_("user name"), max_length=100)
    password = models.CharField(_("password"), max_length=500)  # sealed: core.sealed
    data_set = models.CharField(_("data set"), max_length=50)
    id_scheme = models.CharField(
        _("identifier scheme"), max_length=4, choices=IdScheme.choices, default=IdScheme.UID
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["union"], name="dhis2_server_union_unique")]

    def __str__(self) -> str:
        return f"{self.union_id} {self.base_url}"


class ElementMap(models.Model):
    """The data element (and category option combination, when the data set splits it) an
    indicator of the catalogue or a base figure goes to, by the union's identifier scheme."""

    SCOPE_PATH = "union__path"

    uid = uid_field()
    union = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)  # an indicator's code (M.2) or a base figure's (visits)
    data_element = models.CharField(_("data element"), max_length=50)
    category_option_combo = models.CharField(
        _("category option combination"), max_length=50, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["union", "code"], name="dhis2_element_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.code} → {self.data_element}"


class OrgUnitMap(models.Model):
    """The DHIS2 org unit of an organisation of the union's subtree (a mutual, or a union for
    its summed figures)."""

    SCOPE_PATH = "union__path"

    uid = uid_field()
    union = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    org_unit = models.CharField(_("org unit"), max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["union", "organisation"], name="dhis2_org_unit_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.organisation_id} → {self.org_unit}"


class Push(models.Model):
    """One sending of figures to the union's server: which organisations and months, in chunks
    of `chunk_size` organisation-months a request, and what the server said. `chunks_done`
    counts the chunks the server acknowledged: a push cut short starts again after them. Asked
    for on a page, a push waits for `mutualis work` (core.tasks), which sends it."""

    SCOPE_PATH = "union__path"

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting to be sent")
        RUNNING = "running", _("under way")
        STOPPED = "stopped", _("stopped, to resume")
        DONE = "done", _("done")

    class Format(models.TextChoices):
        JSON = "json", _("dataValueSets (JSON)")
        ADX = "adx", _("ADX (XML)")

    uid = uid_field()
    union = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    organisations = models.JSONField(default=list)  # their ids, in the order they are sent
    months = models.JSONField(default=list)  # "2026-07", in order
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.JSON)
    dry_run = models.BooleanField(default=False)
    chunk_size = models.PositiveIntegerField()
    chunks_total = models.PositiveIntegerField()
    chunks_done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    values_sent = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    ignored = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    # what the server refused and why, as it said it ({"object", "value"}); the first ones only
    conflicts = models.JSONField(default=list)
    conflict_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why the push stopped

    class Meta:
        indexes = [models.Index(fields=["union", "-started_at"], name="dhis2_push_union")]

    def __str__(self) -> str:
        return f"{self.union_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
