from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.rules import search, validate
from console.rules.names import fold_key

TODAY = pendulum.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ó Súilleabháin", "osuilleabhain"),
        ("O'Brien", "obrien"),
        ("Kowalczyk", "kowalczyk"),
        ("Łukasz", "lukasz"),
    ],
)
def test_fold_key(name: str, key: str) -> None:
    assert fold_key(name) == key


def test_one_word_searches_family_or_given_name() -> None:
    assert search.parse("Smi") == search.SearchTerms(either_prefix="smi")


def test_two_words_and_comma_forms() -> None:
    assert search.parse("smith jo") == search.SearchTerms(family_prefix="smith", given_prefix="jo")
    assert search.parse("Van Der Berg, An") == search.SearchTerms(
        family_prefix="vanderberg", given_prefix="an"
    )


@pytest.mark.parametrize("typed", ["943 476", "943-476", "943476"])
def test_digits_search_nhs_number(typed: str) -> None:
    assert search.parse(typed) == search.SearchTerms(nhs_prefix="943476")


@pytest.mark.parametrize("typed", ["12/03/1980", "1980-03-12", "12/3/1980"])
def test_dates_search_date_of_birth(typed: str) -> None:
    assert search.parse(typed).date_of_birth == pendulum.date(1980, 3, 12)


def test_postcode_normalised() -> None:
    assert validate.postcode("ls14ap") == "LS1 4AP"
    assert validate.postcode(" wf1  1aa ") == "WF1 1AA"
    with pytest.raises(validate.FieldError):
        validate.postcode("12345")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/1990", "no such date"),
        ("1899-12-31", "1900"),
        ("24/11/2026", "future"),
        ("tomorrow", "DD/MM/YYYY"),
    ],
)
def test_bad_dates(typed: str, message: str) -> None:
    with pytest.raises(validate.FieldError, match=message):
        validate.date(typed, today=TODAY)


def test_phone_and_email() -> None:
    assert validate.phone("+44 1924 123456") == "+44 1924 123456"
    for bad in ("123", "01924-123456", "+44 1924 123456 7890 12"):
        with pytest.raises(validate.FieldError):
            validate.phone(bad)
    assert validate.email("jo@example.org") == "jo@example.org"
    for bad in ("jo@", "jo@example", "a@b@c.org"):
        with pytest.raises(validate.FieldError):
            validate.email(bad)


def test_eight_digits_that_are_a_date_search_both() -> None:
    terms = search.parse("12031980")
    assert terms.nhs_or_dob and terms.nhs_prefix == "12031980"
    assert terms.date_of_birth == pendulum.date(1980, 3, 12)
    assert search.parse("94347659") == search.SearchTerms(nhs_prefix="94347659")  # no date
    assert search.searched_as(terms) == (
        "dates of birth 12/03/1980 and NHS numbers starting 120 319 80"
    )
    assert search.searched_as(search.parse("94347659")) == ""
    assert search.searched_as(search.parse("12/03/1980")) == ""


def _full_fold(text: str) -> str:
    """The Unicode fold without fold_key's ASCII shortcut."""
    import unicodedata

    from console.rules.names import _SPECIAL

    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(
        ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch)
    )


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_the_ascii_shortcut_folds_as_unicode_does(text: str) -> None:
    assert fold_key(text) == _full_fold(text)


@given(st.from_regex(r"\+?[0-9 ]{1,20}", fullmatch=True))
def test_phone_digits_counted_as_typed(text: str) -> None:
    digits = sum(ch.isdigit() for ch in text.strip())
    if not text.strip():
        assert validate.phone(text) == ""
    elif 10 <= digits <= 15:
        assert validate.phone(text) == text.strip()
    else:
        with pytest.raises(validate.FieldError):
            validate.phone(text)
