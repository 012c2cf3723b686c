"""The newsletter's section of the public home (core.home, docs/public-site.md): the latest
issue of the Courrier and the way to receive it, and the flash news, by e-mail."""

import datetime

from django.http import HttpRequest

from mutualis.core.home import Section
from mutualis.portal.newsletter import queries


def by_email(request: HttpRequest, today: datetime.date) -> dict:
    return {"latest": queries.archive().first()}


PUBLIC_SECTIONS = [Section("newsletter/home/by_email.html", by_email, order=15)]
