"""The shipped NUTS 2021 table: completeness, hierarchy and the programme's partner regions."""

from __future__ import annotations

from collections import Counter

import pytest

from matchmaker.nuts import country_of, nuts2_region, nuts_table

_EU27_CODES = "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU27 = frozenset(_EU27_CODES.split(" "))
NON_EU = frozenset(["NO", "IS", "LI", "CH", "ME", "MK", "AL", "RS", "TR"])

PARTNER_REGIONS = {
    "AT12": "Niederösterreich",
    "ITH1": "Provincia Autonoma di Bolzano/Bozen",
    "HU22": "Nyugat-Dunántúl",
    "RO32": "București-Ilfov",
    "RO21": "Nord-Est",
    "CZ08": "Moravskoslezsko",
    "DK03": "Syddanmark",
    "FRK1": "Auvergne",
    "FRK2": "Rhône-Alpes",
    "BE21": "Prov. Antwerpen",
    "BE22": "Prov. Limburg (BE)",
    "BE23": "Prov. Oost-Vlaanderen",
    "BE24": "Prov. Vlaams-Brabant",
    "BE25": "Prov. West-Vlaanderen",
    "SE22": "Sydsverige",
}


def test_eu27_level_counts_match_eurostat() -> None:
    counts = Counter(r.level for r in nuts_table().values() if r.code[:2] in EU27)
    assert counts == {0: 27, 1: 92, 2: 242}


def test_every_country_is_present_at_level_zero() -> None:
    level0 = {r.code for r in nuts_table().values() if r.level == 0}
    assert level0 == EU27 | NON_EU


@pytest.mark.parametrize("code", sorted(NON_EU))
def test_non_eu_countries_have_level_two_regions(code: str) -> None:
    assert any(r.level == 2 and r.code.startswith(code) for r in nuts_table().values())


@pytest.mark.parametrize(("code", "name"), sorted(PARTNER_REGIONS.items()))
def test_partner_region_present(code: str, name: str) -> None:
    region = nuts2_region(code)
    assert region is not None
    assert region.name == name


def test_flanders_and_auvergne_rhone_alpes_parents() -> None:
    table = nuts_table()
    assert table["BE2"].name == "Vlaams Gewest"
    assert {c for c in table if c.startswith("BE2") and len(c) == 4} == {
        "BE21",
        "BE22",
        "BE23",
        "BE24",
        "BE25",
    }
    assert table["FRK"].name == "Auvergne-Rhône-Alpes"


def test_skane_is_not_a_level_two_region() -> None:
    assert nuts2_region("SE224") is None
    assert nuts2_region("SE22") is not None


def test_every_region_has_its_parents() -> None:
    table = nuts_table()
    for code, region in table.items():
        assert region.level == len(code) - 2, code
        for parent_len in range(2, len(code)):
            parent = table.get(code[:parent_len])
            assert parent is not None, f"{code} lacks parent {code[:parent_len]}"
            assert parent.level == parent_len - 2


def test_country_column_is_iso() -> None:
    table = nuts_table()
    for code, region in table.items():
        assert region.country == country_of(code)
    assert table["EL30"].country == "GR"
    assert "UK" not in table


def test_no_extra_regio_codes() -> None:
    assert not [c for c in nuts_table() if len(c) > 2 and c.endswith("Z")]
