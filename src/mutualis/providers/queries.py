"""Reads of providers, acts and medicines, and agreements; every list shown to a user comes
through core.access.scoped."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length

from mutualis.core.access import ancestor_paths, scoped
from mutualis.core.periods import in_force
from mutualis.federation.models import Location, Organisation, RoleGrant, User
from mutualis.federation.rules import Role
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Provider, Tariff


def providers_visible(user) -> QuerySet[Provider]:
    """Providers registered inside the user's scope and by the unions above it."""
    return scoped(Provider.objects.select_related("owner", "location"), user)


def provider_search(
    user, *, text: str = "", kind: str = "", level: str = "", location: Location | None = None
) -> QuerySet[Provider]:
    found = providers_visible(user)
    if text:
        found = found.filter(Q(name__icontains=text) | Q(code__icontains=text))
    if kind:
        found = found.filter(kind=kind)
    if level:
        found = found.filter(level=level)
    if location is not None:
        found = found.filter(location=location)
    return found.order_by("name", "pk")


def provider_communes(user) -> QuerySet[Location]:
    """The communes where the providers a user sees are: the choices of the list's filter."""
    return (
        Location.objects.filter(pk__in=providers_visible(user).values("location"))
        .select_related("parent")
        .order_by("name")
    )


def clerks_for(user, provider: Provider | None = None) -> QuerySet[User]:
    """Who may be named a provider's clerk: the active provider clerks in the user's scope, and
    the provider's present clerks (one named by a national administrator stays a choice)."""
    clerks = RoleGrant.objects.filter(role=Role.PROVIDER_CLERK).values("user")
    chosen = Q(pk__in=scoped(User.objects.filter(pk__in=clerks, is_active=True), user).values("pk"))
    if provider is not None:
        chosen |= Q(pk__in=provider.staff.values("pk"))
    return User.objects.filter(chosen).order_by("last_name", "first_name", "username")


def items_visible(user) -> QuerySet[MedicalItem]:
    """Acts and medicines defined inside the user's scope and by the unions above it."""
    return scoped(MedicalItem.objects.select_related("owner"), user)


def item_search(
    user, *, text: str = "", kind: str = "", service_category: str = ""
) -> QuerySet[MedicalItem]:
    found = items_visible(user)
    if text:
        found = found.filter(Q(code__icontains=text) | Q(label__icontains=text))
    if kind:
        found = found.filter(kind=kind)
    if service_category:
        found = found.filter(service_category=service_category)
    return found.order_by("code", "owner__path")


def items_available_to(organisation: Organisation) -> QuerySet[MedicalItem]:
    """The active acts and medicines an organisation's agreements and claims name: the national
    list (owned by the national union) and the additions of the unions above the organisation.
    Where two share a code, the nearest owner's wins: a union's own consultation replaces the
    national one for its mutuals. The owners are all ancestors of one path, so the nearer an
    owner, the longer its path."""
    paths = ancestor_paths(organisation.path)
    active = MedicalItem.objects.filter(owner__path__in=paths, active=True)
    nearer = (
        active.filter(code=OuterRef("code"))
        .annotate(owner_depth=Length("owner__path"))
        .filter(owner_depth__gt=OuterRef("owner_depth"))
    )
    return active.annotate(owner_depth=Length("owner__path")).exclude(Exists(nearer))


def agreements_visible(user) -> QuerySet[Agreement]:
    """Agreements signed inside the user's scope and by the unions above it (a union's
    agreement holds for all its mutuals)."""
    return scoped(Agreement.objects.select_related("provider", "party"), user)


def agreement_search(user, *, text: str = "", kind: str = "") -> QuerySet[Agreement]:
    found = agreements_visible(user)
    if text:
        found = found.filter(
            Q(reference__icontains=text)
            | Q(provider__name__icontains=text)
            | Q(provider__code__icontains=text)
        )
    if kind:
        found = found.filter(provider__kind=kind)
    return found.order_by("provider__name", "-starts_on", "pk")


def versions_with_tariffs(agreement: Agreement) -> list[AgreementVersion]:
    """An agreement's versions, newest first, each with its tariffs and their acts (three
    queries whatever their number)."""
    tariffs = Tariff.objects.select_related("item").order_by("item__code")
    return list(
        agreement.versions.prefetch_related(Prefetch("tariffs", queryset=tariffs)).order_by(
            "-valid_from"
        )
    )


def latest_version(agreement: Agreement) -> AgreementVersion | None:
    return agreement.versions.order_by("-valid_from").first()


def version_shown(versions: list[AgreementVersion], day: datetime.date) -> AgreementVersion | None:
    """The version in force on `day`, else the first to come."""
    return in_force(versions, day) or min(versions, key=lambda v: v.valid_from, default=None)
