"""The Cypher-only search agrees with a fresh index build, also after actor and concept writes
(Neo4j only)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.neo4j_search import search_candidates_cypher
from graph.seed import seed_demo
from matchmaker.models import Competence, Concept, Facet
from tests.search.retrieval.test_incremental import QUERIES, _fresh, _writes


def _assert_agrees(store: Any, step: str) -> None:
    for query in QUERIES:
        got = search_candidates_cypher(store, store._read, store._write, query)
        want = _fresh(store, query)
        assert got.candidates == want.candidates, (step, query)
        assert (got.total, got.facets) == (want.total, want.facets), (step, query)


@pytest.mark.neo4j
def test_cypher_path_follows_actor_and_concept_writes(neo4j_uri: str) -> None:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri)
    try:
        store.clear()
        seed_demo(store)
        _assert_agrees(store, "seeded")
        _writes(store, seed=7)
        _assert_agrees(store, "after replacing, adding and deleting actors")
        pbf = store.get_concept("proc.pbf")
        store.upsert_concepts(
            [Concept(id="proc.pbf.zz", label="Zephyr PBF", facet=pbf.facet, broader=[pbf.id])]
        )
        first = store.snapshot().actors[0]
        store.upsert_actor(
            first.model_copy(update={"competences": [Competence(concept="proc.pbf.zz", level=3)]})
        )
        _assert_agrees(store, "new concept")
        moved = store.get_concept("proc.pbf.lb_m")
        store.upsert_concepts([moved.model_copy(update={"broader": ["proc.ded"]})])
        _assert_agrees(store, "concept moved under another parent")
        material = store.get_concept("proc.pbf.zz")
        store.upsert_concepts([material.model_copy(update={"facet": Facet.MATERIAL})])
        _assert_agrees(store, "concept changed facet")
        store.clear()
        _assert_agrees(store, "cleared")
    finally:
        store.close()
