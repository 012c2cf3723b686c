"""Reading many rows at once by lists of ids, in plain SQL: the batch paths (adjudication, the
households' facts of coverage) read hundreds of thousands of rows, where building ORM objects
would cost ten times more."""

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

# Values per IN (...) list: under SQLite's limit on parameters, large enough to amortise a query.
CHUNK = 900

T = TypeVar("T")


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rows_in(
    sql: str, values: Iterable[Any], before: Sequence[Any] = ()
) -> Iterator[tuple[Any, ...]]:
    """Runs `sql`, whose `{}` is replaced by a list of placeholders, for every chunk of
    `values`; `before` are parameters that come first."""
    with connection.cursor() as cursor:
        for chunk in chunks(values):
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*before, *chunk])
            yield from cursor.fetchall()
