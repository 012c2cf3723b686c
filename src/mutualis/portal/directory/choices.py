"""The directory's vocabularies: what kind of organisation an actor is, how it belongs to the
network, a person's role in a national committee, and who may read a field."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUPPORT = "support", _("Support structure")
    UNION = "union", _("Union or network of mutuals")
    NGO = "ngo", _("NGO or association")
    PUBLIC = "public", _("Public body")
    DONOR = "donor", _("Donor or technical partner")
    RESEARCH = "research", _("Research or training")
    OTHER = "other", _("Other")


class Membership(models.TextChoices):
    MEMBER = "member", _("Member of the network")
    PARTNER = "partner", _("Partner")


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Member")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
