"""The CLI end to end on a real slice of the CORDIS FP7 file, into a file-backed memory store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matchmaker.cli.main import app
from matchmaker.settings import get_settings

FP7 = Path(__file__).resolve().parents[2] / "fixtures" / "cordis_fp7" / "fp7_organisations.csv"


@pytest.fixture
def data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "store.json"
    monkeypatch.setenv("MATCHMAKER_STORE", "memory")
    monkeypatch.setenv("MATCHMAKER_DATA_FILE", str(path))
    monkeypatch.delenv("MATCHMAKER_DEMO", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def fp7_slice(tmp_path: Path) -> Path:
    lines = FP7.read_text(encoding="utf-8").splitlines(keepends=True)[:1501]
    path = tmp_path / "fp7_slice.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _import(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["import", *args, "--json"])
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_import_dry_run_reimport_duplicates_merge(data_file: Path, fp7_slice: Path) -> None:
    dry = _import(str(fp7_slice), "--format", "cordis-fp7", "--dry-run")
    assert not data_file.exists()
    first = _import(str(fp7_slice), "--format", "cordis-fp7")
    skipped = first["skipped"]
    assert isinstance(skipped, list)
    assert first["created"] == dry["created"] == 1500 - len(skipped)
    assert first["rejected"] == []
    again = _import(str(fp7_slice))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, first["created"])

    listed = CliRunner().invoke(app, ["duplicates", "--json", "--limit", "0"])
    assert listed.exit_code == 0, listed.output
    pairs = json.loads(listed.stdout)["candidates"]
    assert pairs == sorted(pairs, key=lambda p: -p["score"])
    top = pairs[0]
    merged = CliRunner().invoke(app, ["merge", top["a"], top["b"]])
    assert merged.exit_code == 0, merged.output
    assert f"unmerge {top['a']} {top['b']}" in " ".join(merged.stdout.split())
    undone = CliRunner().invoke(app, ["unmerge", top["a"], top["b"]])
    assert undone.exit_code == 0, undone.output
    final = _import(str(fp7_slice), "--no-duplicates")
    assert final["unchanged"] == first["created"]


def test_rejected_batch_exits_non_zero_and_writes_nothing(data_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,kind,country\nok,Ok GmbH,company,AT\nbad,Bad,robot,AT\n")
    result = CliRunner().invoke(app, ["import", str(bad)])
    assert result.exit_code == 1
    assert "row 2 (bad), field 'kind'" in result.output
    assert not data_file.exists()
