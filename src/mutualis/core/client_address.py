"""The address a request comes from, as the reverse proxies we trust report it.

A proxy appends the address it received the request from to X-Forwarded-For; everything left
of what our own proxies wrote was written by the client and may be forged. So the client is the
right-most address that is not one of our proxies, walking from the connection itself:
`MUTUALIS_TRUSTED_PROXIES` lists them (none by default: the connection's address is the
client's, and X-Forwarded-For is ignored).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.MUTUALIS_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connection's unless it comes from a trusted proxy, then the
    right-most address of X-Forwarded-For that is not a trusted proxy. A value that is not an
    address (a broken or forged header) stops the walk at the last proxy."""
    nearest = request.META.get("REMOTE_ADDR")
    try:
        # A missing REMOTE_ADDR (None) is refused here like a bad address, on purpose.
        hop = ipaddress.ip_address(nearest)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return nearest or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while is_trusted_proxy(hop) and forwarded:
        try:
            hop = ipaddress.ip_address(forwarded.pop().strip())
        except ValueError:
            break
    return str(hop)


def ip_or_none(address: str | None) -> str | None:
    """The client's address when it is one; None for a socket's empty or odd name, which then
    counts only against the limits for everyone (a row's address column takes addresses only)."""
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None
