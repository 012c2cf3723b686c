import secrets

from django.core.management.base import BaseCommand, CommandError

from mutualis.config.api import key_digest
from mutualis.federation.models import ApiToken, User


class Command(BaseCommand):
    help = "Makes an API key for a user; the key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="what the key is for, e.g. 'serveur de l'union'")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        key = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, name=name, digest=key_digest(key))
        self.stdout.write(key)
