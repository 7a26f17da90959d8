from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from matchmaker.errors import ValidationFailed
from matchmaker.scheduling.b2b_format import b2b_to_core, b2b_to_event, parse_b2b, read_b2b
from matchmaker.scheduling.model import Compiled
from matchmaker.scheduling.solver import solve_core
from matchmaker.scheduling.validate import validate_core
from tests.scheduling.conftest import FIXTURES, b2b_problem


def test_all_fixture_instances_load_and_compile_the_same_both_ways() -> None:
    paths = sorted((FIXTURES / "originals").glob("*.json"))
    assert len(paths) == 20
    for path in paths:
        inst = read_b2b(path.read_text(encoding="utf-8"), str(path))
        direct = b2b_to_core(inst)
        via_event = Compiled(b2b_to_event(inst)).problem
        assert [m.allowed for m in direct.meetings] == [m.allowed for m in via_event.meetings]
        assert direct.capacity == via_event.capacity


def test_published_optima_cover_every_instance() -> None:
    with (FIXTURES / "published.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(int(r["published_optimal_breaks"]) for r in rows) == 36
    assert {r["instance"] for r in rows} == {
        p.stem for p in (FIXTURES / "originals").glob("*.json")
    }


def test_bad_instance_names_the_field(tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "originals" / "tic-12.json").read_text())
    data["meetings"][3]["p"] = [1, 99]
    with pytest.raises(ValidationFailed, match=r"meetings\[3\]"):
        parse_b2b(data)
    with pytest.raises(ValidationFailed, match=r"x\.json: not JSON"):
        read_b2b("{not json", "x.json")


def test_tic12_reaches_published_optimum() -> None:
    problem = b2b_problem("tic-12")
    res = solve_core(problem, time_limit_s=60, seed=0)
    rep = validate_core(problem, res.slots)
    assert rep.ok, rep.violations
    assert rep.total_breaks == 0
    assert res.proved_optimal
