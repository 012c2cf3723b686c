from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mutualis.federation.models import ApiToken, User
from mutualis.federation.services import api_key_create, api_key_revoke


def moment(at) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


class Command(BaseCommand):
    help = (
        "Makes an API key for a user (printed once, never stored): api_key USERNAME NAME "
        "[--kept]; lists a user's keys: api_key --list USERNAME; revokes one: api_key --revoke "
        "KEY_ID (an id the list shows)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument(
            "name", nargs="?", help="what the key is for, e.g. 'serveur de l'union'"
        )
        parser.add_argument(
            "--kept",
            action="store_true",
            help="the key survives its user's password change, deactivation and sign-in lock",
        )
        actions = parser.add_mutually_exclusive_group()
        actions.add_argument(
            "--list", dest="owner", metavar="USERNAME", help="list the keys of this user"
        )
        actions.add_argument("--revoke", metavar="KEY_ID", help="revoke this key")

    def handle(self, *args, username, name, kept, owner, revoke, **options):
        try:
            if owner:
                self.list_keys(owner)
            elif revoke:
                self.revoke(revoke)
            elif username and name:
                self.make(username, name, kept)
            else:
                raise CommandError("Give a user name and a name for the key, --list or --revoke.")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def make(self, username: str, name: str, kept: bool) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        self.stdout.write(api_key_create(by=None, user=user, name=name, kept=kept))

    def list_keys(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        for key in user.api_tokens.order_by("-created_at", "-id"):
            state = (
                f"revoked {moment(key.revoked_at)} ({key.get_revoked_reason_display()})"
                if key.revoked_at
                else "active" + (", kept by the administrator" if key.kept_by_administrator else "")
            )
            last_use = moment(key.last_used_at) if key.last_used_at else "never"
            self.stdout.write(
                f"{key.uid}  {key.name}  made {moment(key.created_at)}"
                f"  last used {last_use}  {state}"
            )

    def revoke(self, key_id: str) -> None:
        try:
            key = ApiToken.objects.select_related("user__organisation").get(uid=key_id)
        except (ApiToken.DoesNotExist, ValidationError) as error:
            raise CommandError(f"No API key {key_id!r}.") from error
        api_key_revoke(by=None, key=key)
        self.stdout.write(f"Revoked: {key}.")
