from __future__ import annotations

import pytest

from matchmaker.scheduling.core import CoreMeeting, CoreProblem
from matchmaker.scheduling.maxsat import applicable, solve_maxsat
from matchmaker.scheduling.solver import solve_core
from matchmaker.scheduling.validate import validate_core
from tests.scheduling.brute import brute_force_optimum, checked, tiny_problem
from tests.scheduling.conftest import b2b_problem


@pytest.mark.parametrize("busy_capacity", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_maxsat_matches_brute_force(seed: int, busy_capacity: bool) -> None:
    p = tiny_problem(seed)
    opt = brute_force_optimum(p, 1)
    res = solve_maxsat(p, d=1, time_limit_s=10, busy_capacity=busy_capacity)
    assert res.finished
    rep = checked(p, res.slots, opt)
    if rep is None:
        assert res.infeasible
        return
    assert max(rep.breaks) <= 1
    assert rep.total_breaks == opt == res.lower_bound


def test_capacity_forces_a_break() -> None:
    # 0 meets 1, 2 and 3 in slots 0..3 but slot 1 has no table: 0 must have a break
    ms = tuple(CoreMeeting(0, b, (0, 1, 2, 3)) for b in (1, 2, 3))
    p = CoreProblem(4, 4, (1, 0, 1, 1), ms)
    res = solve_maxsat(p, d=2, time_limit_s=10)
    assert res.slots is not None
    assert 1 not in res.slots
    assert validate_core(p, res.slots).total_breaks == res.lower_bound == 1


def test_precedence_and_pins_respected() -> None:
    ms = (CoreMeeting(0, 1, (0, 1, 2)), CoreMeeting(0, 2, (0, 1, 2)), CoreMeeting(1, 2, (0, 1, 2)))
    p = CoreProblem(3, 3, (1, 1, 1), ms, precedences=((1, 0),))
    res = solve_maxsat(p, d=2, time_limit_s=10, pins={2: 0})
    assert res.slots is not None
    assert res.slots[2] == 0
    assert None not in res.slots
    assert (res.slots[1] or 0) < (res.slots[0] or 0)
    assert validate_core(p, res.slots).ok


def test_too_many_meetings_is_infeasible_without_solving() -> None:
    ms = tuple(CoreMeeting(0, b, (0, 1)) for b in (1, 2, 3))
    res = solve_maxsat(CoreProblem(4, 2, (3, 3), ms), d=2, time_limit_s=10)
    assert res.infeasible
    assert res.slots is None


def test_applicable_needs_someone_without_breaks() -> None:
    ms = (CoreMeeting(0, 1, (0, 1, 2)), CoreMeeting(0, 1, (0, 1, 2)))
    assert not applicable(CoreProblem(2, 3, (1, 1, 1), ms), 2)
    assert applicable(CoreProblem(3, 3, (1, 1, 1), ms), 2)
    assert applicable(CoreProblem(2, 3, (1, 1, 1), ms), -1)


@pytest.mark.parametrize("name", ["tic-12", "tic-12crafc"])
def test_published_instance_solved_to_optimum(name: str) -> None:
    p = b2b_problem(name)
    res = solve_core(p, time_limit_s=60, seed=0)
    rep = validate_core(p, res.slots)
    assert rep.ok, rep.violations[:3]
    assert res.proved_optimal
    assert rep.total_breaks == res.lower_bound == 0
