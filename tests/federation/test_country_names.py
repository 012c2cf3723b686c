"""Countries are named as people say them, in the user's language: ISO's English names are made
for sorted lists ("Congo, The Democratic Republic of the"), its French ones come translated."""

from django.utils import translation

from mutualis.federation.iso import country_choices


def names(language):
    with translation.override(language):
        return dict(country_choices())


def test_the_english_names_are_those_people_say():
    english = names("en")

    assert english["CD"] == "Democratic Republic of the Congo"
    assert english["TZ"] == "Tanzania"
    assert (english["SN"], english["CI"]) == ("Senegal", "Côte d'Ivoire")


def test_the_french_names_come_translated_and_sorted_as_read():
    french = names("fr")

    assert (french["CD"], french["SN"], french["CM"]) == (
        "République démocratique du Congo",
        "Sénégal",
        "Cameroun",
    )
    with translation.override("fr"):
        listed = [name for _code, name in country_choices()]
    assert listed == sorted(listed)
