"""Contract: the engine gives identical match lists on the memory and the Neo4j store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.memory import MemoryStore
from graph.protocol import GraphStore
from graph.seed import seed_demo
from matchmaker.matching import MatchEngine, MatchOptions


@pytest.fixture
def neo4j_store(neo4j_uri: str) -> Iterator[GraphStore]:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri)
    try:
        store.clear()
        seed_demo(store)
        yield store
    finally:
        store.clear()
        store.close()


@pytest.mark.neo4j
@pytest.mark.parametrize("profile", ["partnering", "research", "supply-chain", "b2b-event"])
def test_same_matches_from_both_stores(neo4j_store: GraphStore, profile: str) -> None:
    memory = MemoryStore()
    seed_demo(memory)
    fast_memory = MatchEngine.from_store(memory)
    fast_neo4j = MatchEngine.from_store(neo4j_store)
    assert fast_memory.index.ids == fast_neo4j.index.ids
    options = MatchOptions(profile=profile, top=10)
    for actor_id in fast_memory.index.ids[::5]:
        expected = [m.model_dump() for m in fast_memory.match(actor_id, options)]
        assert [m.model_dump() for m in fast_neo4j.match(actor_id, options)] == expected
