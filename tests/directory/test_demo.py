"""The demo fills the directory as the Concertation's was: some forty organisations in more
than ten countries, sixty people, five national committees whose members are of their
country, in French and in English."""

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
