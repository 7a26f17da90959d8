"""The database-only Cypher search gives what the synchronised index gives (Neo4j only)."""

from __future__ import annotations

import pytest

from graph.neo4j_search import search_candidates_cypher
from graph.seed import seed_demo
from tests.search.retrieval.test_incremental import QUERIES


@pytest.mark.neo4j
def test_cypher_path_agrees_with_the_index(neo4j_uri: str) -> None:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri)
    try:
        store.clear()
        seed_demo(store)
        for query in QUERIES:
            got = search_candidates_cypher(store, store._read, store._write, query)
            want = store.search_candidates(query)
            assert got.candidates == want.candidates, query
            assert (got.total, got.facets) == (want.total, want.facets), query
    finally:
        store.close()
