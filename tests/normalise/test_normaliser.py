"""Behaviour of the normaliser beyond the phrasing table: spans, unmatched text, ranking,
case and context rules, fuzzy limits and compounds."""

from __future__ import annotations

import pytest

from matchmaker.models import Concept, Facet
from matchmaker.normalise import Normalisation, Normaliser, default_normaliser, fold
from matchmaker.taxonomy import Taxonomy


def norm(text: str, **kwargs: list[str]) -> Normalisation:
    return default_normaliser().normalise(text, **kwargs)


def mentioned(result: Normalisation, min_confidence: float = 0.5) -> set[str]:
    return {m.concept for m in result.mentions if m.confidence >= min_confidence}


def test_default_normaliser_is_cached() -> None:
    assert default_normaliser() is default_normaliser()


def test_fold_maps_back_to_the_original() -> None:
    folded, offsets = fold("Straße™ Ø")
    assert folded == "strasse o"
    assert offsets == [0, 1, 2, 3, 4, 4, 5, 7, 8]


@pytest.mark.parametrize(
    "text",
    [
        "Schweißdraht und Wärmebehandlung für Straßenbahnen",
        "fabricație aditivă, tratament termic și prelucrare mecanică",
        "Ti‑6Al‑4V (Grade 5) — HIP® + µCT",
        "ŒUVRE: fusion laser sur lit de poudre; İnconel 718",
    ],
)
def test_every_span_indexes_the_original_text(text: str) -> None:
    result = norm(text)
    assert result.mentions
    for m in result.mentions:
        assert text[m.span[0] : m.span[1]] == m.text
    for u in result.unmatched:
        assert text[u.start : u.end] == u.text


def test_unmatched_text_is_reported_without_stop_words_or_bare_numbers() -> None:
    result = norm("Wir fertigen Bauteile aus Ti64 auf zwei EOS M290, seit 2015.")
    assert [u.text for u in result.unmatched] == ["fertigen Bauteile"]


def test_numbers_with_units_are_reported() -> None:
    result = norm("L-PBF with a 400 W laser and 30 µm layers")
    assert [u.text for u in result.unmatched] == ["400 W laser", "30 µm layers"]


def test_text_without_am_content_is_all_unmatched() -> None:
    result = norm("The weather was nice and the food was good.")
    assert result.mentions == []
    assert [u.text for u in result.unmatched] == ["weather", "nice", "food", "good"]


def test_empty_text() -> None:
    result = norm("")
    assert (result.matches, result.mentions, result.unmatched) == ([], [], [])


def test_punctuation_blocks_joining_but_a_dot_between_digits_does_not() -> None:
    assert "mat.fe.316l" in mentioned(norm("1.4404"))
    assert "mat.fe.316l" not in mentioned(norm("Table 1. 4404 parts"))
    assert "mat.ti.ti64" not in mentioned(norm("made of Ti. 64 machines run"))
    assert "mat.ti.ti64" in mentioned(norm("Ti-6Al-4V"))


def test_a_concept_matched_twice_keeps_its_best_confidence() -> None:
    result = norm("Inconnel parts and Inconel parts")
    assert [(m.concept, m.confidence, m.text) for m in result.matches] == [
        ("mat.ni", 1.0, "Inconel")
    ]
    assert [m.method for m in result.mentions] == ["fuzzy", "exact"]


def test_broader_concept_implied_by_a_specific_match_is_not_repeated() -> None:
    result = norm("metal AM with L-PBF")
    assert [m.concept for m in result.matches] == ["proc.pbf.lb_m"]
    assert {m.concept for m in result.mentions} == {"proc.any_metal_am", "proc.pbf.lb_m"}


def test_broader_concept_kept_when_more_confident_than_the_specific_one() -> None:
    result = norm("metal AM and EBM")
    assert [(m.concept, m.confidence) for m in result.matches] == [
        ("proc.any_metal_am", 1.0),
        ("proc.pbf.eb_m", 0.8),
    ]


