"""Fixtures: the small hand-made ecosystem in each store (``memory``, ``neo4j``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.memory import MemoryStore
from graph.protocol import GraphStore, Snapshot
from tests.search import small


@pytest.fixture(
    params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)], ids=["memory", "neo4j"]
)
def any_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind."""
    if request.param == "memory":
        memory = MemoryStore()
        yield memory
        memory.close()
        return
    from graph.neo4j_store import Neo4jStore

    neo4j = Neo4jStore(uri=request.getfixturevalue("neo4j_uri"))
    try:
        neo4j.clear()
        yield neo4j
    finally:
        neo4j.close()


@pytest.fixture
def small_store(any_store: GraphStore) -> GraphStore:
    """A store holding the small ecosystem of :mod:`tests.search.small`."""
    any_store.upsert_concepts(small.CONCEPTS)
    any_store.upsert_actors(small.ACTORS)
    return any_store


@pytest.fixture
def small_snapshot() -> Snapshot:
    """The small ecosystem's snapshot (from a memory store)."""
    store = MemoryStore()
    store.upsert_concepts(small.CONCEPTS)
    store.upsert_actors(small.ACTORS)
    return store.snapshot()
