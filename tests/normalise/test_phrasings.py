"""Real-world phrasings (tests/normalise/phrasings.csv) map to the expected concepts.

Columns: ``text``; ``expected`` and ``not_expected`` (space-separated concept ids, judged among
mentions with confidence >= 0.5); ``lang``; ``note``; ``context`` (``;``-separated concept ids
or texts passed as ``context``).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from matchmaker.normalise import CONFIDENT, ConceptMatch, default_normaliser
from matchmaker.taxonomy import default_taxonomy

TABLE = Path(__file__).with_name("phrasings.csv")
LANGUAGES = {"xx", "en", "de", "fr", "it", "es", "ro", "hu", "cs", "da", "sv", "nl"}


def _rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = _rows()


def test_table_is_large_and_multilingual() -> None:
    assert len(ROWS) >= 150
    langs = Counter(row["lang"] for row in ROWS)
    assert set(langs) == LANGUAGES
    assert all(count >= 3 for count in langs.values())
    assert sum(1 for row in ROWS if row["not_expected"]) >= 15


def test_table_names_only_known_concepts() -> None:
    tax = default_taxonomy()
    for row in ROWS:
        for cid in (row["expected"] + " " + row["not_expected"]).split():
            assert cid in tax, (row["text"], cid)
        assert row["expected"] or row["not_expected"], row["text"]


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{i:03d}-{row['lang']}-{row['text'][:40]}" for i, row in enumerate(ROWS)]
)
def test_phrasing(row: dict[str, str]) -> None:
    context = [c.strip() for c in row["context"].split(";") if c.strip()]
    result = default_normaliser().normalise(row["text"], context=context)
    found = {m.concept for m in result.mentions if m.confidence >= CONFIDENT}
    missing = set(row["expected"].split()) - found
    wrong = set(row["not_expected"].split()) & found
    assert not missing, f"missing {sorted(missing)}; got {_describe(result.mentions)}"
    assert not wrong, f"unexpected {sorted(wrong)}; got {_describe(result.mentions)}"


def _describe(mentions: Iterable[ConceptMatch]) -> list[tuple[str, float, str]]:
    return [(m.concept, m.confidence, m.text) for m in mentions]
