"""MemoryStore specifics outside the shared contract: threads and the garbage collector."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from graph.memory import BULK, MemoryStore
from tests.store import sample
from tests.store.invariants import check_invariants


@pytest.fixture
def gc_state() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("enabled", [True, False])
def test_bulk_operations_restore_the_collector_state(enabled: bool) -> None:
    store = MemoryStore()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    store.upsert_actors([sample.actor(f"x-{i:05d}", region="DE21") for i in range(BULK + 1)])
    assert gc.isenabled() is enabled
    assert len(store.snapshot().actors) == BULK + 1
    assert gc.isenabled() is enabled


def test_concurrent_writers_and_readers_leave_a_consistent_store() -> None:
    store = MemoryStore()
    sample.load(store)
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(40):
                ident = f"{prefix}-{i:03d}"
                store.upsert_actor(sample.actor(ident, memberships=[{"cluster": "cl-bavaria"}]))
                if i % 3 == 0:
                    store.delete_actor(ident)
        except BaseException as e:
            errors.append(e)

    def reader() -> None:
        try:
            for _ in range(40):
                page = store.list_actors(limit=1000)
                assert [a.id for a in page.items] == sorted(a.id for a in page.items)
                snap = store.snapshot()
                assert [a.id for a in snap.actors] == sorted(a.id for a in snap.actors)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("t1", "t2", "t3")]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    check_invariants(store)
    assert store.counts().actors == len(sample.ACTOR_IDS) + 3 * (40 - 14)
    assert len(store.members("cl-bavaria")) == 2 + 3 * (40 - 14)
