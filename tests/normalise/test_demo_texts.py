"""The demo ecosystem's free texts map without leaving AM terms unmatched.

"AM term" (operational definition): an unmatched word of at least four characters that either
scores >= 90 (``fuzz.ratio``) against the compact key of a one-word taxonomy alias of at least four
characters (including ambiguous and case-sensitive ones the normaliser declined), or is a long
word (>= 8 characters) containing an AM word stem (:data:`AM_STEMS`), e.g. an unknown German
compound such as "Laserstrahlschmelzanlagen".
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from matchmaker.normalise import default_normaliser, fold
from matchmaker.taxonomy import default_taxonomy

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "actors.json"
AM_STEMS = (
    "schmelz", "pulver", "powder", "poudre", "polver", "pulber", "additiv", "aditiv", "sinter",
    "atomis", "atomiz", "inconel", "titan", "lpbf", "waam", "laser",
)  # fmt: skip
WORD = re.compile(r"[^\W_]+")


@cache
def _alias_keys() -> tuple[str, ...]:
    keys = set()
    for concept in default_taxonomy().concepts:
        for alias in concept.all_aliases():
            words = WORD.findall(fold(alias)[0])
            if len(words) == 1 and len(words[0]) >= 4:
                keys.add(words[0])
    return tuple(sorted(keys))


def am_terms(words: list[str]) -> list[str]:
    """The words of ``words`` that look like AM vocabulary (see the module docstring)."""
    found = []
    for word in words:
        folded = fold(word)[0]
        if len(folded) < 4:
            continue
        near = process.extractOne(folded, _alias_keys(), scorer=fuzz.ratio, score_cutoff=90)
        stem = len(folded) >= 8 and any(s in folded for s in AM_STEMS)
        if near is not None or stem:
            found.append(word)
    return found


def _demo_texts() -> list[tuple[str, str]]:
    actors = json.loads(DEMO.read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for actor in actors:
        where = actor["id"]
        if actor.get("description"):
            texts.setdefault(actor["description"], f"{where}.description")
        for i, comp in enumerate(actor.get("competences", [])):
            if comp.get("evidence"):
                texts.setdefault(comp["evidence"], f"{where}.competences[{i}].evidence")
        for kind in ("offers", "requests"):
            for i, statement in enumerate(actor.get(kind, [])):
                if statement.get("text"):
                    texts.setdefault(statement["text"], f"{where}.{kind}[{i}].text")
    return sorted((where, text) for text, where in texts.items())


def test_detector_flags_am_words_and_not_ordinary_ones() -> None:
    words = ["Hasteloy", "customers", "Laserstrahlschmelzanlagen", "since", "Bauteile"]
    assert am_terms(words) == ["Hasteloy", "Laserstrahlschmelzanlagen"]


def test_an_unknown_am_compound_would_fail_the_check() -> None:
    result = default_normaliser().normalise("Wir bieten Sinterhärtung an")
    words = [w for span in result.unmatched for w in WORD.findall(span.text)]
    assert am_terms(words) == ["Sinterhärtung"]


@pytest.mark.skipif(not DEMO.exists(), reason="fixtures/demo/actors.json not present")
def test_demo_free_texts_leave_no_am_term_unmatched() -> None:
    texts = _demo_texts()
    assert len(texts) > 100
    normaliser = default_normaliser()
    problems = []
    for where, text in texts:
        result = normaliser.normalise(text)
        words = [w for span in result.unmatched for w in WORD.findall(span.text)]
        flagged = am_terms(words)
        if flagged:
            problems.append(f"{where}: {flagged} in {text!r}")
    assert problems == [], f"{len(problems)} texts:\n" + "\n".join(problems[:40])


@pytest.mark.skipif(not DEMO.exists(), reason="fixtures/demo/actors.json not present")
def test_demo_texts_mostly_map_to_concepts() -> None:
    texts = _demo_texts()
    normaliser = default_normaliser()
    with_concepts = sum(1 for _, text in texts if normaliser.normalise(text).concept_ids())
    assert with_concepts / len(texts) >= 0.9
