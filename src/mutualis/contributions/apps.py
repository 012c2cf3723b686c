from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "mutualis.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self) -> None:
        from mutualis.contributions import standing
        from mutualis.membership.signals import households_changed

        households_changed.connect(standing.on_households_changed, dispatch_uid="standing")
