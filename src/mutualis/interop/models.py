"""The interoperability app's tables: those of DHIS2 (interop.dhis2.models)."""

from mutualis.interop.dhis2.models import ElementMap, OrgUnitMap, Push, Server

__all__ = ["ElementMap", "OrgUnitMap", "Push", "Server"]
