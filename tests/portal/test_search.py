"""The library's search: stems in French and English, accents folded, ranked, filtered, and a
word found only inside a PDF."""

from mutualis.portal.search import Filters, search
from tests.portal.conftest import pdf


def titles(query, **filters):
    from mutualis.portal.models import Document

    found = search(query, Filters(**filters), limit=50)
    if found is None:
        return None
    by_id = Document.objects.in_bulk(found.ids)
    return [by_id[i].title for i in found.ids]


def test_a_french_plural_finds_the_singular_and_accents_do_not_matter(publish):
    publish("Le financement des mutuelles de santé")
    publish("Rapport annuel", summary="Une mutuelle rurale")
    assert titles("mutuelle") == ["Le financement des mutuelles de santé", "Rapport annuel"]
    assert titles("SANTE") == ["Le financement des mutuelles de santé"]
    assert titles("santé") == titles("sante")


def test_english_words_are_stemmed_too(publish):
    publish("Financing community health insurance", language="en")
    assert titles("finance communities") == ["Financing community health insurance"]


def test_a_word_only_inside_a_pdf_is_found(publish):
    publish("Étude de cas", pdf("Étude de cas", "Le district de Thiénaba compte trois postes."))
    assert titles("thienaba") == ["Étude de cas"]


def test_a_word_in_the_title_ranks_before_the_summary_before_the_file(publish):
    publish("Dans le fichier", pdf("x", "La gouvernance des unions"))
    publish("Dans le résumé", summary="La gouvernance")
    publish("La gouvernance")
    assert titles("gouvernance") == ["La gouvernance", "Dans le résumé", "Dans le fichier"]


def test_every_word_of_the_query_must_be_found(publish):
    publish("Cotisations et arriérés")
    publish("Cotisations des ménages")
    assert titles("cotisation ménage") == ["Cotisations des ménages"]


def test_filters_narrow_the_results(publish):
    publish("Guide des cotisations", kind="guide", year=2019, country="SN", themes=("financing",))
    publish("Étude des cotisations", kind="study", year=2021, country="BJ")
    assert titles("cotisations", kind="guide") == ["Guide des cotisations"]
    assert titles("cotisations", year=2021) == ["Étude des cotisations"]
    assert titles("cotisations", country="SN") == ["Guide des cotisations"]
    assert titles("cotisations", theme="financing") == ["Guide des cotisations"]
    assert titles("cotisations", language="en") == []


def test_a_query_of_stop_words_only_looks_for_nothing(publish):
    assert titles("de la des") is None


def test_a_proposal_is_not_found_until_published(cast, publish, federation):
    from mutualis.federation.rules import Role
    from mutualis.portal.services import document_approve, document_propose
    from tests.portal.conftest import details

    proposed = document_propose(
        by=cast[Role.CASHIER],
        owner=federation.m1,
        details=details("Proposition de guide", link="https://example.org/g"),
        upload=None,
    )
    assert titles("guide") == []
    document_approve(by=cast[Role.PORTAL_EDITOR], document=proposed)
    assert titles("guide") == ["Proposition de guide"]
