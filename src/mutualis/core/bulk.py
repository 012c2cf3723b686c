"""Fast writers for many rows at once: imports and demo data of national size.

Saving 100,000 beneficiaries one `save()` at a time takes many minutes; even `bulk_create`
spends most of its time building model instances. `insert` takes plain tuples, adapts the few
values the backend stores differently (a UUID is 32 hexadecimal characters on SQLite and a `uuid`
on PostgreSQL; dates are text on SQLite) and writes them with `INSERT`s of many rows each on
SQLite and one `COPY` on PostgreSQL.

It writes exactly what the ORM would write — the columns come from the models — but validates
nothing: the caller has checked the rows, and the database still enforces its constraints. The
primary keys are taken beforehand (`reserve_ids`), so that rows pointing at new rows need no
reading back.
"""

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, cast

import orjson
from django.db import connection, models
from django.utils import timezone

from mutualis.core.ids import new_bulk_uid

# Parameters of one SQLite statement: the limit of SQLite builds before 3.32, which Django assumes
# too (newer builds take 32,766)
SQLITE_PARAMETERS = 999


# SQLite's page cache while writing in bulk, in KiB (the default is 2 MB): the indexes of tables
# of hundreds of thousands of rows are updated all over, and a cache that holds them takes a third
# off the time. A maximum, not an allocation; set for the writes only.
SQLITE_CACHE_KIB = 128 * 1024


@contextmanager
def write_cache() -> Iterator[None]:
    """A larger page cache on SQLite for the duration of bulk writes, put back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch is worked out and written (a
    consumer's batch of events, an upload of claims). A batch makes hundreds of thousands of
    objects that live until it ends, and each time they pass from one generation to the next
    the collector walks every object of the process, Django's and the batch's: 4 µs of the 30
    a line the books took, a third of an upload of 10,000 claims. They hold no cycles that
    matter: reference counting frees them when the batch ends, and the collector runs again
    after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, to insert rows with. Call it inside the
    transaction that inserts the rows.

    PostgreSQL hands them out from the table's own sequence, so concurrent writers never collide
    and nothing needs resetting afterwards. On SQLite the transaction already holds the
    database's write lock (transactions begin IMMEDIATE, see settings.py), so nobody else inserts
    until it ends; the table is AUTOINCREMENT, whose highest id ever used is kept in
    sqlite_sequence, and the new ids start above it so that an id is never used twice."""
    if count <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("reserve_ids() must be called inside the transaction that inserts")
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            quoted = connection.ops.quote_name
            cursor.execute(f"SELECT max({quoted(column)}) FROM {quoted(table)}")
            (highest,) = cursor.fetchone()
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            kept = cursor.fetchone()
            start = max(highest or 0, kept[0] if kept else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"bulk writes are not written for {connection.vendor}")


def converter(field: "models.Field[Any, Any]") -> Callable[[Any], Any] | None:
    """How a value of the field becomes what the backend stores; None when it is stored as is."""
    kind = field.get_internal_type()
    if kind == "UUIDField":
        # 32 hexadecimal digits on SQLite; PostgreSQL's COPY reads the text form of any UUID
        # object, core.ids.new_bulk_uid's included
        return stored_hex if not connection.features.has_native_uuid_field else str
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "JSONField":
        return json_text
    return None


def json_text(value: Any) -> str:
    """JSON as a bulk insert writes it: compact UTF-8 by orjson, five to ten times faster than
    the standard library, whose encoding was a twentieth of an upload of claims (their events'
    payloads). Any reader decodes it as the ORM's own; keys that are not text are written as
    text, as `json.dumps` does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def new_stored_uids() -> Callable[[], str]:
    """What makes new uids (`core.ids.new_bulk_uid`) as the database stores them, for rows
    written with `insert(..., stored=True)`."""
    if connection.features.has_native_uuid_field:
        return lambda: str(new_bulk_uid())
    return lambda: new_bulk_uid().hex


def stored_hex(value: Any) -> str:
    """A UUID as SQLite stores it, 32 hexadecimal digits; text is taken as already stored (a
    uid read back by raw SQL, core.consumers.Logged.stored_uid), after checking its length:
    a UUID written with its hyphens would never match the ORM's lookups."""
    if value.__class__ is str:
        if len(value) != 32:
            raise ValueError(f"a UUID as SQLite stores it has 32 hexadecimal digits: {value!r}")
        return cast(str, value)
    return cast(str, value.hex)


