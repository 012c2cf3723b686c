"""Reading many rows at once by lists of ids, in plain SQL: the batch paths (adjudication, the
households' facts of coverage) read hundreds of thousands of rows, where building ORM objects
would cost ten times more."""

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection

# Values per IN (...) list: under SQLite's limit on parameters, large enough to amortise a query.
CHUNK = 900


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rows_in(sql: str, values: Iterable, before: Sequence = ()) -> Iterator[tuple]:
    """Runs `sql`, whose `{}` is replaced by a list of placeholders, for every chunk of
    `values`; `before` are parameters that come first."""
    with connection.cursor() as cursor:
        for chunk in chunks(values):
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*before, *chunk])
            yield from cursor.fetchall()
