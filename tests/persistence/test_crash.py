"""A save that dies half-way leaves the previous file loadable with the previous content."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.memory import MemoryStore
from matchmaker.errors import StoreError
from tests.store import sample

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import os, sys, time
from pathlib import Path
from graph.memory import MemoryStore
from tests.store import sample

path, marker = Path(sys.argv[1]), Path(sys.argv[2])
store = MemoryStore(path)
actors = [sample.actor(f"bulk-{i:06d}", region="DE21", description="x" * 200)
          for i in range(5000)]
real_fsync = os.fsync

def fsync_then_hang(fd):
    real_fsync(fd)
    marker.write_text("writing")
    time.sleep(600)

os.fsync = fsync_then_hang
store.upsert_actors(actors)
"""


def test_sigkill_during_save_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    previous = MemoryStore(path)
    sample.load(previous)
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(marker)],
        cwd=REPO,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read() if child.stderr else b""
            assert time.monotonic() < deadline, "the child never reached the save"
            time.sleep(0.05)
        leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert leftovers, "the save should be half-way: temporary file written, not replaced"
        assert leftovers[0].stat().st_size > path.stat().st_size
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert MemoryStore(path).snapshot() == previous.snapshot()


def test_failed_replace_keeps_file_and_memory_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.json"
    store = MemoryStore(path)
    sample.load(store)
    before_file = path.read_bytes()
    before = store.snapshot()

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StoreError, match="No space left"):
        store.upsert_actors([sample.actor("newco"), sample.actor("cl-bavaria", "cluster")])
    with pytest.raises(StoreError):
        store.delete_actor("cl-am-austria", cascade=True)
    with pytest.raises(StoreError):
        store.clear()
    monkeypatch.undo()

    assert path.read_bytes() == before_file
    assert store.snapshot() == before
    assert store.members("cl-am-austria") == ["acme-additive", "ded-works", "tu-graz"]
    assert [p.name for p in tmp_path.iterdir()] == ["store.json"]
    assert MemoryStore(path).snapshot() == before
