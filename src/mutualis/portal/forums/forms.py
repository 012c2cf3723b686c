"""The forums' forms. They parse; the services judge: a form lets empty and long text through
to the service, whose message names the field and the rule (forums.rules.text_error), so that
a page, a test and any later API say the same thing. The browser is still told the limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import CharField
from mutualis.portal.forums.rules import (
    BODY_MAX,
    REASON_MAX,
    THEME_DESCRIPTION_MAX,
    THEME_TITLE_MAX,
    TOPIC_TITLE_MAX,
)


def line(label: str, limit: int, required: bool = True) -> CharField:
    attrs = {"maxlength": limit, **({"required": True} if required else {})}
    return CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


def text(
    label: str, limit: int, rows: int, required: bool = True, help_text: str = ""
) -> CharField:
    attrs = {"maxlength": limit, "rows": rows, **({"required": True} if required else {})}
    return CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs=attrs)
    )


PLAIN = _("Plain text: a blank line starts a paragraph; web addresses become links.")


class TopicForm(forms.Form):
    title = line(_("Title"), TOPIC_TITLE_MAX)
    body = text(_("Message"), BODY_MAX, rows=8, help_text=PLAIN)


class ReplyForm(forms.Form):
    body = text(_("Your reply"), BODY_MAX, rows=6, help_text=PLAIN)


class PostModerationForm(forms.Form):
    reason = text(_("Reason"), REASON_MAX, rows=3, help_text=_("Shown to the author."))


class TopicCloseForm(forms.Form):
    reason = text(_("Reason"), REASON_MAX, rows=3, help_text=_("Shown to the readers."))


class ThemeForm(forms.Form):
    title = line(_("Title"), THEME_TITLE_MAX)
    description = text(_("Description"), THEME_DESCRIPTION_MAX, rows=3, required=False)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("Themes are listed by this number, then by title."),
    )
