"""The API's index cache: rebuilt after writes, refreshed in the background, built once."""

from __future__ import annotations

import gc
import threading
import time

from api.engines import FULL_COLLECTION_EVERY, EngineCache, Refreshing
from graph.memory import MemoryStore
from graph.taxonomy_loader import load_taxonomy_into
from matchmaker.models import Concept


class CountingBuild:
    def __init__(self, delay_s: float = 0.0) -> None:
        self.calls = 0
        self.delay_s = delay_s
        self.lock = threading.Lock()

    def __call__(self, store: object) -> int:
        with self.lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.delay_s)
        return n


def test_concurrent_first_requests_build_once() -> None:
    build = CountingBuild(delay_s=0.2)
    cache: Refreshing[int] = Refreshing(build, ttl_s=60)
    store = MemoryStore()
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(store))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert build.calls == 1
    assert results == [1] * 8


def test_invalidate_rebuilds_on_next_request() -> None:
    build = CountingBuild()
    cache: Refreshing[int] = Refreshing(build, ttl_s=60)
    store = MemoryStore()
    assert cache.get(store) == 1
    assert cache.get(store) == 1
    cache.invalidate()
    assert cache.get(store) == 2


def test_stale_value_served_while_refreshing_in_background() -> None:
    build = CountingBuild(delay_s=0.3)
    cache: Refreshing[int] = Refreshing(build, ttl_s=0.0)
    store = MemoryStore()
    assert cache.get(store) == 1
    store.clear()
    started = time.monotonic()
    assert cache.get(store) == 1
    assert time.monotonic() - started < 0.2
    deadline = time.monotonic() + 5
    while cache.get(store) == 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert build.calls >= 2


def test_stale_value_of_an_unchanged_store_is_kept_without_rebuild() -> None:
    build = CountingBuild()
    cache: Refreshing[int] = Refreshing(build, ttl_s=0.0)
    store = MemoryStore()
    assert cache.get(store) == 1
    for _ in range(5):
        time.sleep(0.01)
        assert cache.get(store) == 1
    assert build.calls == 1
    store.clear()
    deadline = time.monotonic() + 5
    while cache.get(store) == 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert build.calls == 2


def test_search_engine_shared_until_the_store_changes() -> None:
    store = MemoryStore()
    load_taxonomy_into(store)
    cache = EngineCache()
    first = cache.search_engine(store)
    assert cache.search_engine(store) is first
    store.upsert_concepts([Concept(id="proc.test", label="Testing process", facet="process")])
    second = cache.search_engine(store)
    assert second is not first
    assert "proc.test" in second.labels
    cache.invalidate()
    assert cache.search_engine(store) is not second


def test_freezing_cache_exempts_built_indexes_from_collection() -> None:
    threshold = gc.get_threshold()
    store = MemoryStore()
    load_taxonomy_into(store)
    try:
        gc.unfreeze()
        EngineCache(freeze=False).search_engine(store)
        assert gc.get_freeze_count() == 0
        EngineCache(freeze=True).search_engine(store)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[2] == FULL_COLLECTION_EVERY
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
