from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "mutualis.accounting"
    label = "accounting"
    verbose_name = _("Books")

    def ready(self) -> None:
        from mutualis.accounting.chart import load_shipped

        post_migrate.connect(load_shipped, sender=self)
