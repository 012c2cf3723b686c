"""Limits on what visitors ask of the site by e-mail (subscribing to the news, a link to choose a
new password): so many requests an hour from one connection, so many a day for one address,
counted over the times of the last day's requests. Pure: each app says the refusal its own way."""

import datetime
from collections.abc import Sequence
from typing import NamedTuple

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


class Reached(NamedTuple):
    """The limit a request reached: "client" (its connection, in the last hour) or "address"
    (its e-mail address, in the last 24 hours), and how many `requests` were counted."""

    limit: str
    requests: int


def limit_reached(
    *,
    from_client: Sequence[datetime.datetime],
    for_address: Sequence[datetime.datetime],
    now: datetime.datetime,
    per_client_hour: int,
    per_address_day: int,
) -> Reached | None:
    """The limit a new request reaches now, the connection's first; None when it is taken."""
    last_hour = sum(1 for at in from_client if now - at < HOUR)
    if last_hour >= per_client_hour:
        return Reached("client", last_hour)
    last_day = sum(1 for at in for_address if now - at < DAY)
    if last_day >= per_address_day:
        return Reached("address", last_day)
    return None
