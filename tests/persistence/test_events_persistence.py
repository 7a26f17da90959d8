"""Events in the memory store's file: round trip, version-1 files, failed saves, bad records."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from graph.memory import FILE_FORMAT, FILE_VERSION, MemoryStore
from matchmaker.errors import StoreError
from tests.store import sample
from tests.store.test_events import event


def _with_events(path: Path) -> MemoryStore:
    store = MemoryStore(path)
    sample.load(store)
    store.save_event(event("ev-zagreb", schedule=[]))
    store.save_event(event("ev-alpbach"))
    return store


def test_events_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = _with_events(path)
    reopened = MemoryStore(path)
    assert reopened.list_events() == store.list_events()
    assert reopened.get_event("ev-alpbach") == event("ev-alpbach")
    assert reopened.get_event("ev-zagreb") == event("ev-zagreb", schedule=[])
    assert reopened.counts() == store.counts()
    assert reopened.snapshot() == store.snapshot()


def test_file_lists_events_by_id_under_version_2(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _with_events(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert (raw["format"], raw["version"]) == (FILE_FORMAT, 2) == (FILE_FORMAT, FILE_VERSION)
    assert [e["id"] for e in raw["events"]] == ["ev-alpbach", "ev-zagreb"]


def test_deletes_and_clear_are_saved(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = _with_events(path)
    store.delete_event("ev-zagreb")
    assert [s.id for s in MemoryStore(path).list_events()] == ["ev-alpbach"]
    store.clear()
    assert MemoryStore(path).counts().events == 0


def test_event_of_a_deleted_actor_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    store = _with_events(path)
    store.delete_actor("tu-graz", cascade=True)
    assert MemoryStore(path).get_event("ev-alpbach") == event("ev-alpbach")


def test_version_1_file_loads_without_events_and_is_rewritten_as_version_2(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    concepts = [c.model_dump(mode="json") for c in sample.concepts()]
    actors = [a.model_dump(mode="json") for a in sample.actors()]
    path.write_text(
        json.dumps({"format": FILE_FORMAT, "version": 1, "concepts": concepts, "actors": actors}),
        encoding="utf-8",
    )
    store = MemoryStore(path)
    assert store.counts().actors == len(sample.ACTOR_IDS)
    assert store.counts().events == 0
    assert store.list_events() == []

    store.save_event(event())
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["version"] == 2
    assert [e["id"] for e in raw["events"]] == ["ev-graz"]
    assert MemoryStore(path).get_event("ev-graz") == event()


def test_failed_save_undoes_event_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.json"
    store = _with_events(path)
    before_file = path.read_bytes()
    before = store.list_events()

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StoreError, match="No space left"):
        store.save_event(event("ev-new"))
    with pytest.raises(StoreError):
        store.save_event(event("ev-alpbach", name="Renamed"))
    with pytest.raises(StoreError):
        store.delete_event("ev-zagreb")
    with pytest.raises(StoreError):
        store.clear()
    monkeypatch.undo()

    assert path.read_bytes() == before_file
    assert store.list_events() == before
    assert store.get_event("ev-alpbach") == event("ev-alpbach")


def test_invalid_event_record_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _with_events(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["events"][0]["slots"] = []
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(StoreError, match="invalid record"):
        MemoryStore(path)


def test_duplicate_event_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _with_events(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["events"].append(raw["events"][0])
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(StoreError, match="event 'ev-alpbach' twice"):
        MemoryStore(path)
