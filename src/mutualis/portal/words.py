"""The words a document is found by, the same at indexing and at query time, on SQLite and on
PostgreSQL (docs/portal.md, "How search works").

Text is lower-cased and its accents folded (é → e, œ → oe) before anything else, so that
"sante" finds "santé" and "equite" finds "Équité"; then each word is cut to its stem by the
Snowball stemmer of the document's language (French, English, Portuguese). A query does not
say its language: each of its words is stemmed the French and the English way, and a document
is found by either stem. Stemming after folding keeps the pair consistent: the stemmer sees the
same letters whether the accents were typed or not.
"""

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

from mutualis.portal.choices import Language

STEMMERS = {
    Language.FRENCH: "french",
    Language.ENGLISH: "english",
    Language.PORTUGUESE: "portuguese",
}
# the languages a query's words are stemmed in: those of nearly every document
QUERY_LANGUAGES = (Language.FRENCH, Language.ENGLISH)
WORD = re.compile(r"[a-z0-9]+")
# longer "words" are data (a hash, a URL's tail): cut, so no index entry grows unbounded
LONGEST = 40
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
# the words that every document holds, which a query would otherwise have to find in each
STOP = frozenset(
    {
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "ils",
        "j",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "c",
        "est",
        "sont",
        "ete",
        "etre",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
        "will",
    }
)


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def stemmer(language: str) -> Any:
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


def plain_words(text: str) -> list[str]:
    """The text's words, folded, without the stop words."""
    return [w[:LONGEST] for w in WORD.findall(folded(text)) if w not in STOP]


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """A word's stem; kept, since a library's texts use the same few thousand words again and
    again, and Snowball in pure Python is the slow part of indexing."""
    found = stemmer(language)
    return found.stemWord(word) if found is not None else word


def index_words(text: str, language: str) -> str:
    """The text as its stems, separated by spaces: what the index holds."""
    return " ".join(stem(word, language) for word in plain_words(text))


def query_stems(query: str) -> list[frozenset[str]]:
    """For each word of a query, the stems that find it: one of them must be in a document."""
    stems = []
    for word in plain_words(query):
        forms = {word}
        for language in QUERY_LANGUAGES:
            forms.add(stem(word, language))
        # the word itself finds the documents in a language without a stemmer
        stems.append(frozenset(forms))
    return stems
