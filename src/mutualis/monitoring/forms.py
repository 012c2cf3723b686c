from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.monitoring.catalogue import CATALOGUE, Thresholds


def bound(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=-100_000,
        max_value=100_000,
    )


class ThresholdForm(forms.Form):
    """A union's thresholds for one indicator, as read on the dashboard: a percentage for a
    rate, the average itself for an average; all empty goes back to the thresholds above."""

    indicator = forms.ChoiceField(
        label=_("indicator"),
        choices=[(i.code, f"{i.code} · {i.name}") for i in CATALOGUE],
    )
    warn_below = bound(_("warning below"))
    alarm_below = bound(_("alarm below"))
    warn_above = bound(_("warning above"))
    alarm_above = bound(_("alarm above"))

    def bounds(self) -> Thresholds | None:
        """In basis points (or hundredths): the same hundredfold for both units."""
        given = {
            name: None if value is None else int((value * 100).to_integral_value())
            for name, value in self.cleaned_data.items()
            if name != "indicator"
        }
        return None if all(v is None for v in given.values()) else Thresholds(**given)


class SubscriptionForm(forms.Form):
    """Receive an organisation's alerts by e-mail ("1") or stop them ("0")."""

    subscribe = forms.ChoiceField(
        label=_("alerts by e-mail"), choices=[("1", _("receive")), ("0", _("stop"))]
    )
