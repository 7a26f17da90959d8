"""Indexes the API keeps between requests (the match engine, the snapshot), refreshed without
blocking requests.

Writes made through this API invalidate the cache at once (the next request rebuilds). Changes made
elsewhere (another API worker, an import into a shared Neo4j) are picked up after ``ttl_s``: the
request that finds the cache stale is still served from it while one background thread rebuilds,
so no request ever waits for a periodic rebuild. A store that counts its writes
(:class:`Versioned`, such as the embedded store) is asked first, and an index whose store has not
changed since it was built is kept: at 100,000 actors a rebuild costs a core for tens of seconds.

With ``freeze`` (an app that opened its own store), every build ends with ``gc.freeze()``, so the
collector never walks the millions of long-lived objects of a large store and its indexes again:
one full collection over them stalls a worker for seconds, and the objects that in-flight
requests promote set one off every few minutes under load.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import Annotated, Generic, Protocol, TypeVar, runtime_checkable

from fastapi import Depends, Request

from graph.protocol import GraphStore, Snapshot
from matchmaker.matching import MatchEngine
from matchmaker.search.engine import SearchEngine, SearchRequest

T = TypeVar("T")
logger = logging.getLogger("matchmaker.api")


@runtime_checkable
class Versioned(Protocol):
    """A store whose ``search_version`` changes on every write."""

    @property
    def search_version(self) -> int: ...


def store_version(store: GraphStore) -> int | None:
    """The store's write counter, or ``None`` when it keeps none.

    >>> from graph.memory import MemoryStore
    >>> isinstance(store_version(MemoryStore()), int)
    True
    """
    return store.search_version if isinstance(store, Versioned) else None


FULL_COLLECTION_EVERY = 1000


def freeze_heap() -> None:
    """Exempt every object alive now from garbage collection (``gc.freeze()``), and run full
    collections only every ``FULL_COLLECTION_EVERY`` young ones: once the big heap is frozen,
    CPython's rule of a full collection when the survivors reach a quarter of the old ones
    would fire every few seconds over what little is left."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


class Refreshing(Generic[T]):
    """One cached value with a time to live and at most one rebuild under way.

    When the time to live has passed but the store's version is the one the value was built
    from, the value is kept for another ``ttl_s`` without a rebuild.
    """

    def __init__(self, build: Callable[[GraphStore], T], ttl_s: float) -> None:
        self._build = build
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._value: T | None = None
        self._version: int | None = None
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
            if start_refresh and self._version is not None:
                start_refresh = store_version(store) != self._version
                if not start_refresh:
                    self._built_at = time.monotonic()
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
        version = store_version(store)
        value = self._build(store)
        with self._lock:
            if self._generation == generation:
                self._value, self._version = value, version
                self._built_at = time.monotonic()
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
    """The match engine, the snapshot the graph questions share, and the search engine."""

    def __init__(self, ttl_s: float = 60.0, *, freeze: bool = False) -> None:
        self.freeze = freeze
        self._engine: Refreshing[MatchEngine] = Refreshing(
            lambda s: self._built(MatchEngine.from_store(s)), ttl_s
        )
        self._snapshot: Refreshing[Snapshot] = Refreshing(
            lambda s: self._built(s.snapshot()), ttl_s
        )
        self._search: tuple[int, SearchEngine] | None = None

    def _built(self, value: T) -> T:
        if self.freeze:
            freeze_heap()
        return value

    def invalidate(self) -> None:
        self._engine.invalidate()
        self._snapshot.invalidate()
        self._search = None

    def search_engine(self, store: GraphStore) -> SearchEngine:
        """A search engine on ``store``, shared while a :class:`Versioned` store has not changed
        (it reads every concept's label when built); a new one per call on other stores."""
        version = store_version(store)
        if version is None:
            return SearchEngine(store)
        cached = self._search
        if cached is not None and cached[0] == version:
            return cached[1]
        engine = SearchEngine(store)
        if self.freeze:
            engine.search(SearchRequest(limit=1))
            freeze_heap()
        self._search = (version, engine)
        return engine

    def match_engine(self, store: GraphStore) -> MatchEngine:
        return self._engine.get(store)

    def snapshot(self, store: GraphStore) -> Snapshot:
        """The store's snapshot, shared by the graph questions (paths, map, communities)."""
        return self._snapshot.get(store)


async def get_engines(request: Request) -> EngineCache:
    cache: EngineCache = request.app.state.engines
    return cache


EnginesDep = Annotated[EngineCache, Depends(get_engines)]
