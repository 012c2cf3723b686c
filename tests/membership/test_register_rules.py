"""The register's pure rules (membership/rules.py): how people are written, found, recognised as
possible duplicates, and who may join a household."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.benefits.choices import Category, Relationship
from mutualis.core.identifiers import member_number
from mutualis.membership.rules import (
    age_on,
    default_category,
    dependent_errors,
    duplicate_key,
    normalize,
    query_words,
    search_tokens,
)

D = datetime.date
TODAY = D(2026, 11, 24)

# normalize


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("N'Diaye Aïssatou", "ndiaye aissatou"),
        ("  SÈNE   Mamadou-Lamine ", "sene mamadou lamine"),
        ("Ndèye Fatou (dite Fatou)", "ndeye fatou dite fatou"),
        ("Cheikh Ahmadou Bamba MBACKÉ", "cheikh ahmadou bamba mbacke"),
        ("", ""),
    ],
)
def test_a_name_is_written_in_lower_case_without_accents_or_punctuation(written, normalized):
    assert normalize(written) == normalized


def test_an_apostrophe_joins_whichever_way_it_was_typed():
    # The failing example that showed the bug: a phone keyboard types N’Diaye with a
    # typographic apostrophe, which became a space: "n diaye", not "ndiaye" — such a name was
    # neither found by "ndiaye" nor recognised as a duplicate of N'Diaye.
    assert normalize("N’Diaye") == normalize("N'Diaye") == normalize("NDiaye") == "ndiaye"
    assert normalize("M‘Baye") == normalize("Mʼbaye") == "mbaye"


def test_letters_that_unicode_does_not_decompose_are_spelled_out():
    # Another failing example of the same kind: "Lætitia" became "l titia".
    assert normalize("Lætitia Cœur") == "laetitia coeur"


names = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "M", "N", "P", "Zs"]), max_size=30
)


@given(text=names)
def test_a_normalized_name_is_plain_lower_case_words(text):
    normalized = normalize(text)
    assert all(c.isascii() and (c.isdigit() or c.islower() or c == " ") for c in normalized)
    assert normalized == " ".join(normalized.split())  # single spaces, none at the ends
    assert normalize(normalized) == normalized  # normalizing twice changes nothing


# the letters of names in the French-speaking countries of the federation
latin_names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿñæœ ABCDEFGHIJKLMNOPQRSTUVWXYZÀÉÈÇÏÖ'’-",
    max_size=30,
)


@given(text=latin_names)
def test_neither_case_nor_accents_matter(text):
    assert normalize(text.upper()) == normalize(text.lower()) == normalize(text)
    plain = str.maketrans("àâäçéèêëîïôöùûüÿñÀÉÈÇÏÖ", "aaaceeeeiioouuuynAEECIO")
    assert normalize(text.translate(plain)) == normalize(text)


# search_tokens and query_words


def tokens(**changes):
    facts = {
        "first_name": "Aïssatou",
        "last_name": "N'Diaye",
        "member_number": member_number("MS0001", 123),
        "phone": "+221 77 123 45 67",
        "household_number": 42,
        **changes,
    }
    return search_tokens(**facts)


def test_a_beneficiary_is_found_by_each_name_their_number_their_phone_and_their_household():
    number = member_number("MS0001", 123)
    assert tokens() == {
        "aissatou",
        "ndiaye",
        number.replace("-", "").lower(),
        "771234567",
        "h42",
    }


def test_a_short_or_missing_phone_number_is_no_token():
    assert "12345" not in tokens(phone="12345")
    assert tokens(phone="", household_number=None) == {
        "aissatou",
        "ndiaye",
        member_number("MS0001", 123).replace("-", "").lower(),
    }


def test_a_phone_is_found_whatever_the_country_code_and_spacing():
    # the token is the last nine digits, with or without +221
    assert "771234567" in tokens(phone="77 123 45 67")
    assert "771234567" in tokens(phone="00221771234567")
    assert query_words("+221 77 123 45 67") == ["771234567"]
    assert query_words("77.123.45.67") == ["771234567"]
    assert query_words("771234567") == ["771234567"]


def test_a_member_number_typed_with_dashes_or_spaces_is_one_word():
    number = member_number("MS0001", 123)
    assert query_words(number) == [number.replace("-", "").lower()]
    assert query_words(number.replace("-", " ").lower()) == [number.replace("-", "").lower()]
    assert query_words(number)[0] in tokens()


def test_names_are_words_normalized_like_the_tokens():
    assert query_words("  Aïssatou N’DIAYE ") == ["aissatou", "ndiaye"]
    assert set(query_words("Aïssatou N'Diaye")) <= tokens()
    assert query_words("Fatou Diop") == ["fatou", "diop"]


def test_a_search_never_has_an_empty_word():
    # The failing example that showed the bug: "------" (6 dashes) passed for a phone number and
    # gave the empty word [""], which every token starts with.
    assert query_words("------") == []
    assert query_words("   ") == []
    assert query_words("+ . -") == []


@given(query=st.text(alphabet="abcé' -+.0123456789", max_size=25))
def test_no_query_has_an_empty_word(query):
    assert "" not in query_words(query)


@given(
    first_name=latin_names,
    last_name=latin_names,
    phone=st.from_regex(r"(\+221 ?)?7[0-8] ?\d{3} ?\d{2} ?\d{2}", fullmatch=True),
)
def test_what_someone_is_registered_with_finds_them(first_name, last_name, phone):
    registered = search_tokens(
        first_name=first_name, last_name=last_name, member_number="MS01-000007-X", phone=phone
    )
    for word in query_words(f"{first_name} {last_name}"):
        # (a token is at most 60 characters long)
        assert any(token.startswith(word[:60]) for token in registered)
    assert set(query_words(phone)) <= registered


# duplicate_key


def test_the_same_person_has_the_same_key_whatever_the_order_of_names_and_the_accents():
    a = duplicate_key(first_name="Aïssatou", last_name="N'Diaye", sex="F", birth_date=D(1990, 5, 3))
    b = duplicate_key(first_name="NDIAYE", last_name="Aissatou", sex="F", birth_date=D(1990, 5, 3))
    c = duplicate_key(first_name="Aissatou", last_name="N’Diaye", sex="F", birth_date=D(1990, 5, 3))
    assert a == b == c


def test_different_people_have_different_keys():
    key = duplicate_key(first_name="Fatou", last_name="Diop", sex="F", birth_date=D(1990, 5, 3))
    assert key != duplicate_key(
        first_name="Fatou", last_name="Diop", sex="F", birth_date=D(1990, 5, 4)
    )
    assert key != duplicate_key(
        first_name="Fatou", last_name="Diop", sex="M", birth_date=D(1990, 5, 3)
    )
    assert key != duplicate_key(
        first_name="Fatou", last_name="Fall", sex="F", birth_date=D(1990, 5, 3)
    )


@given(
    first=names,
    last=names,
    sex=st.sampled_from(["F", "M"]),
    born=st.dates(min_value=D(1900, 1, 1), max_value=TODAY),
)
def test_swapping_first_and_last_names_keeps_the_key(first, last, sex, born):
    assert duplicate_key(first_name=first, last_name=last, sex=sex, birth_date=born) == (
        duplicate_key(first_name=last, last_name=first, sex=sex, birth_date=born)
    )


# ages and categories


def test_age_counts_whole_years_on_the_birthday():
    assert age_on(D(2008, 11, 24), TODAY) == 18
    assert age_on(D(2008, 11, 25), TODAY) == 17
    # born on 29 February: a year older on 1 March in common years
    assert age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17
    assert age_on(D(2008, 2, 29), D(2026, 3, 1)) == 18


def test_an_adult_is_18_or_older():
    assert default_category(D(2008, 11, 24), TODAY) == Category.ADULT
    assert default_category(D(2008, 11, 25), TODAY) == Category.CHILD


@given(
    born=st.dates(min_value=D(1900, 1, 1), max_value=TODAY),
    day=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 1, 1)),
)
def test_age_is_the_number_of_birthdays_passed(born, day):
    age = age_on(born, day)
    if day >= born:
        # counted plainly: the birthdays from the first up to the day
        passed = 0
        year = born.year + 1
        while True:
            birthday = (
                D(year, 3, 1)
                if (born.month, born.day) == (2, 29) and not _leap(year)
                else D(year, born.month, born.day)
            )
            if birthday > day:
                break
            passed += 1
            year += 1
        assert age == passed


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# dependent_errors


def errors(**changes):
    facts = {
        "relationship": Relationship.CHILD,
        "birth_date": D(2015, 4, 2),
        "enrolled_on": TODAY,
        "today": TODAY,
        "child_age_limit": 21,
        "spouses_allowed": 1,
        "other_dependents_allowed": True,
        "max_household_size": None,
        "household": [Relationship.HEAD],
    }
    return dependent_errors(**{**facts, **changes})


def test_a_child_under_the_age_limit_may_join():
    assert errors() == {}


def test_a_birth_date_in_the_future_is_refused():
    assert set(errors(birth_date=TODAY + datetime.timedelta(days=1))) == {"birth_date"}


def test_a_birth_date_after_the_enrolment_is_refused():
    assert set(errors(birth_date=D(2026, 6, 1), enrolled_on=D(2026, 5, 1))) == {"birth_date"}


def test_a_child_over_the_age_limit_is_refused():
    # 21 on the day of enrolment: over the limit
    assert set(errors(birth_date=D(2005, 11, 24))) == {"birth_date"}
    # the day before their 21st birthday: still a child
    assert errors(birth_date=D(2005, 11, 25)) == {}


def test_the_age_limit_is_judged_on_the_enrolment_date():
    # a child of 20 at enrolment, 21 today
    assert errors(birth_date=D(2005, 6, 1), enrolled_on=D(2026, 1, 1)) == {}


def test_a_second_head_is_refused():
    assert set(errors(relationship=Relationship.HEAD, birth_date=D(1980, 1, 1))) == {"relationship"}


def test_a_head_of_household_must_be_an_adult():
    under_age = errors(relationship=Relationship.HEAD, birth_date=D(2010, 1, 1), household=[])
    assert set(under_age) == {"birth_date"}
    assert errors(relationship=Relationship.HEAD, birth_date=D(1980, 1, 1), household=[]) == {}


def test_spouses_are_limited_by_the_package():
    spouse = {"relationship": Relationship.SPOUSE, "birth_date": D(1985, 1, 1)}
    assert errors(**spouse) == {}
    married = [Relationship.HEAD, Relationship.SPOUSE]
    assert set(errors(**spouse, household=married)) == {"relationship"}
    # a package allowing two spouses accepts a second, not a third
    assert errors(**spouse, household=married, spouses_allowed=2) == {}
    three = [*married, Relationship.SPOUSE]
    assert set(errors(**spouse, household=three, spouses_allowed=2)) == {"relationship"}


def test_other_dependents_only_when_the_package_covers_them():
    parent = {"relationship": Relationship.PARENT, "birth_date": D(1950, 1, 1)}
    assert errors(**parent) == {}
    assert set(errors(**parent, other_dependents_allowed=False)) == {"relationship"}
    other = {"relationship": Relationship.OTHER, "birth_date": D(2000, 1, 1)}
    assert set(errors(**other, other_dependents_allowed=False)) == {"relationship"}


def test_a_household_is_not_larger_than_the_package_allows():
    five = [Relationship.HEAD, Relationship.SPOUSE, *[Relationship.CHILD] * 3]
    assert set(errors(household=five, max_household_size=5)) == {"relationship"}
    assert errors(household=five, max_household_size=6) == {}
    assert errors(household=five, max_household_size=None) == {}


def test_every_problem_is_reported_by_field():
    # a second head, born in the future, in a full household
    found = errors(
        relationship=Relationship.HEAD,
        birth_date=TODAY + datetime.timedelta(days=3),
        household=[Relationship.HEAD],
        max_household_size=1,
    )
    assert set(found) == {"birth_date", "relationship"}
