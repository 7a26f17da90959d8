from __future__ import annotations

import dataclasses
import time

import pytest
from pysat.solvers import Solver

from matchmaker.scheduling.core import CoreMeeting, CoreProblem
from matchmaker.scheduling.satsearch import BoundedModel, solve_bounded
from matchmaker.scheduling.validate import validate_core
from tests.scheduling.brute import brute_force_optimum, checked, tiny_problem


@pytest.mark.parametrize("seed", range(6))
def test_bounded_search_matches_brute_force(seed: int) -> None:
    p = tiny_problem(seed)
    opt = brute_force_optimum(p, 1)
    res = solve_bounded(p, d=1, lower_bound=0, time_limit_s=20)
    rep = checked(p, res.slots, opt)
    if rep is None:
        assert res.infeasible
        return
    assert max(rep.breaks) <= 1
    assert res.proved_optimal
    assert rep.total_breaks == opt == res.lower_bound


def test_a_low_lower_bound_is_raised_by_proof() -> None:
    # slot 1 has no table, so participant 0 (three meetings) needs a break; the incumbent has it
    ms = tuple(CoreMeeting(0, b, (0, 1, 2, 3)) for b in (1, 2, 3))
    p = CoreProblem(4, 4, (1, 0, 1, 1), ms)
    res = solve_bounded(p, d=2, lower_bound=0, time_limit_s=20, incumbent=[0, 3, 2])
    assert res.slots is not None
    assert validate_core(p, res.slots).total_breaks == res.lower_bound == 1
    assert res.proved_optimal


def test_no_time_returns_the_incumbent_unproved() -> None:
    ms = (CoreMeeting(0, 1, (0, 1, 2)), CoreMeeting(0, 2, (0, 1, 2)))
    p = CoreProblem(3, 3, (1, 1, 1), ms)
    res = solve_bounded(p, d=2, lower_bound=0, time_limit_s=0, incumbent=[0, 2])
    assert res.slots == [0, 2]
    assert not res.proved_optimal
    assert res.lower_bound == 0


@pytest.mark.parametrize("busy_capacity", [False, True])
@pytest.mark.parametrize("tighten", [False, True])
@pytest.mark.parametrize("seed", [1, 6, 9, 10, 12, 17])
def test_bounded_model_answers_like_brute_force(
    seed: int, tighten: bool, busy_capacity: bool
) -> None:
    # one table per slot: these seeds have more breaks, or no schedule, than with enough tables;
    # tightening starts 16 tables above the real count
    p = dataclasses.replace(tiny_problem(seed), capacity=(1,) * 5)
    opt = brute_force_optimum(p, 2)
    model = BoundedModel(p, 2, None, busy_capacity=busy_capacity, tighten=tighten)
    deadline = time.monotonic() + 20
    if opt is None:
        assert model.empty or model.solve(None, deadline) is False
        return
    for k in range(opt):
        assert model.solve(k, deadline) is False
    assert model.solve(opt, deadline) is True
    rep = checked(p, model.slots(), opt)
    assert rep is not None
    assert rep.total_breaks == opt


def _answer(model: BoundedModel, k: int | None, hint: list[int | None] | None) -> list[int]:
    child = model.start(k, hint)
    try:
        answers = child.wait(20)
    finally:
        child.close()
    assert answers, "the child sent nothing in 20 s"
    return list(answers[0])


@pytest.mark.parametrize("seed", [0, 7, 8])
def test_the_search_starts_from_the_hint(seed: int) -> None:
    p = tiny_problem(seed)
    model = BoundedModel(p, 2, None)
    first = model.slots(_answer(model, None, None))
    # another schedule: the first one blocked
    other_clauses = [*model.clauses(None), [-model.y[i, s] for i, s in enumerate(first)]]
    with Solver(name="cadical195", bootstrap_with=other_clauses) as sat:
        assert sat.solve()
        other = model.slots(sat.get_model())
    assert other != first
    assert model.slots(_answer(model, None, other)) == other


@pytest.mark.parametrize("seed", [6, 9, 12])
def test_a_hint_does_not_change_the_answer(seed: int) -> None:
    p = dataclasses.replace(tiny_problem(seed), capacity=(1,) * 5)
    opt = brute_force_optimum(p, 2)
    assert opt is not None
    assert opt > 0
    model = BoundedModel(p, 2, None, tighten=True)
    hint = model.slots(_answer(model, None, None))
    assert _answer(model, opt - 1, hint) == []
    rep = checked(p, model.slots(_answer(model, opt, hint)), opt)
    assert rep is not None
    assert rep.total_breaks == opt
