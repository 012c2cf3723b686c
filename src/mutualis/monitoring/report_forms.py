"""The forms of the periodic reports' pages: a month's figures, the filled template, the target
population, and the union's decision."""

import datetime
import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mutualis.core.bounds import MAX_AMOUNT
from mutualis.core.forms import CharField
from mutualis.monitoring.figures import BASE
from mutualis.monitoring.rules import GROUPS, REQUIRED

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> datetime.date | None:
    """`2026-03` → 1 March 2026; None for anything else."""
    match = MONTH.match((text or "").strip())
    if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
        return None
    return datetime.date(int(match[1]), int(match[2]), 1)


class ReportForm(forms.Form):
    """One field per figure a report asks for, named by its code; blank is missing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in GROUPS:
            for code in group.codes:
                self.fields[code] = forms.IntegerField(
                    label=capfirst(BASE[code].name),
                    min_value=0,
                    max_value=MAX_AMOUNT,
                    required=code in REQUIRED,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                )

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(group.label, [self[code] for code in group.codes]) for group in GROUPS]

    def figures(self) -> dict[str, int]:
        return {code: value for code, value in self.cleaned_data.items() if value is not None}


class UploadForm(forms.Form):
    month = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("filled template (.xlsx)"))


class TargetPopulationForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    population = forms.IntegerField(label=_("target population"), min_value=1, max_value=MAX_AMOUNT)
    source = CharField(label=_("source"), max_length=200)


class DecisionForm(forms.Form):
    ACCEPT, RETURN, REOPEN = "accept", "return", "reopen"
    action = forms.ChoiceField(
        choices=[(ACCEPT, _("accept")), (RETURN, _("return")), (REOPEN, _("reopen"))]
    )  # the button pressed
    comment = CharField(
        label=_("comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
