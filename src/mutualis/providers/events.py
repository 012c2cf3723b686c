"""The events of the providers' registry, in the log of the organisation that registered the
provider (core.events), in the transaction of the change, version 1, about the provider:

- `provider.registered` and `provider.changed`: {"provider", "code", "name", "kind", "level",
  "sector", "active"}: what the provider is now, so that a consumer (the indicators' use and
  cost of care) names it and knows its level of care without reading the registry.

Uids as strings.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.providers.models import Provider

REGISTERED, CHANGED = "provider.registered", "provider.changed"
# the fields the events carry: a change of another (an address, a phone) appends none
SAID = ("code", "name", "kind", "level", "sector", "active")


def provider_event(kind: str, provider: Any) -> NewEvent:
    """From a provider, or anything holding its fields."""
    return NewEvent(
        kind,
        provider.uid,
        {"provider": str(provider.uid), **{name: getattr(provider, name) for name in SAID}},
    )


TRACES = [Trace("providers", Provider.objects.all, (REGISTERED,))]

KINDS = [
    Kind(REGISTERED, _("Provider registered")),
    Kind(CHANGED, _("Provider changed")),
]
