"""The portal's demo: a visitor finds a word that is only inside one of its PDFs."""

import random

from django.urls import reverse

from mutualis.core.demo import Demo
from mutualis.core.event_check import check
from mutualis.federation.rules import Role
from mutualis.portal import demo
from mutualis.portal.models import Document, Gathering, NewsItem


def test_the_demo_library_is_searched_inside_its_pdfs(client, cast):
    made = {"users": {"editor": cast[Role.PORTAL_EDITOR], "manager": cast[Role.MUTUAL_MANAGER]}}
    demo.generate(Demo(options={}, rng=random.Random(1), log=print, made=made))

    assert demo.has_data()
    assert Document.objects.filter(status="proposed").count() == 1
    assert Gathering.objects.count() and NewsItem.objects.count()
    # Thiénaba is in a PDF's text only, neither in a title nor in a summary
    assert not Document.objects.filter(summary__icontains="Thiénaba").exists()
    page = client.get(reverse("portal:library"), {"q": "thienaba"}).content.decode()
    assert "Le financement des mutuelles de santé au Sénégal" in page
    assert check(), "the demo's events agree with its tables"


def test_the_library_page_reads_a_fixed_number_of_queries(
    client, publish, django_assert_max_num_queries
):
    for number in range(30):
        publish(f"Étude des mutuelles {number}", year=2000 + number % 20, country="SN")
    with django_assert_max_num_queries(6):
        client.get(reverse("portal:library"), {"q": "mutuelles", "country": "SN"})
    with django_assert_max_num_queries(6):
        client.get(reverse("portal:library"))
