"""Indexes the API keeps between requests (the matching engine), rebuilt when the data changes.

Writes made through this API invalidate the cache at once; changes made elsewhere (another API
worker, an import into a shared Neo4j) are picked up after ``ttl_s`` seconds at the latest.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import Depends, Request

from graph.protocol import GraphStore, Snapshot
from matchmaker.matching import MatchEngine


class EngineCache:
    def __init__(self, ttl_s: float = 60.0) -> None:
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._engine: MatchEngine | None = None
        self._built_at = 0.0
        self._snapshot: Snapshot | None = None
        self._snapshot_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._engine = None
            self._snapshot = None

    def snapshot(self, store: GraphStore) -> Snapshot:
        """The store's snapshot, shared by the graph questions (paths, map, communities)."""
        with self._lock:
            if self._snapshot is None or time.monotonic() - self._snapshot_at > self.ttl_s:
                self._snapshot = store.snapshot()
                self._snapshot_at = time.monotonic()
            return self._snapshot

    def match_engine(self, store: GraphStore) -> MatchEngine:
        with self._lock:
            stale = time.monotonic() - self._built_at > self.ttl_s
            if self._engine is None or stale:
                self._engine = MatchEngine.from_store(store)
                self._built_at = time.monotonic()
            return self._engine


def get_engines(request: Request) -> EngineCache:
    cache: EngineCache = request.app.state.engines
    return cache


EnginesDep = Annotated[EngineCache, Depends(get_engines)]
