"""A property of the search, against a reference written from the words themselves: for any
small library and any one-word query with any filters, the documents found are exactly the
published ones that pass every filter and whose title holds a word with the same stem as the
query's word, stemmed the French or the English way, accents folded.

Mutations it catches (each tried by hand): the theme or the year filter left out of the SQL
(a document of another theme or year let through); the status left out (a proposal found); the
query stemmed in French only (an English plural missed); the words not folded (an accented
query missing the unaccented title). Stemming a document in the wrong language goes unseen: a
query is stemmed both ways, so it finds the document anyway."""

import unicodedata

import snowballstemmer
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualis.federation.rules import Role
from mutualis.portal.choices import DocumentKind, Theme
from mutualis.portal.search import Filters, search
from mutualis.portal.services import DocumentDetails, document_propose, document_publish

SNOWBALL = {"fr": snowballstemmer.stemmer("french"), "en": snowballstemmer.stemmer("english")}


def fold(word: str) -> str:
    """The reference's own folding, not portal.words': lower case, accents dropped."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def reference_stem(word: str, language: str) -> str:
    return SNOWBALL[language].stemWord(fold(word))


WORDS = [
    "mutuelle", "mutuelles", "Mutualité", "santé", "sante", "cotisation", "cotisations",
    "financement", "financing", "finance", "community", "communities", "insurance", "équité",
    "equity", "femmes", "women", "réseau", "reseaux", "networks", "étude", "etudes",
    "bénéficiaires", "beneficiaire", "Sécurité", "securite",
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
FILTERS = {
    "kind": KINDS,
    "year": YEARS,
    "language": ["fr", "en"],
    "country": COUNTRIES,
    "theme": THEMES,
}
# none, one or two filters: with more, few documents pass them all and a wrong one goes unseen
filters = st.lists(st.sampled_from(sorted(FILTERS)), max_size=2, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({name: st.sampled_from(FILTERS[name]) for name in names})
)


def expected(given_documents, query: str, chosen: dict) -> set[int]:
    stems = {fold(query), reference_stem(query, "fr"), reference_stem(query, "en")}
    found = set()
    for number, doc in enumerate(given_documents):
        passes = doc["published"] and all(
            (doc["themes"] and value in doc["themes"]) if name == "theme" else doc[name] == value
            for name, value in chosen.items()
        )
        if passes and any(reference_stem(w, doc["language"]) in stems for w in doc["words"]):
            found.add(number)
    return found


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    documents=st.lists(document, min_size=1, max_size=6),
    chosen=filters,
    data=st.data(),
)
def test_the_search_finds_exactly_the_documents_the_words_and_filters_say(
    cast, documents, chosen, data
):
    # a word of one of the documents, or of none, typed in capitals or without its accents
    words = sorted({w for doc in documents for w in doc["words"]})
    word = data.draw(st.sampled_from(words) | st.sampled_from(WORDS))
    query = data.draw(st.sampled_from([word, word.upper(), fold(word)]))
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
