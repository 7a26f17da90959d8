"""Speed and accuracy of the text normaliser against a naive fuzzy baseline.

``python -m benchmarks.normalise [--repeat N]`` prints JSON. Both contenders run on the same
texts in the same process:

* ``normaliser``: :class:`matchmaker.normalise.Normaliser` (exact compact-key index first,
  blocked rapidfuzz second, case and AM-context rules), timed cold (empty fuzzy cache, first
  pass) and warm (later passes).
* ``baseline``: ``rapidfuzz.process.extractOne`` (``token_sort_ratio`` >= 88) of every folded
  token n-gram (n = 4..1, longest first, no overlaps) against all folded aliases. There is no
  exact index, no blocking, and no case or ambiguity rule.

Accuracy is the share of rows of ``tests/normalise/phrasings.csv`` whose ``expected`` concepts
are all found and whose ``not_expected`` concepts are all absent (confidence >= 0.5). Speed is
in microseconds per text on the phrasings plus the demo fixtures' free texts.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz import fuzz, process

from matchmaker.normalise import CONFIDENT, Normaliser, fold
from matchmaker.taxonomy import default_taxonomy

ROOT = Path(__file__).resolve().parent.parent
PHRASINGS = ROOT / "tests" / "normalise" / "phrasings.csv"
DEMO = ROOT / "fixtures" / "demo" / "actors.json"
WORD = re.compile(r"[^\W_]+")


class Baseline:
    """Naive fuzzy matching of every n-gram against every alias."""

    def __init__(self) -> None:
        self.choices: list[str] = []
        self.owners: list[str] = []
        for concept in default_taxonomy().concepts:
            for alias in concept.all_aliases():
                self.choices.append(" ".join(WORD.findall(fold(alias)[0])))
                self.owners.append(concept.id)

    def concepts(self, text: str, context: Iterable[str] = ()) -> set[str]:
        """Concept ids found in ``text`` (``context`` is ignored)."""
        words = WORD.findall(fold(text)[0])
        taken = [False] * len(words)
        found: set[str] = set()
        for size in range(4, 0, -1):
            for i in range(len(words) - size + 1):
                if any(taken[i : i + size]):
                    continue
                best = process.extractOne(
                    " ".join(words[i : i + size]),
                    self.choices,
                    scorer=fuzz.token_sort_ratio,
                    score_cutoff=88,
                )
                if best is not None:
                    found.add(self.owners[best[2]])
                    taken[i : i + size] = [True] * size
        return found


def _rows() -> list[dict[str, str]]:
    with PHRASINGS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _demo_texts() -> list[str]:
    if not DEMO.exists():
        return []
    texts: set[str] = set()
    for actor in json.loads(DEMO.read_text(encoding="utf-8")):
        texts.add(actor.get("description", ""))
        for comp in actor.get("competences", []):
            texts.add(comp.get("evidence", ""))
        for statement in (*actor.get("offers", []), *actor.get("requests", [])):
            texts.add(statement.get("text", ""))
    return sorted(t for t in texts if t)


def accuracy(find: Callable[[str, list[str]], set[str]], rows: list[dict[str, str]]) -> float:
    """Share of phrasing rows answered correctly by ``find(text, context)``."""
    good = 0
    for row in rows:
        context = [c.strip() for c in row["context"].split(";") if c.strip()]
        found = find(row["text"], context)
        expected = set(row["expected"].split())
        unwanted = set(row["not_expected"].split())
        good += expected <= found and not (unwanted & found)
    return good / len(rows)


def timed(find: Callable[[str], object], texts: list[str], repeat: int) -> list[float]:
    """Microseconds per text for each pass over ``texts``."""
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            find(text)
        passes.append((time.perf_counter() - start) / len(texts) * 1e6)
    return passes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (first is cold)")
    args = parser.parse_args()
    rows = _rows()
    texts = [row["text"] for row in rows] + _demo_texts()

    start = time.perf_counter()
    normaliser = Normaliser(default_taxonomy())
    build_normaliser = time.perf_counter() - start
    start = time.perf_counter()
    baseline = Baseline()
    build_baseline = time.perf_counter() - start

    def ours(text: str, context: Iterable[str] = ()) -> set[str]:
        result = normaliser.normalise(text, context=context)
        return {m.concept for m in result.mentions if m.confidence >= CONFIDENT}

    ours_passes = timed(ours, texts, max(args.repeat, 2))
    base_passes = timed(baseline.concepts, texts, 1)
    report = {
        "texts": len(texts),
        "phrasings": len(rows),
        "normaliser": {
            "build_seconds": round(build_normaliser, 3),
            "us_per_text_cold": round(ours_passes[0], 1),
            "us_per_text_warm": round(statistics.median(ours_passes[1:]), 1),
            "phrasing_accuracy": round(accuracy(ours, rows), 3),
        },
        "baseline": {
            "name": "rapidfuzz extractOne of every n-gram against all aliases",
            "build_seconds": round(build_baseline, 3),
            "us_per_text": round(base_passes[0], 1),
            "phrasing_accuracy": round(accuracy(baseline.concepts, rows), 3),
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
