"""The address a request comes from, as the reverse proxies we trust report it.

A proxy appends the address it received the request from to X-Forwarded-For; everything left
of what our own proxies wrote was written by the client and may be forged. So the client is the
right-most address that is not one of our proxies, walking from the connection itself:
`MUTUALIS_TRUSTED_PROXIES` lists them (none by default: the connection's address is the
client's, and X-Forwarded-For is ignored).
"""

import ipaddress

from django.conf import settings


def is_trusted_proxy(address) -> bool:
    return any(address in network for network in settings.MUTUALIS_TRUSTED_PROXIES)


def client_address(request) -> str | None:
    """The client's address: the connection's unless it comes from a trusted proxy, then the
    right-most address of X-Forwarded-For that is not a trusted proxy. A value that is not an
    address (a broken or forged header) stops the walk at the last proxy."""
    nearest = request.META.get("REMOTE_ADDR")
    try:
        hop = ipaddress.ip_address(nearest)
    except (TypeError, ValueError):
        return nearest or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while is_trusted_proxy(hop) and forwarded:
        try:
            hop = ipaddress.ip_address(forwarded.pop().strip())
        except ValueError:
            break
    return str(hop)
