from django.urls import include, path
from django.views.i18n import set_language

from mutualis.config.api import api
from mutualis.core import views as core_views
from mutualis.core.access import public

urlpatterns = [
    path("health", core_views.health, name="health"),
    path("api/", api.urls),
    path("fhir/r4/", include("mutualis.interop.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("", include("mutualis.federation.urls")),
    path("", include("mutualis.benefits.urls")),
    path("", include("mutualis.membership.urls")),
    path("", include("mutualis.contributions.urls")),
    path("", include("mutualis.providers.urls")),
    path("", include("mutualis.settlements.urls")),
    path("", include("mutualis.claims.urls")),
    path("", include("mutualis.accounting.urls")),
    path("", include("mutualis.monitoring.urls")),
    path("", include("mutualis.inventory.urls", namespace="inventory")),
    path("", include("mutualis.interop.dhis2.urls")),
    path("", include("mutualis.portal.urls")),
    path("network/forums/", include("mutualis.portal.forums.urls")),
    path("network/newsletter/", include("mutualis.portal.newsletter.urls")),
    path("network/directory/", include("mutualis.portal.directory.urls")),
]

# An exception no view caught: answered in the caller's format, 503 when the disk is full.
handler500 = "mutualis.core.faults.server_error"
