"""Saving and loading the memory store: identical snapshots, one save per write call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.factory import open_store
from graph.memory import FILE_FORMAT, FILE_VERSION, MemoryStore
from matchmaker.errors import BatchRejected, StoreError
from matchmaker.settings import Settings
from tests.store import sample


def _loaded(path: Path) -> MemoryStore:
    store = MemoryStore(path)
    sample.load(store)
    return store


def test_reload_gives_an_identical_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = _loaded(path)
    store.delete_actor("cl-bavaria", cascade=True)
    reopened = MemoryStore(path)
    assert reopened.snapshot() == store.snapshot()
    assert reopened.counts() == store.counts()
    assert reopened.narrower("proc") == store.narrower("proc")


def test_file_names_its_format_and_version(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _loaded(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert (raw["format"], raw["version"]) == (FILE_FORMAT, FILE_VERSION)
    assert [a["id"] for a in raw["actors"]] == sample.ACTOR_IDS


def test_missing_file_starts_empty_and_is_created_on_first_write(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "store.json"
    store = MemoryStore(path)
    assert store.counts().actors == 0
    assert not path.exists()
    store.upsert_concepts(sample.concepts())
    assert path.exists()


def test_every_successful_write_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = _loaded(path)
    store.upsert_actor(sample.actor("late-comer", region="SE11"))
    assert MemoryStore(path).get_actor("late-comer").region == "SE11"
    store.delete_actor("late-comer")
    assert MemoryStore(path).snapshot() == store.snapshot()
    store.clear()
    assert MemoryStore(path).counts().actors == 0


def test_rejected_write_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = _loaded(path)
    before = path.read_bytes()
    with pytest.raises(BatchRejected):
        store.upsert_actor(sample.actor("x", memberships=[{"cluster": "nowhere"}]))
    assert path.read_bytes() == before


def test_deferred_save_writes_once_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = MemoryStore(path)
    store.upsert_concepts(sample.concepts())
    before = path.read_bytes()
    with store.deferred_save():
        order = {"cluster": 0, "expert": 2}
        for actor in sorted(sample.actors(), key=lambda a: order.get(a.kind, 1)):
            store.upsert_actor(actor)
        assert path.read_bytes() == before
    assert MemoryStore(path).snapshot() == store.snapshot()


def test_without_autosave_close_saves_pending_changes(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = MemoryStore(path, autosave=False)
    sample.load(store)
    assert not path.exists()
    store.close()
    store.close()
    assert MemoryStore(path).counts().actors == len(sample.ACTOR_IDS)


def test_save_to_another_path_and_without_a_path(tmp_path: Path) -> None:
    store = MemoryStore()
    sample.load(store)
    with pytest.raises(StoreError, match="no file"):
        store.save()
    copy = tmp_path / "copy.json"
    store.save(copy)
    assert MemoryStore(copy).snapshot() == store.snapshot()


def test_factory_opens_a_persisted_memory_store(tmp_path: Path) -> None:
    path = tmp_path / "factory.json"
    first = open_store(Settings(store="memory", data_file=path))
    assert first.name == "memory"
    sample.load(first)
    first.close()
    second = open_store(Settings(store="memory", data_file=path))
    assert second.snapshot() == first.snapshot()
    assert isinstance(second, MemoryStore)
    assert second.path == path
