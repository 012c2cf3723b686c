"""Numbers that people read — member numbers, household numbers, receipts, guarantee letters,
provider statements — and that must stay unique across installations (issue 13, part 5).

Each series belongs to an organisation and has one authority: the installation that numbers on
without end (the union's server). Another installation that works for the same organisation
offline (a mutual's laptop) numbers from blocks the authority reserved for it: the authority
moves its own series past the block, so neither ever hands out a number of the other's, and
the numbers keep their printed form. An installation set to number from blocks only
(MUTUALIS_NUMBERS_FROM_BLOCKS) refuses to number a series it holds no block of, rather than
start a series of its own that would collide. docs/architecture.md tells the whole scheme.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, When
from django.utils.translation import gettext as _

from mutualis.core.models import NumberSeries


def series_take(organisation_id: int, name: str, count: int = 1) -> int:
    """Reserves `count` numbers of an organisation's series and returns the first. Must run in
    the transaction of the change: the row lock queues the series' writers until it ends."""
    return series_take_each(organisation_id, {name: count})[name]


def series_take_each(organisation_id: int, counts: Mapping[str, int]) -> dict[str, int]:
    """`series_take` for several series of an organisation at once (name → count), in two
    queries rather than three a series: the books number a batch's entries in four journals
    at a time. Returns the first number reserved in each series."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken in the transaction of the change that uses them")
    names = sorted(counts)

    def locked(among: list[str]) -> dict[str, NumberSeries]:
        # locked in the order of their names, whoever asks: two writers never wait on each
        # other's rows
        return {
            series.name: series
            for series in NumberSeries.objects.select_for_update()
            .filter(organisation_id=organisation_id, name__in=among)
            .order_by("name")
        }

    found = locked(names)
    missing = [name for name in names if name not in found]
    if missing and not settings.MUTUALIS_NUMBERS_FROM_BLOCKS:
        NumberSeries.objects.bulk_create(
            [NumberSeries(organisation_id=organisation_id, name=name) for name in missing],
            ignore_conflicts=True,  # another writer may have started the series meanwhile
        )
        found |= locked(missing)
    for name in names:
        series = found.get(name)
        if series is None or (
            series.block_end is not None and series.last_value + counts[name] > series.block_end
        ):
            raise ValidationError(
                _(
                    "This installation has no more numbers of the series “%(series)s”: ask the "
                    "server for a new block of numbers (mutualis numbers reserve)."
                )
                % {"series": name}
            )
    NumberSeries.objects.filter(pk__in=[found[name].pk for name in names]).update(
        last_value=Case(
            *(When(pk=found[name].pk, then=F("last_value") + counts[name]) for name in names),
            default=F("last_value"),
            output_field=NumberSeries._meta.get_field("last_value"),
        )
    )
    return {name: found[name].last_value + 1 for name in names}


@dataclass(frozen=True)
class Block:
    """Numbers `first` to `last` of an organisation's series, for another installation."""

    name: str
    first: int
    last: int


def block_reserve(organisation_id: int, name: str, count: int) -> Block:
    """Reserves the next `count` numbers of a series for another installation: the authority
    moves its own series past them."""
    with transaction.atomic():
        NumberSeries.objects.get_or_create(organisation_id=organisation_id, name=name)
        series = NumberSeries.objects.select_for_update().get(
            organisation_id=organisation_id, name=name
        )
        if series.block_end is not None:
            raise ValidationError(
                _("Only the series' own server reserves numbers for other installations.")
            )
        first = series_take(organisation_id, name, count)
    return Block(name, first, first + count - 1)


def block_receive(organisation_id: int, block: Block) -> None:
    """Makes a block reserved by the authority this installation's numbers of the series. A
    block below the numbers already used here is refused: it was received before."""
    with transaction.atomic():
        series, _created = NumberSeries.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, name=block.name
        )
        if block.first <= series.last_value or block.last < block.first:
            raise ValidationError(
                _("These numbers of the series “%(series)s” were already received.")
                % {"series": block.name}
            )
        NumberSeries.objects.filter(pk=series.pk).update(
            last_value=block.first - 1, block_end=block.last
        )
