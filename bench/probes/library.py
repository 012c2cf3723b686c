"""Run by bench_library.py in a process of its own, against the migrated SQLite database in
DATABASE_URL: fills the library with 10,000 published documents in French and English (a
title, authors, a summary and the text of a file — a few hundred words, a long tail of
longer ones up to 20,000 characters (a Pareto law) — drawn from the field's
vocabulary and a long tail of rarer words, with Zipf's law), indexed as the services index them
(portal.search.index), then times the library's page as a reader asks for it
(portal.queries.library: the search, the count and the page's documents) over varied queries:
French and English words, with and without accents, one to three words, common and rare, with
and without filters. Prints the figures as JSON on its last line."""

import json
import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualis.federation.rules import Kind  # noqa: E402
from mutualis.federation.services import organisation_create  # noqa: E402
from mutualis.portal import search  # noqa: E402
from mutualis.portal.choices import DocumentKind, DocumentStatus, Theme  # noqa: E402
from mutualis.portal.models import Document  # noqa: E402
from mutualis.portal.queries import library  # noqa: E402
from mutualis.portal.rules import joined  # noqa: E402
from mutualis.portal.search import Filters  # noqa: E402

DOCUMENTS = 10_000
FRENCH_TEXT = (
    "mutuelle mutuelles santé cotisation cotisations adhérent adhérents ménage ménages "
    "bénéficiaires prestations financement gouvernance union unions réseau assurance maladie "
    "couverture universelle équité solidarité prestataire prestataires convention soins "
    "hôpital district région commune femmes jeunes rural rurale paysans coopérative gestion "
    "comptabilité réserves subvention État politique nationale stratégie étude enquête "
    "évaluation formation atelier forum capitalisation expérience pérennité viabilité "
    "recouvrement taux adhésion fidélisation paquet garanties plafond ticket modérateur "
    "médicaments génériques qualité accueil contrôle médical médecin conseil fraude"
)
ENGLISH_TEXT = (
    "mutual health organization organizations insurance community communities scheme "
    "schemes premium premiums members households benefits financing governance network "
    "coverage universal equity solidarity provider providers agreement care hospital "
    "district women rural cooperative management accounting reserves subsidy policy "
    "strategy study survey evaluation training workshop experience sustainability "
    "enrolment retention package ceiling copayment drugs quality fraud claims"
)
FRENCH, ENGLISH = FRENCH_TEXT.split(), ENGLISH_TEXT.split()
COUNTRIES = ["SN", "BJ", "ML", "BF", "CI", "TG", "NE", "GN", "CM", "TD", "SN", "SN"]
QUERIES = [
    ("mutuelle", {}),
    ("mutuelles de santé", {}),
    ("cotisations", {}),
    ("financement de la santé", {}),
    ("Équité", {}),
    ("equite solidarite", {}),
    ("gouvernance", {"kind": DocumentKind.STUDY}),
    ("bénéficiaires", {"year": 2015}),
    ("couverture universelle", {"country": "SN"}),
    ("prestataires convention", {"theme": Theme.FINANCING}),
    ("fidélisation des adhérents", {}),
    ("médicaments génériques", {"language": "fr"}),
    ("taux de recouvrement des cotisations", {}),
    ("health insurance", {}),
    ("community", {}),
    ("financing", {"language": "en"}),
    ("sustainability of schemes", {}),
    ("women", {"country": "BJ", "kind": DocumentKind.CASE_STUDY}),
    ("premium retention", {"year": 2020}),
    ("universal coverage", {"theme": Theme.UHC}),
    ("mutual", {}),
    ("zorvakine", {}),
    ("talbourin mutuelle", {}),
    ("", {"kind": DocumentKind.GUIDE}),
    ("", {"country": "ML", "year": 2018}),
    ("", {"theme": Theme.GOVERNANCE}),
]
REPEATS = 5


def tail_word(rng: random.Random) -> str:
    """A rarer word of the long tail: made of syllables, as French or English words look."""
    syllables = ["ta", "ro", "vi", "ka", "lou", "ne", "bar", "dor", "mi", "zo", "rin", "kine"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))


def vocabulary(rng: random.Random, words: list[str]) -> tuple[list[str], list[float]]:
    """The field's words first, then 4,000 of the long tail, weighted by Zipf's law."""
    tail = [tail_word(rng) for _ in range(4000)] + ["zorvakine", "talbourin"]
    every = words + tail
    return every, [1 / (rank + 1) for rank in range(len(every))]


def text(rng: random.Random, vocab: tuple[list[str], list[float]], count: int) -> str:
    return " ".join(rng.choices(vocab[0], weights=vocab[1], k=count))


def fill(owner_id: int) -> None:
    rng = random.Random(16)
    vocabularies = {"fr": vocabulary(rng, FRENCH), "en": vocabulary(rng, ENGLISH)}
    kinds, themes = DocumentKind.values, Theme.values
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, DOCUMENTS, 1000):
            rows = []
            for _ in range(start, start + 1000):
                language = "fr" if rng.random() < 0.7 else "en"
                vocab = vocabularies[language]
                rows.append(
                    Document(
                        owner_id=owner_id,
                        status=DocumentStatus.PUBLISHED,
                        kind=rng.choice(kinds),
                        title=text(rng, vocab, rng.randint(4, 12)).capitalize(),
                        authors="Diop A., Mensah K.",
                        year=rng.randint(1995, 2025),
                        language=language,
                        country=rng.choice(COUNTRIES),
                        themes=joined(rng.sample(themes, rng.randint(1, 3))),
                        summary=text(rng, vocab, rng.randint(30, 120)),
                        link="https://example.org/doc",
                        published_at=now,
                    )
                )
            Document.objects.bulk_create(rows)
            for row in rows:
                body = text(rng, vocabularies[row.language], int(rng.paretovariate(1.2) * 100))
                search.index(row, body[:20_000])


def main() -> None:
    national = organisation_create(
        by=None, kind=Kind.NATIONAL_UNION, parent=None, code="UN", name="Union nationale"
    )
    started = time.perf_counter()
    fill(national.pk)
    filled = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    wall, cpu, counts = [], [], {}
    for _ in range(REPEATS):
        for query, given in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            page = library(query, Filters(**given))
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            counts[f"{query} {given}"] = page.total
    print(json.dumps(counts, ensure_ascii=False, indent=1), file=sys.stderr)
    print(
        json.dumps(
            {
                "documents": Document.objects.count(),
                "fill_seconds": filled,
                "median_ms": statistics.median(wall) * 1000,
                "cpu_median_ms": statistics.median(cpu) * 1000,
                "p90_ms": statistics.quantiles(wall, n=10)[-1] * 1000,
                "max_ms": max(wall) * 1000,
                "queries": len(QUERIES),
                "found": counts,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
