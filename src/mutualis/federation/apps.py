from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "mutualis.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        # axes tells a lock of a user's sign-in only by this signal
        from axes.signals import user_locked_out

        from mutualis.federation.key_revocation import revoke_keys_of_locked_user

        user_locked_out.connect(revoke_keys_of_locked_user, dispatch_uid="revoke_keys_on_lock")
