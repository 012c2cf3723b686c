"""The portal's vocabularies: kinds of documents and gatherings, themes, languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentKind(models.TextChoices):
    ARTICLE = "article", _("article")
    STUDY = "study", _("study")
    MONOGRAPH = "monograph", _("monograph")
    CASE_STUDY = "case_study", _("case study")
    LEGAL_TEXT = "legal_text", _("legal text")
    GUIDE = "guide", _("guide or tool")
    PROCEEDINGS = "proceedings", _("forum proceedings")
    NEWSLETTER = "newsletter", _("newsletter")


class DocumentStatus(models.TextChoices):
    # a signed-in user's proposal waits for a portal editor, who publishes or rejects it
    PROPOSED = "proposed", _("proposed")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    # taken out of the library by an editor (a wrong file, a right holder's request): kept,
    # with its reason, never deleted
    WITHDRAWN = "withdrawn", _("withdrawn")


class Theme(models.TextChoices):
    FINANCING = "financing", _("health financing")
    UHC = "uhc", _("universal health coverage")
    GOVERNANCE = "governance", _("governance and management")
    BENEFITS = "benefits", _("benefit packages")
    PROVIDERS = "providers", _("providers and quality of care")
    LAW = "law", _("legal framework")
    NETWORKS = "networks", _("unions and networks")
    GENDER = "gender", _("women and gender")
    MONITORING = "monitoring", _("monitoring and evaluation")
    INFORMATION = "information", _("information systems")


class Language(models.TextChoices):
    # each written in its own language, as language switches are
    FRENCH = "fr", "français"
    ENGLISH = "en", "English"
    PORTUGUESE = "pt", "português"


class GatheringKind(models.TextChoices):
    WORKSHOP = "workshop", _("workshop")
    TRAINING = "training", _("training")
    FORUM = "forum", _("forum")
    MEETING = "meeting", _("meeting")


class ApplicationState(models.TextChoices):
    # the applicant has not yet followed the link mailed to them
    UNCONFIRMED = "unconfirmed", _("address not confirmed")
    WAITING = "waiting", _("waiting for an editor")
    # "an application", feminine in French ("une demande"), unlike a report
    ACCEPTED = "accepted", pgettext_lazy("application", "accepted")
    REFUSED = "refused", pgettext_lazy("application", "refused")
    # confirmed by an address that already had an account or a waiting application: closed,
    # the applicant told so by mail, no second account made
    CLOSED = "closed", _("closed: the address was already known")