def constant(field: "models.Field[Any, Any]") -> Any:
    """The value of a field the caller does not give: the same for every row."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    if field.has_default() and callable(field.default):
        # uid and the like: one value per row, which only the caller can make
        raise TypeError(f"{field.model.__name__}.{field.name} needs a value for every row")
    return field.get_default()


def insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    stored: bool = False,
) -> int:
    """Inserts rows, each a tuple of the values of `fields` in that order (foreign keys as ids,
    named by the field: "household"); every other column gets its default. Returns the number
    of rows written. `stored`: the rows' values are already as the database stores them
    (`converter`), as the books write them, millions at a time: converting each value here costs
    a tenth of their writing, where the caller converts a day once for all of an entry's lines."""
    meta = model._meta
    given = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    rest = [
        field
        for field in meta.concrete_fields
        if field.name not in fields and not field.primary_key
    ]
    constants = []
    for field in rest:
        value = constant(field)
        convert = converter(field)
        constants.append(convert(value) if convert and value is not None else value)
    tail = tuple(constants)
    conversions = [
        (index, c) for index, field in enumerate(given) if not stored and (c := converter(field))
    ]
    columns = [field.column for field in given + rest]

    def prepared() -> Iterator[Sequence[Any]]:
        if not conversions and not tail:
            yield from rows
            return
        for row in rows:
            if conversions:
                row = list(row)
                for index, convert in conversions:
                    if row[index] is not None:
                        row[index] = convert(row[index])
            yield (*row, *tail)

    quoted = connection.ops.quote_name
    table = quoted(meta.db_table)
    names = ", ".join(quoted(column) for column in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement: the fastest way into PostgreSQL. It runs on
            # psycopg's cursor: its errors are raised as Django's, as every other query's are.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in prepared():
                    copy.write_row(row)
                    written += 1
            return written
        # As many rows per statement as SQLite takes parameters: a statement on a table with a
        # trigger costs SQLite as much as writing a row or two, whatever the trigger checks, and
        # executemany runs one a row (the books' lines were written at half the speed).
        width = len(columns)
        per_statement = max(1, SQLITE_PARAMETERS // width)
        row_marks = "(" + ", ".join(["?"] * width) + ")"
        full = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row_marks] * per_statement)
        values = prepared()
        # sqlite3's own cursor: Django's rewrites every placeholder of every statement, which
        # costs a microsecond a row
        raw = connection.connection.cursor()
        with connection.wrap_database_errors:
            while batch := list(islice(values, per_statement)):
                sql = full
                if len(batch) < per_statement:
                    sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join(
                        [row_marks] * len(batch)
                    )
                raw.execute(sql, [value for row in batch for value in row])
                written += len(batch)
        raw.close()
    return written


@contextmanager
def indexes_built_after(*tables: str) -> Iterator[None]:
    """On SQLite, writes into empty tables without their secondary indexes and builds them
    afterwards, in the same transaction: sorting the keys once is several times faster than
    updating every index row by row. Unique indexes built afterwards still refuse duplicates;
    the unique constraints of the table itself stay in force throughout. Only inside a
    transaction: should the writing fail, the rollback brings the indexes back."""
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        yield
        return
    quote = connection.ops.quote_name
    dropped: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                continue
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY name",
                [table],
            )
            for name, sql in cursor.fetchall():
                cursor.execute(f"DROP INDEX {quote(name)}")
                dropped.append(sql)
    yield
    with connection.cursor() as cursor:
        for sql in dropped:
            cursor.execute(sql)
