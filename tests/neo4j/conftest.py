"""Fixtures for the Neo4j-specific tests: an empty :class:`Neo4jStore` on the session server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.neo4j_store import Neo4jStore


@pytest.fixture
def neo4j_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """An empty store on the session's local Neo4j, closed afterwards."""
    store = Neo4jStore(uri=neo4j_uri)
    store.clear()
    try:
        yield store
    finally:
        store.close()
