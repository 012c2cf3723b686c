"""The vocabularies of an inventory record (issue 16, docs/inventory.md): the words the
Concertation's inventory used, kept as stable codes in the data and the open data, and said in
the reader's language on the pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """Where a mutual stands in the year of the record: the synthesis counts them by status."""

    FUNCTIONING = "functioning", _("functioning")
    STARTING = "starting", _("starting")
    PROJECT = "project", _("in project")
    STOPPED = "stopped", _("stopped")


class State(models.TextChoices):
    """Where a record stands with the country's focal point."""

    SUBMITTED = "submitted", _("waiting for validation")
    VALIDATED = "validated", pgettext_lazy("inventory record", "validated")
    RETURNED = "returned", pgettext_lazy("inventory record", "returned")


class MutualType(models.TextChoices):
    COMMUNITY = "community", _("community")
    PROFESSIONAL = "professional", _("professional")
    WORKPLACE = "workplace", _("workplace")
    MICROFINANCE = "microfinance", _("microfinance-linked")
    OTHER = "other", _("other")


class LegalStatus(models.TextChoices):
    MUTUAL = "mutual", _("mutual under the mutuality law")
    ASSOCIATION = "association", _("association")
    COOPERATIVE = "cooperative", _("cooperative")
    INFORMAL = "informal", _("not registered")


class Level(models.TextChoices):
    """The highest level of the health pyramid the package covers."""

    PRIMARY = "primary", _("primary care")
    SECONDARY = "secondary", _("primary and secondary care")
    TERTIARY = "tertiary", _("up to the university hospital")


class Service(models.TextChoices):
    CONSULTATION = "consultation", _("consultations")
    DRUGS = "drugs", _("medicines")
    CHILDBIRTH = "childbirth", _("childbirth")
    HOSPITALISATION = "hospitalisation", _("hospitalisation")
    SURGERY = "surgery", _("surgery")
    TESTS = "tests", _("laboratory and imaging")
    TRANSPORT = "transport", _("evacuation")


class Period(models.TextChoices):
    """The period a contribution is paid for; `PER_YEAR` turns it into a year's."""

    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


PER_YEAR: dict[str, int] = {Period.MONTH: 12, Period.QUARTER: 4, Period.YEAR: 1}


class Tool(models.TextChoices):
    PAPER = "paper", _("paper registers")
    SPREADSHEET = "spreadsheet", _("spreadsheets")
    MAS_GESTION = "mas_gestion", _("MAS Gestion")
    SIGMA = "sigma", _("SIGMA")
    OPENIMIS = "openimis", _("openIMIS")
    MUTUALIS = "mutualis", _("Mutualis")
    OTHER = "other", _("other software")
