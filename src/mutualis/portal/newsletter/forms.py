"""The forms of the lists and the Courrier. They parse; the services judge, so that a page, a
test and any later API say the same thing (the browser is still told the limits)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import CharField, DateInput
from mutualis.portal.forums.forms import line, text
from mutualis.portal.newsletter.models import MailingList
from mutualis.portal.newsletter.rules import (
    ARTICLE_BODY_MAX,
    ARTICLE_TITLE_MAX,
    EMAIL_MAX,
    ISSUE_TITLE_MAX,
)
from mutualis.portal.newsletter.services import ArticleDetails, IssueDetails


class ListsField(forms.MultipleChoiceField):
    def __init__(self) -> None:
        super().__init__(
            label=_("What you want to receive"),
            choices=[
                (MailingList.FLASH, _("The flash news, as they are published")),
                (MailingList.COURRIER, _("The Courrier, the network's newsletter")),
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            initial=[MailingList.FLASH, MailingList.COURRIER],
        )


class LanguageField(forms.ChoiceField):
    def __init__(self) -> None:
        super().__init__(
            label=_("Language of the e-mails"), choices=settings.LANGUAGES, required=False
        )


class SubscribeForm(forms.Form):
    email = CharField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(
            attrs={"maxlength": EMAIL_MAX, "required": True, "autocomplete": "email"}
        ),
    )
    lists = ListsField()
    language = LanguageField()


class OwnSubscribeForm(forms.Form):
    lists = ListsField()
    language = LanguageField()


class IssueForm(forms.Form):
    title_fr = line(_("Title in French"), ISSUE_TITLE_MAX)
    title_en = line(_("Title in English"), ISSUE_TITLE_MAX)
    dated = forms.DateField(label=_("Date of the issue"), widget=DateInput())

    def details(self) -> IssueDetails:
        data = self.cleaned_data
        return IssueDetails(data["title_fr"], data["title_en"], data["dated"])


PLAIN = _("Plain text: a blank line starts a paragraph.")


class ArticleForm(forms.Form):
    title_fr = line(_("Title in French"), ARTICLE_TITLE_MAX)
    body_fr = text(_("Text in French"), ARTICLE_BODY_MAX, rows=10, help_text=PLAIN)
    title_en = line(_("Title in English"), ARTICLE_TITLE_MAX)
    body_en = text(_("Text in English"), ARTICLE_BODY_MAX, rows=10, help_text=PLAIN)
    link = forms.URLField(
        label=_("Link to read more"), max_length=500, required=False, assume_scheme="https"
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Articles are listed by this number; empty puts it last."),
    )

    def details(self) -> ArticleDetails:
        data = self.cleaned_data
        return ArticleDetails(
            title_fr=data["title_fr"],
            title_en=data["title_en"],
            body_fr=data["body_fr"],
            body_en=data["body_en"],
            link=data["link"] or "",
            position=data["position"] or 0,
        )
