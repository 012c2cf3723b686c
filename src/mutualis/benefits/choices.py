"""The vocabulary of benefit packages: who may be enrolled in which category, which services at
which level of care (domain-rules.md §3). Codes are stable strings; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Contribution categories of a beneficiary; a package may set an amount and subsidies per
    category (Senegal CMU: the State pays 50 % for everyone, 100 % for the indigent)."""

    ADULT = "adult", _("adult")
    CHILD = "child", _("child")
    INDIGENT = "indigent", _("indigent")
    ELDERLY = "elderly", _("elderly person")


class ServiceCategory(models.TextChoices):
    CONSULTATION = "consultation", _("consultation")
    MEDICINES = "medicines", _("medicines")
    LABORATORY = "laboratory", _("laboratory tests")
    IMAGING = "imaging", _("imaging")
    ANTENATAL_CARE = "antenatal_care", _("antenatal care")
    CHILDBIRTH = "childbirth", _("childbirth")
    CAESAREAN = "caesarean", _("caesarean section")
    SURGERY = "surgery", _("surgery")
    HOSPITALISATION = "hospitalisation", _("hospitalisation")
    DENTAL = "dental", _("dental care")
    OPTICAL = "optical", _("optical care")


class LevelOfCare(models.TextChoices):
    HEALTH_POST = "health_post", _("health post")
    HEALTH_CENTRE = "health_centre", _("health centre")
    DISTRICT_HOSPITAL = "district_hospital", _("district hospital")
    REGIONAL_HOSPITAL = "regional_hospital", _("regional hospital")
    NATIONAL_HOSPITAL = "national_hospital", _("national hospital")
    PHARMACY = "pharmacy", _("pharmacy")
    LABORATORY = "laboratory", _("laboratory")
    IMAGING = "imaging", _("imaging centre")
    MATERNITY = "maternity", _("maternity")


class ContributionBasis(models.TextChoices):
    PER_BENEFICIARY = "per_beneficiary", _("per beneficiary")
    PER_HOUSEHOLD = "per_household", _("per household")


class Relationship(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    OTHER = "other", _("other dependent")


class PayerKind(models.TextChoices):
    STATE = "state", _("State")
    LOCAL_AUTHORITY = "local_authority", _("local authority")
    NGO = "ngo", _("non-governmental organisation")
    MFI_SOCIAL_FUND = "mfi_social_fund", _("social fund of a microfinance institution")
    OTHER = "other", _("other third payer")


class PeriodAnchor(models.TextChoices):
    """Where a package's contribution periods start (issue 10, rule 5)."""

    CALENDAR = "calendar", _("the calendar (the first period is prorated)")
    ANNIVERSARY = "anniversary", _("the anniversary of enrolment")


class NewcomerBilling(models.TextChoices):
    """What a dependant added to a household owes for the period they join in (rule 3)."""

    NEXT_PERIOD = "next_period", _("from the next period")
    PRO_RATA = "pro_rata", _("pro rata for the current period")
