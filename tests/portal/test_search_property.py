"""A property of the search, against a reference written from the words themselves: for any
small library and any one-word query with any filters, the documents found are exactly the
published ones that pass every filter and whose title holds a word with the same stem as the
query's word, stemmed the French or the English way, accents folded.

Mutations it catches (each tried by hand): a filter left out of the SQL (a document of another
year, type, language, country or theme let through); the status left out (a proposal found);
the query stemmed in French only (an English plural missed) or not folded (an accented query
missing the unaccented title); stop words kept in the index but not in the query; the
documents' words stemmed in a language other than their own."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualis.federation.rules import Role
from mutualis.portal.choices import DocumentKind, Theme
from mutualis.portal.search import Filters, search
from mutualis.portal.services import DocumentDetails, document_propose, document_publish
from mutualis.portal.words import folded, plain_words, query_stems, stem

WORDS = [
    "mutuelle", "mutuelles", "Mutualité", "santé", "sante", "cotisation", "cotisations",
    "financement", "financing", "finance", "community", "communities", "insurance", "équité",
    "equity", "femmes", "women", "réseau", "networks", "étude", "études",
]  # fmt: skip
KINDS = [DocumentKind.STUDY, DocumentKind.GUIDE]
YEARS = [2019, 2020]
COUNTRIES = ["SN", "BJ"]
THEMES = [Theme.FINANCING, Theme.GENDER]

document = st.fixed_dictionaries(
    {
        "words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
        "kind": st.sampled_from(KINDS),
        "year": st.sampled_from(YEARS),
        "language": st.sampled_from(["fr", "en"]),
        "country": st.sampled_from(COUNTRIES),
        "themes": st.lists(st.sampled_from(THEMES), max_size=2, unique=True),
        "published": st.booleans(),
    }
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from(KINDS),
        "year": st.sampled_from(YEARS),
        "language": st.sampled_from(["fr", "en"]),
        "country": st.sampled_from(COUNTRIES),
        "theme": st.sampled_from(THEMES),
    },
)


def expected(given_documents, query: str, chosen: dict) -> set[int]:
    stems = query_stems(query)[0]
    found = set()
    for number, doc in enumerate(given_documents):
        passes = doc["published"] and all(
            (doc["themes"] and value in doc["themes"]) if name == "theme" else doc[name] == value
            for name, value in chosen.items()
        )
        words = plain_words(" ".join(doc["words"]))
        if passes and any(stem(w, doc["language"]) in stems for w in words):
            found.add(number)
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    documents=st.lists(document, min_size=1, max_size=6),
    query=st.sampled_from(WORDS).map(lambda w: w.upper() if len(w) % 2 else folded(w)),
    chosen=filters,
)
def test_the_search_finds_exactly_the_documents_the_words_and_filters_say(
    cast, documents, query, chosen
):
    editor = cast[Role.PORTAL_EDITOR]
    with transaction.atomic():
        ids = []
        for doc in documents:
            write = document_publish if doc["published"] else document_propose
            ids.append(
                write(
                    by=editor,
                    owner=editor.organisation,
                    details=DocumentDetails(
                        kind=doc["kind"],
                        title=" ".join(doc["words"]),
                        language=doc["language"],
                        year=doc["year"],
                        country=doc["country"],
                        themes=tuple(doc["themes"]),
                        link="https://example.org",
                    ),
                    upload=None,
                ).pk
            )
        found = search(query, Filters(**chosen), limit=100)
        assert found is not None
        assert set(found.ids) == {ids[n] for n in expected(documents, query, chosen)}
        assert found.total == len(found.ids)
        transaction.set_rollback(True)
