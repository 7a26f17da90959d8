"""The seven ISO/ASTM 52900 process categories in DOAM agree with the taxonomy."""

from __future__ import annotations

import re
from pathlib import Path

from matchmaker.taxonomy import default_taxonomy

DOAM = Path(__file__).resolve().parents[2] / "fixtures" / "doam" / "astm52900.ttl"
CLASS_BLOCK = re.compile(r"^:(ASTM_3\.2\.\d+) rdf:type owl:Class ;\n(.*?)\s\.\n", re.M | re.S)


def _categories() -> dict[str, tuple[str, str]]:
    """``astmNo -> (prefLabel split into words, altLabel)`` for the 3.2.x classes."""
    found: dict[str, tuple[str, str]] = {}
    for number, body in CLASS_BLOCK.findall(DOAM.read_text(encoding="utf-8")):
        if ":ASTM_3.2 ," not in body:
            continue
        pref = re.search(r'skos:prefLabel "([^"]+)"@en', body)
        alt = re.search(r'skos:altLabel "([^"]+)"@en', body)
        assert pref, number
        assert alt, number
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", pref.group(1))
        found[number] = (words, alt.group(1))
    return found


def test_doam_has_the_seven_categories() -> None:
    cats = _categories()
    assert sorted(abbr for _, abbr in cats.values()) == [
        "BJT",
        "DED",
        "MEX",
        "MJT",
        "PBF",
        "SHL",
        "VPP",
    ]


def test_each_category_is_a_concept_with_label_and_abbreviation() -> None:
    tax = default_taxonomy()
    for label, abbr in _categories().values():
        cid = f"proc.{abbr.lower()}"
        assert cid in tax, cid
        concept = tax.get(cid)
        assert concept.label.casefold() == label.casefold(), (cid, concept.label, label)
        assert abbr in concept.all_aliases(), cid
        assert concept.broader == ["am"]
        assert concept.source.startswith("ISO/ASTM 52900 via DOAM")


def test_additive_manufacturing_root_and_historical_terms() -> None:
    text = DOAM.read_text(encoding="utf-8")
    block = text[text.index(":ASTM_3.1.2 rdf:type") :]
    block = block[: block.index(" .\n")]
    assert 'skos:prefLabel "AdditiveManufacturing"@en' in block
    history = re.search(r"Historical terms include: ([^.]+)\.", block)
    assert history
    terms = re.split(r", | and ", history.group(1))
    am = default_taxonomy().get("am")
    assert am.label == "Additive manufacturing"
    assert "AM" in am.all_aliases()
    assert len(terms) == 7
    missing = [t for t in terms if t not in am.all_aliases()]
    assert missing == []
