"""The demo ecosystem, loaded once per module, with a search engine over it."""

from __future__ import annotations

import pytest

from graph.memory import MemoryStore
from graph.seed import seed_demo
from matchmaker.search.engine import SearchEngine


@pytest.fixture(scope="session")
def demo_memory() -> MemoryStore:
    """A memory store holding the taxonomy and the demo actors (do not write to it)."""
    store = MemoryStore()
    seed_demo(store)
    return store


@pytest.fixture(scope="session")
def demo_engine(demo_memory: MemoryStore) -> SearchEngine:
    """A search engine over :func:`demo_memory`."""
    return SearchEngine(demo_memory)
