"""The API's index cache: rebuilt after writes, refreshed in the background, built once."""

from __future__ import annotations

import threading
import time

from api.engines import Refreshing
from graph.memory import MemoryStore


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
    started = time.monotonic()
    assert cache.get(store) == 1
    assert time.monotonic() - started < 0.2
    deadline = time.monotonic() + 5
    while cache.get(store) == 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert build.calls >= 2
