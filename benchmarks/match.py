"""Matching benchmark: ``python -m benchmarks.match --actors 100000 --queries 200 --seed 1``.

Prints one JSON object. Measured side by side in this process on the same queries:
the fast engine (one full match list with explanations per query), the plain reference scorer
(``matchmaker.matching.reference``, loops and dicts), and all-pairs top-20 (``top_all`` with
``--processes`` forked workers; the first ``--all-pairs-sample`` actors are also ranked with one
process and with the workers, side by side, instead of repeating the whole one-process run).
With ``--neo4j-actors N`` (default 10,000; 0 skips it) it also loads N generated actors into a
local Neo4j and times a Cypher-only scoring query (``graph.queries.MATCH_CYPHER_BASELINE``)
against the engine on the same N actors.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from typing import Any

import numpy as np

from graph.protocol import Snapshot
from matchmaker.generate import generate_actors
from matchmaker.matching import MatchEngine, MatchOptions, default_config
from matchmaker.matching.reference import ReferenceScorer
from matchmaker.taxonomy import default_taxonomy

_NEO4J_BATCH = 5000


def _ms(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 3)


def _snapshot(n: int, seed: int) -> Snapshot:
    concepts = list(default_taxonomy().concepts)
    actors = list(generate_actors(n, seed=seed, concept_ids=[c.id for c in concepts]))
    return Snapshot(actors=actors, concepts=concepts, projects=[])


def _neo4j_baseline(snapshot: Snapshot, queries: list[str]) -> dict[str, Any]:
    from graph.local_neo4j import LocalNeo4j
    from graph.neo4j_store import Neo4jStore
    from graph.queries import MATCH_CYPHER_BASELINE
    from graph.taxonomy_loader import load_taxonomy_into

    server = LocalNeo4j(instance="bench")
    server.fetch()
    uri = server.start(wait_s=180)
    try:
        store = Neo4jStore(uri)
        try:
            store.clear()
            load_taxonomy_into(store)
            t0 = time.perf_counter()
            for i in range(0, len(snapshot.actors), _NEO4J_BATCH):
                store.upsert_actors(snapshot.actors[i : i + _NEO4J_BATCH])
            load_s = time.perf_counter() - t0
            engine = MatchEngine.from_store(store)
        finally:
            store.close()
        from neo4j import GraphDatabase

        cypher: list[float] = []
        fast: list[float] = []
        with GraphDatabase.driver(uri, auth=("neo4j", "")) as driver:
            for actor_id in queries:
                t0 = time.perf_counter()
                driver.execute_query(MATCH_CYPHER_BASELINE, id=actor_id, top=20)
                cypher.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                engine.match(actor_id, MatchOptions(top=20))
                fast.append(time.perf_counter() - t0)
        return {
            "neo4j_actors": len(snapshot.actors),
            "neo4j_load_s": round(load_s, 2),
            "neo4j_cypher_query_p50_ms": _ms(cypher, 50),
            "neo4j_cypher_query_p95_ms": _ms(cypher, 95),
            "neo4j_engine_query_p50_ms": _ms(fast, 50),
            "neo4j_speedup_p50": round(float(np.median(cypher) / np.median(fast)), 1),
        }
    finally:
        server.stop()
        server.remove_data()


def _loadavg() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return ""


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the benchmark and return its result object."""
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    snapshot = _snapshot(args.actors, args.seed)
    generate_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    engine = MatchEngine.from_snapshot(snapshot)
    build_s = time.perf_counter() - t0
    ids = engine.index.ids
    queries = rng.sample(ids, min(args.queries, len(ids)))
    options = MatchOptions(top=20)
    engine.match(queries[0], options)

    fast: list[float] = []
    for actor_id in queries:
        t0 = time.perf_counter()
        engine.match(actor_id, options)
        fast.append(time.perf_counter() - t0)

    reference = ReferenceScorer(snapshot, default_config())
    profile = default_config().profile(options.profile)
    baseline: list[float] = []
    agree = 0
    for actor_id in queries[: args.baseline_queries]:
        t0 = time.perf_counter()
        expected = reference.top(actor_id, profile, options.top)
        baseline.append(time.perf_counter() - t0)
        agree += [i for i, _ in expected] == engine.top_ids(actor_id, options)

    sample = ids[: args.all_pairs_sample]
    t0 = time.perf_counter()
    sample_one = list(engine.top_all(sample, options))
    sample_1proc_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sample_many = list(engine.top_all(sample, options, processes=args.processes))
    sample_nproc_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs = sum(len(top) for _, top in engine.top_all(ids, options, processes=args.processes))
    all_pairs_s = time.perf_counter() - t0

    result: dict[str, Any] = {
        "actors": len(ids),
        "concepts": len(engine.index.space.ids),
        "generate_s": round(generate_s, 2),
        "index_build_s": round(build_s, 2),
        "queries": len(queries),
        "query_p50_ms": _ms(fast, 50),
        "query_p95_ms": _ms(fast, 95),
        "baseline_queries": len(baseline),
        "baseline_query_p50_ms": _ms(baseline, 50),
        "baseline_agrees": agree,
        "speedup_p50": round(float(np.median(baseline) / np.median(fast)), 1),
        "all_pairs_top20_s": round(all_pairs_s, 2),
        "all_pairs_processes": args.processes,
        "all_pairs_results": pairs,
        "all_pairs_sample_actors": len(sample),
        "all_pairs_sample_1proc_s": round(sample_1proc_s, 2),
        "all_pairs_sample_nproc_s": round(sample_nproc_s, 2),
        "all_pairs_sample_agrees": sample_one == sample_many,
    }
    if args.neo4j_actors > 0:
        small = _snapshot(args.neo4j_actors, args.seed)
        sample = random.Random(args.seed).sample(
            [a.id for a in small.actors], min(args.queries, 50, len(small.actors))
        )
        result |= _neo4j_baseline(small, sample)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["loadavg"] = _loadavg()
    return result


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--baseline-queries", type=int, default=5, help="queries the plain scorer runs (slow)"
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="worker processes for all-pairs top-20"
    )
    parser.add_argument(
        "--all-pairs-sample",
        type=int,
        default=5000,
        help="actors ranked with 1 and with --processes processes side by side",
    )
    parser.add_argument("--neo4j-actors", type=int, default=10_000, help="0 skips Neo4j")
    args = parser.parse_args(argv)
    json.dump(run(args), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
