"""The library's full-text search (docs/portal.md, "How search works").

One index row per document, with three weighted parts — the title, the summary and authors,
the text inside its file — each held as its stems (portal.words). On SQLite the index is an
FTS5 table ranked by bm25; on PostgreSQL a tsvector table (the 'simple' configuration: the
words come already stemmed and folded) with a GIN index, ranked by ts_rank. Both index the
same stems, so a query finds the same documents on the laptop and on the server; only the
scores differ, and both put a word in the title before one in the summary, before one deep in
a file. The services write a document's row in the transaction that changes it.
"""

from dataclasses import dataclass, field

from django.db import connection

from mutualis.portal.choices import DocumentStatus
from mutualis.portal.models import Document
from mutualis.portal.words import index_words, query_stems

FTS = "portal_document_fts"
TSV = "portal_document_search"
# how much more a word counts in the title, in the summary than in the file's text
WEIGHTS = (10.0, 4.0, 1.0)


def create_index(schema_editor) -> None:  # the migration's; Django passes the schema editor
    if schema_editor.connection.vendor == "postgresql":
        # no foreign key: a document is never deleted (it is withdrawn), and one would stop
        # Django's flush from truncating the documents (the tests' live servers flush)
        schema_editor.execute(
            f"CREATE TABLE {TSV} (document_id integer PRIMARY KEY, vector tsvector NOT NULL)"
        )
        schema_editor.execute(f"CREATE INDEX {TSV}_vector ON {TSV} USING gin (vector)")
    else:
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, summary, body, tokenize='unicode61')"
        )


def drop_index(schema_editor) -> None:
    table = TSV if schema_editor.connection.vendor == "postgresql" else FTS
    schema_editor.execute(f"DROP TABLE {table}")


def index(document: Document, text: str) -> None:
    """Writes (or rewrites) the document's row of the index: `text` is its file's."""
    language = document.language
    parts = (
        index_words(document.title, language),
        index_words(f"{document.summary} {document.authors}", language),
        index_words(text, language),
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {TSV} (document_id, vector) VALUES (%s,"
                " setweight(to_tsvector('simple', %s), 'A')"
                " || setweight(to_tsvector('simple', %s), 'B')"
                " || setweight(to_tsvector('simple', %s), 'D'))"
                " ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector",
                [document.pk, *parts],
            )
        else:
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid = %s", [document.pk])
            cursor.execute(
                f"INSERT INTO {FTS} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                [document.pk, *parts],
            )


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the library to; empty values filter nothing."""

    kind: str = ""
    year: int | None = None
    language: str = ""
    country: str = ""
    theme: str = ""

    def sql(self) -> tuple[list[str], list[str | int]]:
        clauses: list[str] = ["d.status = %s"]
        params: list[str | int] = [DocumentStatus.PUBLISHED.value]
        for name in ("kind", "year", "language", "country"):
            value = getattr(self, name)
            if value not in ("", None):
                clauses.append(f"d.{name} = %s")
                params.append(value)
        if self.theme:
            clauses.append("d.themes LIKE %s")
            params.append(f"%|{self.theme}|%")
        return clauses, params


@dataclass
class Found:
    ids: list[int] = field(default_factory=list)
    total: int = 0


def match_expression(stems: list[frozenset[str]]) -> str:
    """Every word of the query, by any of its stems: FTS5's syntax, or PostgreSQL's."""
    if connection.vendor == "postgresql":
        return " & ".join("(" + " | ".join(sorted(forms)) + ")" for forms in stems)
    return " AND ".join("(" + " OR ".join(f'"{s}"' for s in sorted(forms)) + ")" for forms in stems)


def search(query: str, filters: Filters, *, limit: int, offset: int = 0) -> Found | None:
    """The published documents that hold every word of `query`, best first, a page of them,
    and how many there are; None when the query holds no word to look for."""
    stems = query_stems(query)
    if not stems:
        return None
    clauses, params = filters.sql()
    where = " AND ".join(clauses)
    expression = match_expression(stems)
    if connection.vendor == "postgresql":
        source = (
            f"FROM {TSV} s JOIN portal_document d ON d.id = s.document_id,"
            " to_tsquery('simple', %s) q WHERE s.vector @@ q AND "
        )
        # ts_rank's weights are D, C, B, A; 1 divides by the logarithm of the length, as bm25
        # lowers a long document's score
        body, summary, title = (weight / 10 for weight in reversed(WEIGHTS))
        rank = f"ts_rank('{{{body}, 0, {summary}, {title}}}', s.vector, q, 1) DESC"
    else:
        source = f"FROM {FTS} f JOIN portal_document d ON d.id = f.rowid WHERE {FTS} MATCH %s AND "
        rank = "bm25({}, {}, {}, {})".format(FTS, *WEIGHTS)
    order = f"{rank}, COALESCE(d.year, 0) DESC, d.id DESC"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {source}{where}", [expression, *params])
        total = cursor.fetchone()[0]
        if not total:
            return Found()
        cursor.execute(
            f"SELECT d.id {source}{where} ORDER BY {order} LIMIT %s OFFSET %s",
            [expression, *params, limit, offset],
        )
        return Found([row[0] for row in cursor.fetchall()], total)
