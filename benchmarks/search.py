"""Search benchmark: ``python -m benchmarks.search --actors 100000 --queries 200 --seed 1``.

Prints one JSON object. On the same generated actors and the same queries (drawn with the seed
from a pool of realistic researcher questions: acronyms, typos, several languages, places and
filters), it times side by side:

* ``embedded``: :class:`~matchmaker.search.engine.SearchEngine` over the MemoryStore (index build
  reported separately, as ``embedded_index_s``);
* ``neo4j``: the same engine over a Neo4jStore on a private local server (``--neo4j-actors``
  defaults to ``--actors``; 0 skips it; ``--neo4j-uri`` uses a running server instead, which is
  cleared). Load time (batches of ``--batch`` actors) as ``neo4j_load_s``, the first search (the
  index reads every record) as ``neo4j_index_s``;
* ``neo4j_cypher``: the same engine over a Neo4jStore answering in Cypher only
  (``search="cypher"``: search closure, full-text index, one statement per query) on the same
  server, for the same queries (or the first ``--cypher-queries``); ``differ_from_index`` counts
  queries whose hits, scores, total or facets differ from the ``neo4j`` answer (must be 0);
* ``baseline_scan``: a plain scan of every actor comparing folded strings (query words against
  names, descriptions and the labels and aliases of the actor's concepts).

Each store also reports ``write_then_query_ms``: median time of replacing one actor and running
the next query (the index catches up incrementally). ``load_avg`` is ``/proc/loadavg`` at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from typing import Any

import numpy as np

from graph.memory import MemoryStore
from graph.protocol import GraphStore
from matchmaker.generate import generate_actors
from matchmaker.models import Actor
from matchmaker.search.engine import SearchEngine, SearchRequest
from matchmaker.search.text import fold, tokens
from matchmaker.taxonomy import default_taxonomy

POOL: list[tuple[str, dict[str, Any]]] = [
    ("metal AM", {}),
    ("WAAM Austria", {}),
    ("HIP Ti64", {}),
    ("Laserstrahlschmelzen Inconel", {}),
    ("fabricatie aditiva metal", {"regions": ["RO"]}),
    ("SLM ASAP", {}),
    ("SLS", {"kinds": ["research"]}),
    ("EBM titanium", {}),
    ("LPBF AlSi10Mg", {"regions": ["DE"]}),
    ("DMLS 316L", {}),
    ("metal binder jetting Sweden", {}),
    ("laser metal deposition", {"min_level": 3}),
    ("LMD repair", {}),
    ("Inconell 718", {}),
    ("Alloy 625", {}),
    ("17-4PH", {"kinds": ["company"]}),
    ("maraging steel", {}),
    ("CuCrZr", {}),
    ("Wärmebehandlung", {"regions": ["AT12"]}),
    ("hot isostatic pressing", {}),
    ("non-destructive testing", {}),
    ("topology optimisation", {}),
    ("powder production", {"regions": ["SE22"]}),
    ("surface finishing", {}),
    ("qualification aerospace", {}),
    ("medical implants Ti64", {}),
    ("titanium Lower Austria", {}),
    ("aluminium Flanders", {}),
    ("laser powder bed fusion Italy", {}),
    ("impression 3D métal", {"kinds": ["university"]}),
    ("3D tisk kovů", {}),
    ("tooling conformal cooling", {}),
    ("WAAM rail", {}),
    ("HIP Inconel Belgium", {}),
    ("fraunhofer", {}),
    ("additive gmbh", {}),
    ("", {"stages": ["vc.post"], "regions": ["SE"]}),
    ("", {"processes": ["proc.pbf"], "materials": ["mat.ti"]}),
]


def _ms(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 3)


def _timed(engine: SearchEngine, queries: list[SearchRequest]) -> dict[str, float]:
    for request in queries[:5]:
        engine.search(request)
    times = []
    for request in queries:
        t0 = time.perf_counter()
        engine.search(request)
        times.append(time.perf_counter() - t0)
    return {
        "query_p50_ms": _ms(times, 50),
        "query_p95_ms": _ms(times, 95),
        "query_max_ms": _ms(times, 100),
    }


def _write_then_query(engine: SearchEngine, actors: list[Actor], rounds: int = 10) -> float:
    times = []
    request = SearchRequest(text="metal AM")
    for i in range(rounds):
        actor = actors[(i * 7919) % len(actors)]
        changed = actor.model_copy(update={"description": f"{actor.description} rev {i}"})
        t0 = time.perf_counter()
        engine.store.upsert_actor(changed)
        engine.search(request)
        times.append(time.perf_counter() - t0)
    return _ms(times, 50)


def _baseline(actors: list[Actor], queries: list[SearchRequest]) -> dict[str, float]:
    taxonomy = default_taxonomy()
    words = {
        c.id: {t for alias in c.all_aliases() for t in tokens(alias)} for c in taxonomy.concepts
    }
    texts = [fold(f"{a.name} {a.description}") for a in actors]
    times = []
    for request in queries:
        t0 = time.perf_counter()
        wanted = set(tokens(request.text))
        hits = []
        for actor, text in zip(actors, texts, strict=True):
            if request.kinds and actor.kind not in request.kinds:
                continue
            found = sum(1 for w in wanted if w in text)
            for comp in actor.competences:
                found += len(wanted & words.get(comp.concept, set()))
            if found or not wanted:
                hits.append((-found, actor.id))
        hits.sort()
        times.append(time.perf_counter() - t0)
    return {"query_p50_ms": _ms(times, 50), "query_p95_ms": _ms(times, 95)}


def _load(store: GraphStore, actors: list[Actor], batch: int = 5000) -> float:
    from graph.taxonomy_loader import load_taxonomy_into

    load_taxonomy_into(store)
    t0 = time.perf_counter()
    for i in range(0, len(actors), batch):
        store.upsert_actors(actors[i : i + batch])
    return time.perf_counter() - t0


def _cypher_timed(
    uri: str, index_engine: SearchEngine, queries: list[SearchRequest]
) -> dict[str, Any]:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=uri, search="cypher")
    try:
        engine = SearchEngine(store)
        t0 = time.perf_counter()
        engine.search(SearchRequest(text="metal AM"))
        first_s = time.perf_counter() - t0
        timing = _timed(engine, queries)
        differ = sum(
            1
            for request in queries
            if _outcome(engine.search(request)) != _outcome(index_engine.search(request))
        )
    finally:
        store.close()
    return {
        "queries": len(queries),
        "first_search_s": round(first_s, 2),
        **timing,
        "differ_from_index": differ,
    }


def _outcome(response: Any) -> tuple[Any, ...]:
    return ([(h.actor_id, h.score) for h in response.hits], response.total, response.facets)


def _neo4j_on(
    uri: str, actors: list[Actor], queries: list[SearchRequest], batch: int, cypher_queries: int
) -> dict[str, Any]:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=uri)
    try:
        store.clear()
        load_s = _load(store, actors, batch)
        engine = SearchEngine(store)
        t0 = time.perf_counter()
        engine.search(SearchRequest(text="metal AM"))
        index_s = time.perf_counter() - t0
        result: dict[str, Any] = {
            "neo4j_load_s": round(load_s, 1),
            "neo4j_index_s": round(index_s, 2),
            **_timed(engine, queries),
            "write_then_query_ms": _write_then_query(engine, actors),
        }
        if cypher_queries:
            result["neo4j_cypher"] = _cypher_timed(uri, engine, queries[:cypher_queries])
        return result
    finally:
        store.close()


def _neo4j(
    actors: list[Actor],
    queries: list[SearchRequest],
    *,
    uri: str | None,
    batch: int,
    cypher_queries: int,
) -> dict[str, Any]:
    from graph.local_neo4j import LocalNeo4j, free_port

    if uri is not None:
        return _neo4j_on(uri, actors, queries, batch, cypher_queries)
    server = LocalNeo4j(instance=f"bench-search-{free_port()}")
    started = server.start(port=free_port(), wait_s=180)
    try:
        return _neo4j_on(started, actors, queries, batch, cypher_queries)
    finally:
        server.stop()
        server.remove_data()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--neo4j-actors", type=int, default=None)
    parser.add_argument("--neo4j-uri", default=None, help="a running server to use (cleared)")
    parser.add_argument("--batch", type=int, default=5000, help="actors per upsert_actors call")
    parser.add_argument(
        "--cypher-queries", type=int, default=None, help="first N queries for neo4j_cypher (all)"
    )
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    concept_ids = [c.id for c in default_taxonomy().concepts]
    actors = list(generate_actors(args.actors, seed=args.seed, concept_ids=concept_ids))
    queries = []
    for _ in range(args.queries):
        text, filters = rng.choice(POOL)
        queries.append(SearchRequest(text=text, limit=20, **filters))

    memory = MemoryStore()
    _load(memory, actors, args.batch)
    t0 = time.perf_counter()
    engine = SearchEngine(memory)
    engine.search(SearchRequest(text="metal AM"))
    index_s = time.perf_counter() - t0
    result: dict[str, Any] = {
        "actors": args.actors,
        "queries": args.queries,
        "seed": args.seed,
        "embedded": {
            "embedded_index_s": round(index_s, 2),
            **_timed(engine, queries),
            "write_then_query_ms": _write_then_query(engine, actors),
        },
        "baseline_scan": _baseline(actors, queries),
    }
    n_neo4j = args.actors if args.neo4j_actors is None else args.neo4j_actors
    if n_neo4j:
        result["neo4j"] = {
            "actors": n_neo4j,
            **_neo4j(
                actors[:n_neo4j],
                queries,
                uri=args.neo4j_uri,
                batch=args.batch,
                cypher_queries=args.queries if args.cypher_queries is None else args.cypher_queries,
            ),
        }
    with open("/proc/loadavg", encoding="ascii") as f:
        result["load_avg"] = f.read().split()[:3]
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
