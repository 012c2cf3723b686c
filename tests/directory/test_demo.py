"""The demo fills the directory as the Concertation's was: some forty organisations in more
than ten countries, sixty people, five national committees whose members are of their
country, in French and in English."""

import gzip
import random

from mutualis.core.demo import Demo
from mutualis.portal.directory import demo
from mutualis.portal.directory.models import Committee, Institution, Person, Seat


def test_the_demo_fills_the_directory(federation, cast):
    demo.generate(Demo(options={}, rng=random.Random(1), log=lambda line: None))
    assert Institution.objects.count() >= 40
    assert Institution.objects.values("country").distinct().count() >= 10
    assert Person.objects.count() >= 60
    assert Committee.objects.count() == 5
    for seat in Seat.objects.select_related("committee", "person"):
        assert seat.person.country == seat.committee.country
    assert not Institution.objects.filter(description_fr="").exists()
    assert not Institution.objects.filter(description_en="").exists()
    assert demo.has_data()


def test_the_public_pages_of_the_demo_are_light(client, federation, cast):
    demo.generate(Demo(options={}, rng=random.Random(1), log=lambda line: None))
    person = Person.objects.first()
    organisation = Institution.objects.first()
    for url in (
        "/network/directory/",
        "/network/directory/people/",
        "/network/directory/committees/",
        "/network/directory/focal-points/",
        organisation.get_absolute_url(),
        person.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200
        # the HTML compressed, far under the 100 KB of the issue with the style sheet
        assert len(gzip.compress(response.content)) < 10_000, url
