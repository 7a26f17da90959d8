"""Region fallback for addresses without a NUTS code."""

from __future__ import annotations

import pytest

from matchmaker.importing.places import CAPITAL_REGION, covered_countries, place_region
from matchmaker.nuts import nuts2_region


@pytest.mark.parametrize(
    ("country", "city", "postcode", "code", "method"),
    [
        ("AT", "Seibersdorf", "2444", "AT12", "postcode"),
        ("AT", "Dornbirn", "6850", "AT34", "postcode"),
        ("BE", "Gent", "9052", "BE23", "postcode"),
        ("DK", "Odense M", "5230", "DK03", "postcode"),
        ("FR", "Clermont-Ferrand", "63000", "FRK1", "postcode"),
        ("FR", "Ajaccio", "20000", "FRM0", "postcode"),
        ("ES", "Derio", "48160", "ES21", "postcode"),
        ("DE", "MÜNCHEN", "80333", "DE21", "city"),
        ("CZ", "Praha 4", "", "CZ01", "city"),
        ("NL", "'s-Gravenhage", "", "NL33", "city"),
        ("IT", "Bolzano", "39100", "ITH1", "city"),
        ("RO", "Cluj-Napoca", "", "RO11", "city"),
        ("SE", "Lund", "", "SE22", "city"),
        ("HU", "Pápa", "", "HU11", "capital"),
        ("LU", "Esch-sur-Alzette", "", "LU00", "single"),
    ],
)
def test_place_region(country: str, city: str, postcode: str, code: str, method: str) -> None:
    placed = place_region(country, city, postcode)
    assert placed is not None
    assert (placed.code, placed.method) == (code, method)


def test_uncovered_countries_are_not_placed() -> None:
    assert place_region("GB", "London", "SW1") is None
    assert place_region("US", "Boston") is None


def test_every_capital_region_is_a_nuts2_region_of_its_country() -> None:
    assert set(CAPITAL_REGION) == covered_countries()
    for country, code in CAPITAL_REGION.items():
        region = nuts2_region(code)
        assert region is not None
        assert region.country == country
