"""``matchmaker generate`` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from matchmaker.cli.main import app
from matchmaker.models import Actor

runner = CliRunner()


def test_writes_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "eco.jsonl"
    result = runner.invoke(app, ["generate", "--actors", "120", "--seed", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 120
    ids = [Actor.model_validate_json(line).id for line in lines]
    assert len(set(ids)) == 120


def test_same_seed_same_file(tmp_path: Path) -> None:
    texts = []
    for name in ("a.jsonl", "b.jsonl"):
        out = tmp_path / name
        runner.invoke(app, ["generate", "-n", "50", "-s", "9", "-o", str(out)])
        texts.append(out.read_bytes())
    assert texts[0] == texts[1]
    assert texts[0]


def test_stdout() -> None:
    result = runner.invoke(app, ["generate", "--actors", "10", "--seed", "1", "--out", "-"])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 10
    assert all(Actor.model_validate_json(line) for line in lines)


def test_negative_count_is_a_usage_error() -> None:
    result = runner.invoke(app, ["generate", "--actors", "-3", "--out", "-"])
    assert result.exit_code != 0


def test_unwritable_path_fails_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "missing-dir" / "eco.jsonl"
    result = runner.invoke(app, ["generate", "--actors", "3", "--out", str(out)])
    assert result.exit_code == 1
    assert "error" in result.output
