"""The directory of the network's actors (issue 16 item 2, docs/directory.md): organisations
(members of the network and partners), people, and the national committees with their seats.

An entry belongs to the organisation of the installation whose portal editor keeps it (`owner`,
as the library's documents and the forums' themes do): the editors whose scope holds the owner
change it. Entries are retired, never deleted. Each entry says which of its fields only signed-in
members may read (`members_only`, a list of field names, directory.rules); the others are
public. The country focal points are the inventory's (inventory.FocalPoint), not kept here."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation
from mutualis.portal.directory.choices import Kind, Membership, SeatRole


class Entry(models.Model):
    """What every entry of the directory has: its keeper, who may read which field, and when
    it was retired (kept, no longer listed)."""

    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    members_only = models.JSONField(_("members-only fields"), default=list, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Institution(Entry):
    """An organisation of the network: a member of the Concertation or a partner."""

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    membership = models.CharField(_("membership"), max_length=10, choices=Membership.choices)
    country = models.CharField(_("country"), max_length=2)
    # the other countries it works in: ISO codes separated by spaces (" ML BF "), so that a
    # filter by country reads one column on SQLite as on PostgreSQL
    other_countries = models.CharField(_("other countries"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # the same organisation in this installation's federation, when it is one
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation of the federation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            # the public list: the entries still listed, of a country, by name
            models.Index(fields=["retired_at", "country", "name"], name="dir_institution_country"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", kwargs={"uid": self.uid})

    @property
    def countries(self) -> list[str]:
        return [self.country, *self.other_countries.split()]


class Person(Entry):
    """A person of the network: a member's staff, a partner's officer, a researcher."""

    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title or function"), max_length=150, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    country = models.CharField(_("country"), max_length=2)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    # language codes separated by spaces ("fr en")
    languages = models.CharField(_("languages"), max_length=50, blank=True)
    expertise = models.TextField(_("areas of expertise"), blank=True)
    # the person's own account: they choose which of their fields are members-only
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_person",
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["retired_at", "country", "name"], name="dir_person_country"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:person", kwargs={"uid": self.uid})


class Committee(models.Model):
    """A country's national committee of the network: one a country."""

    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    country = models.CharField(_("country"), max_length=2)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["country"], name="dir_committee_one_a_country"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:committees") + f"#{self.country}"


class Seat(models.Model):
    """A person's seat in a national committee, with their role in it. A seat that ends is
    kept, with the day it ended: the committee's history stays."""

    SCOPE_PATH = "committee__owner__path"

    uid = uid_field()
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="seats")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="seats")
    role = models.CharField(_("role"), max_length=20, choices=SeatRole.choices)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person"],
                condition=models.Q(ended_at__isnull=True),
                name="dir_seat_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.person}"
