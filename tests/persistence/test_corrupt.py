"""A file that is not a valid store file is refused with a StoreError naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.memory import FILE_FORMAT, MemoryStore
from matchmaker.errors import StoreError
from tests.store import sample


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    sample.load(MemoryStore(path))
    return path


def _refused(path: Path, match: str) -> None:
    with pytest.raises(StoreError, match=match) as info:
        MemoryStore(path)
    assert str(path) in str(info.value)


def test_truncated_file(saved: Path) -> None:
    text = saved.read_text(encoding="utf-8")
    saved.write_text(text[: len(text) // 2], encoding="utf-8")
    _refused(saved, "not valid JSON")


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b"{}"])
def test_garbage(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "store.json"
    path.write_bytes(content)
    _refused(path, "store file")


def test_unknown_version(saved: Path) -> None:
    raw = json.loads(saved.read_text(encoding="utf-8"))
    raw["version"] = 99
    saved.write_text(json.dumps(raw), encoding="utf-8")
    _refused(saved, "version 99")


def test_invalid_record(saved: Path) -> None:
    raw = json.loads(saved.read_text(encoding="utf-8"))
    raw["actors"][2]["region"] = "XX99"
    saved.write_text(json.dumps(raw), encoding="utf-8")
    _refused(saved, "invalid record")


def test_dangling_reference(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    actor = sample.actor("lonely", memberships=[{"cluster": "gone"}]).model_dump(mode="json")
    path.write_text(
        json.dumps({"format": FILE_FORMAT, "version": 1, "concepts": [], "actors": [actor]}),
        encoding="utf-8",
    )
    _refused(path, "inconsistent.*memberships\\[0\\].cluster")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    _refused(tmp_path, "cannot read")
