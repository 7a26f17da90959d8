"""The ``store`` fixture: every contract test runs against each store (ids ``memory``, ``neo4j``).

The :class:`~graph.memory.MemoryStore` is the oracle; the Neo4j store gets a real local server
through the session fixture ``neo4j_uri`` (``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.memory import MemoryStore
from graph.protocol import GraphStore
from tests.store import sample


@pytest.fixture(
    params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)], ids=["memory", "neo4j"]
)
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind."""
    if request.param == "memory":
        memory = MemoryStore()
        yield memory
        memory.close()
        return
    from graph.neo4j_store import Neo4jStore

    uri = request.getfixturevalue("neo4j_uri")
    neo4j = Neo4jStore(uri=uri)
    try:
        neo4j.clear()
        yield neo4j
    finally:
        neo4j.close()


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    """A store holding the sample taxonomy and ecosystem."""
    sample.load(store)
    return store


@pytest.fixture
def oracle() -> MemoryStore:
    """A fresh MemoryStore to replay the same operations on."""
    return MemoryStore()
