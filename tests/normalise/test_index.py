"""The alias index is unambiguous: one normalised alias, one concept."""

from __future__ import annotations

import re

from matchmaker.normalise import default_normaliser, fold
from matchmaker.taxonomy import default_taxonomy

WORD = re.compile(r"[^\W_]+")


def test_no_normalised_alias_belongs_to_two_concepts() -> None:
    owners: dict[str, set[str]] = {}
    for concept in default_taxonomy().concepts:
        for alias in concept.all_aliases():
            key = "".join(WORD.findall(fold(alias)[0]))
            owners.setdefault(key, set()).add(concept.id)
    clashes = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert clashes == {}


def test_every_alias_maps_back_to_its_concept() -> None:
    """Each alias, written after a word (element symbols never match first), finds its
    concept; a comma (only in two labels) separates words."""
    normaliser = default_normaliser()
    wrong = []
    for concept in default_taxonomy().concepts:
        for alias in concept.all_aliases():
            if "," in alias:
                continue
            result = normaliser.normalise(f"using {alias}", context=["proc.pbf.lb_m"])
            if concept.id not in {m.concept for m in result.mentions}:
                wrong.append((concept.id, alias, [m.concept for m in result.mentions]))
    assert wrong == []
