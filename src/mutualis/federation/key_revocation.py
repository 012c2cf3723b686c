"""Where a user's API keys die with their credentials: the hooks of Django and of django-axes
that tell a password changed or a sign-in locked, each calling the one service that revokes
(services.api_keys_revoke_for). A deactivation is a service of ours and calls it itself."""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum
from django.utils.translation import gettext as _

from mutualis.federation.models import ApiToken, User
from mutualis.federation.services import api_keys_revoke_for


class KeysDieWithThePassword:
    """Not a rule on passwords: Django tells every password validator when a password has
    changed, after the user is saved, on every path that sets one (our services, Django's
    password forms, `changepassword`, a shell) and never on a mere upgrade of its hash, which is
    no change of credentials. The keys made under the old password die with it."""

    def validate(self, password, user=None) -> None:
        pass

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            api_keys_revoke_for(by=None, user=user, reason=ApiToken.Revocation.PASSWORD_CHANGED)

    def get_help_text(self) -> str:
        return _("A new password revokes your API keys, except those an administrator kept.")


def revoke_keys_of_locked_user(sender, request, username, ip_address, **kwargs) -> None:
    """Receives axes' `user_locked_out`, sent when a failed sign-in reaches the limit on any
    of the lockout parameters: the user's keys die only when their own name reached it, not
    when their address did (someone at that address may have tried other names)."""
    if not username:
        return
    failures = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    if (failures or 0) < get_failure_limit(request, {"username": username}):
        return
    user = User.objects.filter(username=username).first()
    if user is not None:
        api_keys_revoke_for(by=None, user=user, reason=ApiToken.Revocation.LOCKED)
