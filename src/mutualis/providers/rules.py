"""The vocabulary of health providers and of what they bill (DOMAIN.md §5)."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import LevelOfCare


class ProviderKind(models.TextChoices):
    HEALTH_POST = "health_post", _("health post")
    HEALTH_CENTRE = "health_centre", _("health centre")
    DISTRICT_HOSPITAL = "district_hospital", _("district hospital")
    REGIONAL_HOSPITAL = "regional_hospital", _("regional hospital")
    NATIONAL_HOSPITAL = "national_hospital", _("national hospital")
    PHARMACY = "pharmacy", _("pharmacy")
    LABORATORY = "laboratory", _("laboratory")
    PRIVATE_CLINIC = "private_clinic", _("private clinic")


class Sector(models.TextChoices):
    PUBLIC = "public", _("public")
    PRIVATE = "private", _("private")
    COMMUNITY = "community", _("community")
    FAITH_BASED = "faith_based", _("faith-based")


class ItemKind(models.TextChoices):
    """An act (consultation, delivery, X-ray), a medicine, or a flat fee (forfait) that pays a
    whole episode at one price: a flat fee is billed once per claim."""

    ACT = "act", _("act")
    MEDICINE = "medicine", _("medicine")
    FLAT_FEE = "flat_fee", _("flat fee per episode")


# The level of care a provider of each kind gives unless told otherwise: what a package's
# coverage rules are looked up by. A private clinic gives hospital care.
DEFAULT_LEVEL: dict[str, LevelOfCare] = {
    ProviderKind.HEALTH_POST: LevelOfCare.HEALTH_POST,
    ProviderKind.HEALTH_CENTRE: LevelOfCare.HEALTH_CENTRE,
    ProviderKind.DISTRICT_HOSPITAL: LevelOfCare.DISTRICT_HOSPITAL,
    ProviderKind.REGIONAL_HOSPITAL: LevelOfCare.REGIONAL_HOSPITAL,
    ProviderKind.NATIONAL_HOSPITAL: LevelOfCare.NATIONAL_HOSPITAL,
    ProviderKind.PHARMACY: LevelOfCare.PHARMACY,
    ProviderKind.LABORATORY: LevelOfCare.LABORATORY,
    ProviderKind.PRIVATE_CLINIC: LevelOfCare.DISTRICT_HOSPITAL,
}


def max_quantity_error(kind: str, max_quantity: int | None) -> str | None:
    """Why a maximum quantity per claim does not suit an item of this kind, or None. It is at
    least one; a flat fee pays a whole episode at one price (DOMAIN.md §5, the glossary's
    *forfait*), so it is billed once per claim, as the database also requires."""
    if max_quantity is not None and max_quantity < 1:
        return gettext("A maximum quantity is at least 1; leave it empty for no limit.")
    if kind == ItemKind.FLAT_FEE and max_quantity not in (None, 1):
        return gettext(
            "A flat fee pays a whole episode: it is billed once per claim (maximum quantity 1)."
        )
    return None


def max_quantity_for(kind: str, max_quantity: int | None) -> int | None:
    """The maximum quantity to record: 1 for a flat fee left blank, as typed otherwise."""
    return 1 if kind == ItemKind.FLAT_FEE and max_quantity is None else max_quantity