def test_matches_are_ranked_by_confidence() -> None:
    result = norm("titanum parts, HIP and hot isostatic pressing of AlSi10Mg")
    confidences = [m.confidence for m in result.matches]
    assert confidences == sorted(confidences, reverse=True)
    assert result.concept_ids() == ["vc.post.hip", "mat.al.alsi10mg", "mat.ti"]
    assert result.concept_ids(min_confidence=0.9) == ["vc.post.hip", "mat.al.alsi10mg"]


def test_short_acronyms_are_case_sensitive() -> None:
    assert mentioned(norm("hip and knee")) == set()
    assert mentioned(norm("ct")) == set()
    assert "vc.post.hip" in mentioned(norm("HIP of Ti64"))
    assert "vc.post.hip" in mentioned(norm("Hot isostatic pressing"))


def test_element_symbols_do_not_match_at_sentence_start() -> None:
    assert "mat.cu" not in mentioned(norm("Cu ajutorul partenerilor. Al final."), 0.0)
    assert "mat.cu" in mentioned(norm("L-PBF of Cu and CuCrZr"))


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("HIP", [], 0.3),
        ("HIP", ["vc.post.ht"], 0.8),
        ("HIP", ["proc.pbf.lb_m"], 0.8),
        ("HIP", ["app.medical"], 0.3),
        ("HIP", ["we print titanium parts"], 0.8),
        ("HIP", ["orthopaedic surgery"], 0.3),
        ("HIP", ["no.such.concept"], 0.3),
        ("HIP replacement of the knee", [], 0.3),
        ("HIP after L-PBF", [], 0.8),
        ("HIP for medical implants", [], 0.3),
    ],
)
def test_ambiguous_alias_confidence_depends_on_am_context(
    text: str, context: list[str], expected: float
) -> None:
    result = norm(text, context=context)
    hip = [m for m in result.mentions if m.concept == "vc.post.hip"]
    assert len(hip) == 1
    assert hip[0].ambiguous
    assert hip[0].confidence == expected


def test_an_ambiguous_mention_does_not_give_context_to_another() -> None:
    result = norm("CT of the HIP")
    assert {(m.concept, m.confidence) for m in result.mentions} == {
        ("vc.test", 0.3),
        ("vc.post.hip", 0.3),
    }


def test_fuzzy_never_changes_digits_or_touches_short_acronyms() -> None:
    assert "mat.ni.in718" not in mentioned(norm("Inconel 719"))
    assert "mat.ni" in mentioned(norm("Inconel 719"))
    assert mentioned(norm("SLN and WAM"), 0.0) == set()


def test_fuzzy_confidence_is_below_exact() -> None:
    (typo,) = norm("Inconnel").mentions
    assert typo.method == "fuzzy"
    assert typo.alias == "Inconel"
    assert 0.8 < typo.confidence < 0.9


def test_compound_parts_get_their_own_spans_and_the_rest_is_unmatched() -> None:
    result = norm("Titanbauteile aus Edelstahlpulver")
    assert [(m.concept, m.text, m.method) for m in result.mentions] == [
        ("mat.ti", "Titan", "compound"),
        ("mat.fe.stainless", "Edelstahl", "compound"),
        ("fs.powder", "pulver", "compound"),
    ]
    assert [u.text for u in result.unmatched] == ["bauteile"]


def test_short_leftovers_reject_a_compound() -> None:
    assert mentioned(norm("Titanics and titanate"), 0.0) == set()


def test_works_on_any_taxonomy() -> None:
    tax = Taxonomy(
        [
            Concept(id="p", label="Printing", facet=Facet.PROCESS),
            Concept(
                id="p.x",
                label="Xylo printing",
                facet=Facet.PROCESS,
                broader=["p"],
                aliases={"de": ["Xylodruck"], "xx": ["XP"]},
                ambiguous=["XP"],
            ),
        ]
    )
    result = Normaliser(tax).normalise("Xylodruck, XP und Xylo printng")
    assert [(m.concept, m.method) for m in result.mentions] == [
        ("p.x", "exact"),
        ("p.x", "exact"),
        ("p.x", "fuzzy"),
    ]
    assert result.mentions[1].confidence == 0.8
