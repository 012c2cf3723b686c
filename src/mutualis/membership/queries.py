"""Reads of the register for views and API, through core.access.scoped."""

from django.db.models import Prefetch, QuerySet

from mutualis.benefits.choices import Relationship
from mutualis.core.access import scoped
from mutualis.membership.models import Beneficiary, Household, SearchToken
from mutualis.membership.rules import query_words

SEARCH_LIMIT = 50


def with_heads(lookup: str = "beneficiaries") -> Prefetch:
    """Loads the heads of many households in one query, for lists that name households by
    their head (Household.head): `prefetch_related(with_heads("household__beneficiaries"))`
    on payments, `with_heads()` on households."""
    heads = Beneficiary.objects.filter(relationship=Relationship.HEAD)
    return Prefetch(lookup, queryset=heads, to_attr="heads")


def households_visible(user) -> QuerySet[Household]:
    return scoped(Household.objects.select_related("mutual", "package"), user)


def prefix_range(word: str) -> tuple[str, str]:
    """Words starting with `word` are those in [word, word + the highest character): a range
    scan on an ordinary index, on every database."""
    return word, word + "\uffff"


def household_search(user, query: str, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Households in scope with a member whose words start with every word of the query: a
    name (accents and case ignored, any part of it), a member number, a phone number or a
    household number ("h123"). Each word is one index range."""
    words = query_words(query)
    if not words or not getattr(user, "scope_prefix", None):
        return []
    matches = None
    for word in sorted(words, key=len, reverse=True):
        low, high = prefix_range(word)
        found = SearchToken.objects.filter(
            token__gte=low, token__lt=high, mutual__path__startswith=user.scope_prefix
        )
        ids = found.values("beneficiary_id")
        matches = ids if matches is None else matches.filter(beneficiary_id__in=ids)
    household_ids = (
        Beneficiary.objects.filter(pk__in=matches).values("household_id").distinct()[:limit]
    )
    return list(
        Household.objects.filter(pk__in=household_ids)
        .select_related("mutual", "package")
        .prefetch_related(Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("pk")))
        .order_by("mutual__name", "number")
    )
