"""``matchmaker match`` on a memory store persisted to a file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.memory import MemoryStore
from matchmaker.cli.main import app
from matchmaker.settings import get_settings
from tests.matching.helpers import CONCEPTS, actor

ACTORS = [
    actor("cl", kind="cluster", region="AT12"),
    actor("powder", region="AT12", offers=[["mat.ti.ti64"]], clusters=["cl"]),
    actor("printer", region="BE21", requests=[["mat.ti.ti64"]], competences={"vc.print": 3}),
    actor("hip", region="DE21", offers=[["vc.post.hip"]], clusters=["cl"]),
    actor("seeker", region="ES51", requests=[["vc.post.hip"]]),
]


@pytest.fixture
def data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "store.json"
    store = MemoryStore(path)
    store.upsert_concepts(CONCEPTS)
    store.upsert_actors(ACTORS)
    store.close()
    monkeypatch.setenv("MATCHMAKER_STORE", "memory")
    monkeypatch.setenv("MATCHMAKER_DATA_FILE", str(path))
    monkeypatch.delenv("MATCHMAKER_DEMO", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_one_actor_as_json(data_file: Path) -> None:
    result = CliRunner().invoke(app, ["match", "powder", "--top", "5", "--json"])
    assert result.exit_code == 0, result.output
    matches = json.loads(result.stdout)
    assert [m["partner_id"] for m in matches] == ["printer"]
    assert "which you offer" in matches[0]["reason"]
    assert sum(matches[0]["contributions"].values()) == pytest.approx(matches[0]["score"])


def test_one_actor_as_table(data_file: Path) -> None:
    result = CliRunner().invoke(app, ["match", "seeker", "--profile", "research"])
    assert result.exit_code == 0, result.output
    assert "HIP (hip)" in result.stdout


def test_all_actors_to_csv(data_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "matches.csv"
    result = CliRunner().invoke(app, ["match", "--all", "--top", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    pairs = {(r["actor_id"], r["partner_id"]) for r in rows}
    assert pairs == {
        ("powder", "printer"),
        ("printer", "powder"),
        ("hip", "seeker"),
        ("seeker", "hip"),
    }
    assert "5/5" in result.stderr


def test_cluster_members(data_file: Path) -> None:
    result = CliRunner().invoke(app, ["match", "--cluster", "cl"])
    assert result.exit_code == 0, result.output
    actors = {row["actor_id"] for row in csv.DictReader(result.stdout.splitlines())}
    assert actors == {"powder", "hip"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["match", "nobody"], "actor 'nobody' not found"),
        (["match", "powder", "--profile", "nope"], "unknown profile 'nope'"),
        (["match", "powder", "--weight", "region"], "expected NAME=NUMBER"),
        (["match", "--cluster", "nope"], "not found"),
        (["match"], "exactly one of"),
    ],
)
def test_errors_are_reported(data_file: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert message in result.stderr
