"""Duplicate detection on all CORDIS FP7 organisations, scored against the hand-labelled pairs.

``python -m benchmarks.dedupe [--threshold T] [--workers N]`` prints JSON: for the detector and
for the baseline (equal lower-cased names), the number of records, candidate pairs (reported,
score >= min_score), seconds, and precision/recall on ``fixtures/cordis_fp7/labels.csv`` (see
LABELS.md for the sampling); ``pairs_after_blocking`` is how many pairs were scored at all.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from matchmaker.dedupe import DedupeConfig, DedupeRecord, candidate_pairs, find_candidates
from matchmaker.importing.cordis import fp7_dedupe_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cordis_fp7"


def load_records() -> list[DedupeRecord]:
    """All FP7 organisations as dedupe records."""
    with (FIXTURES / "fp7_organisations.csv").open(encoding="utf-8", newline="") as handle:
        return fp7_dedupe_records(csv.DictReader(handle))


def load_labels() -> dict[tuple[str, str], bool]:
    """Hand labels: ``(id_a, id_b)`` (sorted) -> is a duplicate."""
    with (FIXTURES / "labels.csv").open(encoding="utf-8", newline="") as handle:
        return {
            tuple(sorted((row["id_a"], row["id_b"]))): row["duplicate"] == "true"  # type: ignore[misc]
            for row in csv.DictReader(handle)
        }


def precision_recall(
    predicted: set[tuple[str, str]], labels: dict[tuple[str, str], bool]
) -> dict[str, float | int]:
    """Precision and recall of ``predicted`` pairs over the labelled pairs only."""
    tp = sum(1 for pair, dup in labels.items() if dup and pair in predicted)
    fp = sum(1 for pair, dup in labels.items() if not dup and pair in predicted)
    fn = sum(1 for pair, dup in labels.items() if dup and pair not in predicted)
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
    }


def baseline(records: list[DedupeRecord]) -> set[tuple[str, str]]:
    """Pairs whose lower-cased, stripped names are equal (any country)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for record in records:
        groups[record.name.strip().lower()].append(record.id)
    return {(a, b) if a < b else (b, a) for ids in groups.values() for a, b in combinations(ids, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=DedupeConfig().threshold)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    records = load_records()
    labels = load_labels()

    start = time.perf_counter()
    candidates = find_candidates(
        records, DedupeConfig(threshold=args.threshold, workers=args.workers)
    )
    seconds = time.perf_counter() - start
    predicted = {(c.a, c.b) for c in candidates if c.duplicate}

    start = time.perf_counter()
    base = baseline(records)
    base_seconds = time.perf_counter() - start

    scores = precision_recall(predicted, labels)
    blocked = len(candidate_pairs(records, DedupeConfig(workers=args.workers)))
    result = {
        "records": len(records),
        "candidate_pairs": len(candidates),
        "seconds": round(seconds, 2),
        "precision": scores["precision"],
        "recall": scores["recall"],
        "pairs_after_blocking": blocked,
        "all_pairs": len(records) * (len(records) - 1) // 2,
        "labelled_pairs": len(labels),
        "labelled_duplicates": sum(labels.values()),
        "detector": {
            "threshold": args.threshold,
            "candidate_pairs": len(candidates),
            "duplicates": len(predicted),
            "seconds": round(seconds, 2),
            **scores,
        },
        "baseline": {
            "method": "exact match of lower-cased names",
            "candidate_pairs": len(base),
            "duplicates": len(base),
            "seconds": round(base_seconds, 3),
            **precision_recall(base, labels),
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
