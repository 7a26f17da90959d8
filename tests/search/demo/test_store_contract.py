"""Both stores return the same ids, order, totals and facets for the demo query table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.memory import MemoryStore
from graph.protocol import GraphStore
from graph.seed import seed_demo
from matchmaker.search.engine import SearchEngine, SearchRequest
from tests.search.demo.test_demo_queries import CASES

QUERIES = [(c[0], c[1]) for c in CASES]
assert len(QUERIES) >= 40


@pytest.fixture(scope="module", params=["index", "cypher"])
def demo_neo4j(neo4j_uri: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The Neo4j store holding the demo data for this module, searching with its synchronised
    index or in Cypher only."""
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri, search=request.param)
    store.clear()
    seed_demo(store)
    yield store
    store.close()


@pytest.mark.neo4j
@pytest.mark.timeout(600)
def test_same_results_on_both_stores(demo_memory: MemoryStore, demo_neo4j: GraphStore) -> None:
    memory, neo4j = SearchEngine(demo_memory), SearchEngine(demo_neo4j)
    for text, filters in QUERIES:
        for offset in (0, 7):
            request = SearchRequest(text=text, limit=15, offset=offset, **filters)
            a, b = memory.search(request), neo4j.search(request)
            assert [(h.actor_id, h.score) for h in a.hits] == [
                (h.actor_id, h.score) for h in b.hits
            ], text
            assert (a.total, a.facets) == (b.total, b.facets), text
            assert a.hits == b.hits, text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    case=st.sampled_from(QUERIES),
    size=st.integers(min_value=1, max_value=9),
)
def test_pages_concatenate_to_the_full_list(
    demo_engine: SearchEngine, case: tuple[str, dict[str, Any]], size: int
) -> None:
    text, filters = case
    full = demo_engine.search(SearchRequest(text=text, limit=40, **filters))
    pages: list[str] = []
    offset: int | None = 0
    while offset is not None and offset < 40:
        page = demo_engine.search(SearchRequest(text=text, limit=size, offset=offset, **filters))
        pages += [h.actor_id for h in page.hits]
        offset = page.next_offset
    assert pages[:40] == [h.actor_id for h in full.hits]
    assert full.hits == sorted(full.hits, key=lambda h: (-h.score, h.actor_id))
