from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mutualis.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from mutualis.core.bounds import guard_model_fields

        guard_model_fields(
            model for model in apps.get_models() if model.__module__.startswith("mutualis.")
        )
