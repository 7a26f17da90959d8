"""Indexes the API keeps between requests (the match engine, the snapshot), refreshed without
blocking requests.

Writes made through this API invalidate the cache at once (the next request rebuilds). Changes made
elsewhere (another API worker, an import into a shared Neo4j) are picked up after ``ttl_s``: the
request that finds the cache stale is still served from it while one background thread rebuilds,
so no request ever waits for a periodic rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Request

from graph.protocol import GraphStore, Snapshot
from matchmaker.matching import MatchEngine

T = TypeVar("T")
logger = logging.getLogger("matchmaker.api")


class Refreshing(Generic[T]):
    """One cached value with a time to live and at most one rebuild under way."""

    def __init__(self, build: Callable[[GraphStore], T], ttl_s: float) -> None:
        self._build = build
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._value: T | None = None
        self._built_at = 0.0
        self._generation = 0
        self._refreshing = False
        self._first_build = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._value = None
            self._generation += 1

    def get(self, store: GraphStore) -> T:
        with self._lock:
            value, generation = self._value, self._generation
            stale = time.monotonic() - self._built_at > self.ttl_s
            start_refresh = value is not None and stale and not self._refreshing
            if start_refresh:
                self._refreshing = True
        if value is None:
            with self._first_build:
                with self._lock:
                    if self._value is not None and self._generation == generation:
                        return self._value
                return self._rebuild(store, generation)
        if start_refresh:
            threading.Thread(target=self._background, args=(store, generation), daemon=True).start()
        return value

    def _rebuild(self, store: GraphStore, generation: int) -> T:
        value = self._build(store)
        with self._lock:
            if self._generation == generation:
                self._value, self._built_at = value, time.monotonic()
        return value

    def _background(self, store: GraphStore, generation: int) -> None:
        try:
            self._rebuild(store, generation)
        except Exception:
            logger.exception("background index rebuild failed; serving the previous one")
        finally:
            with self._lock:
                self._refreshing = False


class EngineCache:
    """The match engine and the snapshot the graph questions share."""

    def __init__(self, ttl_s: float = 60.0) -> None:
        self._engine: Refreshing[MatchEngine] = Refreshing(MatchEngine.from_store, ttl_s)
        self._snapshot: Refreshing[Snapshot] = Refreshing(lambda s: s.snapshot(), ttl_s)

    def invalidate(self) -> None:
        self._engine.invalidate()
        self._snapshot.invalidate()

    def match_engine(self, store: GraphStore) -> MatchEngine:
        return self._engine.get(store)

    def snapshot(self, store: GraphStore) -> Snapshot:
        """The store's snapshot, shared by the graph questions (paths, map, communities)."""
        return self._snapshot.get(store)


def get_engines(request: Request) -> EngineCache:
    cache: EngineCache = request.app.state.engines
    return cache


EnginesDep = Annotated[EngineCache, Depends(get_engines)]
