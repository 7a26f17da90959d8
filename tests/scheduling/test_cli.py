from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from matchmaker.cli.main import app
from matchmaker.settings import get_settings
from tests.scheduling.conftest import FIXTURES, make_event


@pytest.fixture
def store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI's store: a memory store persisted to a file, so events last between calls."""
    path = tmp_path / "store.json"
    monkeypatch.setenv("MATCHMAKER_STORE", "memory")
    monkeypatch.setenv("MATCHMAKER_DATA_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_import_schedule_export_roundtrip(tmp_path: Path, store_file: Path) -> None:
    runner = CliRunner()
    src = tmp_path / "demo.json"
    src.write_text(make_event(4, [(0, 1), (0, 2), (3, 1)]).model_dump_json())
    out = runner.invoke(app, ["event", "import", str(src)])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["schedule", "demo", "--time-limit", "10", "--seed", "1"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["placed"] == report["total"] == 3
    out = runner.invoke(
        app,
        [
            "event", "export", "demo",
            "--ics", str(tmp_path / "ics"),
            "--csv", str(tmp_path / "grid.csv"),
            "--html", str(tmp_path / "html"),
        ],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    cal = Calendar.from_ical((tmp_path / "ics" / "p1.ics").read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 2
    assert (tmp_path / "html" / "p0.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "grid.csv").read_text().startswith("date,start,end,slot")


def test_import_b2b_and_unknown_event(store_file: Path) -> None:
    runner = CliRunner()
    path = FIXTURES / "originals" / "tic-12.json"
    out = runner.invoke(app, ["event", "import", "--format", "b2b-json", str(path)])
    assert out.exit_code == 0, out.output
    assert "memory store (created)" in out.output
    assert '"tic-12"' in store_file.read_text()
    out = runner.invoke(app, ["schedule", "nope"])
    assert out.exit_code == 1
    assert "event 'nope' not found" in out.output
