"""Small hand-made sets whose duplicates are known."""

import pytest

from matchmaker.dedupe import (
    DedupeConfig,
    DedupeError,
    DedupeRecord,
    candidate_pairs,
    find_candidates,
    score_pair,
)

R = DedupeRecord

SET = [
    R("rhp1", "RHP TECHNOLOGY GMBH", "AT", city="Seibersdorf"),
    R("rhp2", "RHP-Technology GmbH & Co. KG", "AT", city="SEIBERSDORF"),
    R("cz1", "Kovárna Viva a.s.", "CZ", city="Zlín"),
    R("cz2", "KOVARNA VIVA AS", "CZ", city="ZLIN"),
    R(
        "it1",
        "Prima Industrie S.p.A.",
        "IT",
        city="Collegno",
        website="https://www.primaindustrie.com",
    ),
    R("it2", "PRIMA INDUSTRIE SRL", "IT", city="Torino", website="primaindustrie.com/it"),
    R("hu1", "Bay Zoltán Alkalmazott Kutatási Nonprofit Kft.", "HU", city="Budapest"),
    R("hu2", "BAY ZOLTAN ALKALMAZOTT KUTATASI KFT", "HU", city="BUDAPEST"),
    R("pl1", "Pielaszek Research Sp. z o.o.", "PL", city="Warszawa"),
    R("pl2", "PIELASZEK RESEARCH", "PL", city="Warsaw"),
    R("dk1", "Dansk Metal Print ApS", "DK", city="Odense"),
    R("dk2", "DANSK METAL PRINT A/S", "DK", city="Odense"),
    # renamed company: only the website ties the two names together
    R("ren1", "Concept Laser GmbH", "DE", city="Lichtenfels", website="www.concept-laser.de"),
    R(
        "ren2",
        "GE Additive Concept Laser GmbH",
        "DE",
        city="Lichtenfels",
        website="concept-laser.de",
    ),
    # look-alikes that are different organisations
    R("uni1", "Universidade de Lisboa", "PT", city="Lisboa"),
    R("uni2", "Universidade Nova de Lisboa", "PT", city="Lisboa"),
    R("ren3", "Université de Rennes I", "FR", city="Rennes"),
    R("ren4", "Université de Rennes II", "FR", city="Rennes"),
    R("hold1", "Dong Energy Wind Power A/S", "DK", city="Fredericia"),
    R("hold2", "Dong Energy Wind Power Holding A/S", "DK", city="Fredericia"),
    R("fund1", "Fondazione Politecnico di Milano", "IT", city="Milano"),
    R("fund2", "Politecnico di Milano", "IT", city="Milano"),
    R("min1", "Ministry of Health", "IS", city="Reykjavik"),
    R("min2", "Ministry of Health", "IL", city="Jerusalem"),
    R("fac1", "Sveuciliste u Zagrebu Filozofski fakultet", "HR", city="Zagreb"),
    R("fac2", "Sveuciliste u Zagrebu Agronomski fakultet", "HR", city="Zagreb"),
]
EXPECTED = {
    ("rhp1", "rhp2"),
    ("cz1", "cz2"),
    ("it1", "it2"),
    ("hu1", "hu2"),
    ("pl1", "pl2"),
    ("dk1", "dk2"),
    ("ren1", "ren2"),
}


def test_finds_exactly_the_known_duplicates() -> None:
    found = {(c.a, c.b) for c in find_candidates(SET) if c.duplicate}
    assert found == EXPECTED


def test_evidence_explains_each_duplicate() -> None:
    by_pair = {(c.a, c.b): c for c in find_candidates(SET)}
    assert "names equal after removing legal form" in by_pair[("rhp1", "rhp2")].evidence
    assert "same website domain" in by_pair[("it1", "it2")].evidence
    assert "same website domain" in by_pair[("ren1", "ren2")].evidence
    assert "same city" in by_pair[("cz1", "cz2")].evidence
    assert "same city" in by_pair[("pl1", "pl2")].evidence


def test_results_do_not_depend_on_input_order() -> None:
    forward = find_candidates(SET)
    backward = find_candidates(list(reversed(SET)))
    assert forward == backward


def test_candidates_are_sorted_best_first_with_ordered_ids() -> None:
    found = find_candidates(SET, DedupeConfig(min_score=0.0))
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(c.a < c.b for c in found)


def test_blocking_compares_far_fewer_pairs_than_all_pairs() -> None:
    records = [R(f"r{i}", f"Company {i:05d} Metal Works GmbH", "DE") for i in range(400)]
    records += [R(f"s{i}", f"Atelier {i:05d} SARL", "FR") for i in range(400)]
    pairs = candidate_pairs(records)
    assert len(pairs) < len(records) * (len(records) - 1) // 2 // 10


def test_different_numbers_are_not_duplicates() -> None:
    a, b = R("a", "Sensor Lab 1 GmbH", "DE"), R("b", "Sensor Lab 2 GmbH", "DE")
    assert not score_pair(a, b).duplicate


def test_same_name_and_city_in_two_countries_is_flagged_as_a_country_error() -> None:
    a = R("a", "United Nations University", "JP", city="Tokyo")
    b = R("b", "UNITED NATIONS UNIVERSITY", "DE", city="TOKYO")
    candidate = score_pair(a, b)
    assert candidate.duplicate
    assert any("different countries" in e for e in candidate.evidence)


def test_repeated_ids_are_rejected() -> None:
    with pytest.raises(DedupeError, match="x1"):
        find_candidates([R("x1", "A GmbH", "DE"), R("x1", "B GmbH", "DE")])


@pytest.mark.parametrize(
    "config",
    [
        {"threshold": 1.5},
        {"min_score": -0.1},
        {"max_block": 1},
    ],
)
def test_bad_configuration_is_rejected(config: dict[str, float]) -> None:
    with pytest.raises(DedupeError):
        DedupeConfig(**config)  # type: ignore[arg-type]
