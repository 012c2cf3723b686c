"""Secrets Mutualis must give back to someone else, kept sealed: the password a union's DHIS2
server is signed in to with, later a mail or SMS gateway's. A hash will not do, since the
password itself is sent; in clear, whoever reads a backup or the database reads it too.

Sealed with Fernet (AES-128-CBC and HMAC-SHA256, from the `cryptography` package) under a key
derived from SECRET_KEY as HMAC-SHA256(SECRET_KEY, "mutualis.sealed.v1"). A backup is useless
without the installation's secret key, which is kept apart from it (var/secret_key, or the
environment). When the key is changed, the keys in SECRET_KEY_FALLBACKS still open what they
sealed; a secret sealed under a key no longer known cannot be opened, and must be given again.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

DERIVATION_LABEL = b"mutualis.sealed.v1"


def fernet_key(secret_key: str) -> bytes:
    digest = hmac.new(secret_key.encode(), DERIVATION_LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)


def sealer() -> MultiFernet:
    """Seals under the current secret key; opens under it or any of its fallbacks."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(fernet_key(key)) for key in keys])


def seal(secret: str) -> str:
    return sealer().encrypt(secret.encode()).decode("ascii")


def unsealed(sealed: str) -> str | None:
    """The secret, or None when no key known to this installation sealed it."""
    try:
        return sealer().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        return None
