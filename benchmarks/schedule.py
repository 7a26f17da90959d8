"""Benchmark the scheduler on the b2b-json instances, side by side with the greedy baseline.

Usage: ``python -m benchmarks.schedule --instances fixtures/b2b/originals --out OUTDIR
--time-limit 60 [--synthetic]``. Writes ``OUTDIR/<instance>.json`` (``{"instance", "slots"}``) and
prints one JSON line per instance (and one for the synthetic large event with ``--synthetic``).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

from benchmarks.b2b_synthetic import generate
from matchmaker.scheduling.b2b_format import b2b_to_core, read_b2b
from matchmaker.scheduling.core import CoreProblem
from matchmaker.scheduling.greedy import greedy_slots
from matchmaker.scheduling.solver import solve_core
from matchmaker.scheduling.validate import validate_core


def _published(instances: Path) -> dict[str, int]:
    path = instances.parent / "published.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["instance"]: int(r["published_optimal_breaks"]) for r in csv.DictReader(fh)}


def run_one(
    problem: CoreProblem, time_limit: float, seed: int, published: int | None
) -> tuple[dict[str, object], list[int | None]]:
    """Solve one problem, validate, and compare with the greedy baseline."""
    t0 = time.monotonic()
    base = greedy_slots(problem)
    base_seconds = time.monotonic() - t0
    base_rep = validate_core(problem, base, require_all=False, fairness_d=-1)
    res = solve_core(problem, time_limit_s=time_limit, seed=seed)
    rep = validate_core(problem, res.slots)
    br = rep.breaks or [0]
    line: dict[str, object] = {
        "instance": problem.name,
        "meetings": len(problem.meetings),
        "placed": res.placed,
        "valid": rep.ok,
        "violations": rep.violations[:5],
        "breaks": rep.total_breaks,
        "published_optimum": published,
        "lower_bound": res.lower_bound,
        "max_break_difference": max(br) - min(br),
        "proved_optimal": res.proved_optimal,
        "seconds": round(res.seconds, 3),
        "baseline_greedy": {
            "placed": base_rep.placed,
            "breaks": base_rep.total_breaks,
            "max_break_difference": max(base_rep.breaks or [0]) - min(base_rep.breaks or [0]),
            "seconds": round(base_seconds, 4),
        },
    }
    return line, res.slots


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--instances", type=Path, default=Path("fixtures/b2b/originals"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", default=None, help="instance names to run")
    ap.add_argument("--synthetic", action="store_true", help="also run the large synthetic event")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pub = _published(args.instances)
    t_all = time.monotonic()
    total_breaks = 0
    for path in sorted(args.instances.glob("*.json")):
        inst = read_b2b(path.read_text(encoding="utf-8"), str(path))
        if args.only and inst.name not in args.only:
            continue
        line, slots = run_one(b2b_to_core(inst), args.time_limit, args.seed, pub.get(inst.name))
        total_breaks += int(str(line["breaks"]))
        (args.out / f"{inst.name}.json").write_text(
            json.dumps({"instance": inst.name, "slots": slots}), encoding="utf-8"
        )
        print(json.dumps(line), flush=True)
    if args.synthetic:
        problem = generate(seed=args.seed)
        line, slots = run_one(problem, args.time_limit, args.seed, None)
        (args.out / f"{problem.name}.json").write_text(
            json.dumps({"instance": problem.name, "slots": slots}), encoding="utf-8"
        )
        print(json.dumps(line), flush=True)
    print(
        json.dumps(
            {
                "summary": True,
                "total_breaks": total_breaks,
                "published_total": sum(pub.values()) if not args.only else None,
                "seconds": round(time.monotonic() - t_all, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
