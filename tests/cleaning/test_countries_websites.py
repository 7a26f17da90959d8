import pytest

from matchmaker.cleaning import clean_country, clean_website
from matchmaker.errors import ValidationFailed


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("AT", "AT"),
        ("de", "DE"),
        ("EL", "GR"),
        ("UK", "GB"),
        (" gb ", "GB"),
        ("Österreich", "AT"),
        ("United Kingdom", "GB"),
        ("Magyarország", "HU"),
        ("Česká republika", "CZ"),
        ("the Netherlands", "NL"),
        ("España", "ES"),
    ],
)
def test_countries_become_iso_codes(value: str, code: str) -> None:
    assert clean_country(value) == code


@pytest.mark.parametrize("value", ["", "Atlantis", "A", "Deutschlandd"])
def test_unknown_countries_are_rejected_naming_the_field(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_country(value)
    assert caught.value.problems[0].field == "country"


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.twi-global.com/", "twi-global.com"),
        ("HTTP://WWW.Example.ORG:8080/path?q=1#x", "example.org"),
        ("www.rhp.at", "rhp.at"),
        ("materialise.com/en", "materialise.com"),
        ("", ""),
    ],
)
def test_websites_become_domains(value: str, domain: str) -> None:
    assert clean_website(value) == domain


@pytest.mark.parametrize("value", ["not a url", "http://", "https://localhost"])
def test_bad_websites_are_rejected(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_website(value)
    assert caught.value.problems[0].field == "website"
