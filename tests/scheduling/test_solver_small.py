from __future__ import annotations

import itertools

import pytest

from matchmaker.scheduling.core import CoreMeeting, CoreProblem, break_lower_bounds
from matchmaker.scheduling.model import Event
from matchmaker.scheduling.solver import schedule, solve_core
from matchmaker.scheduling.validate import validate_core, validate_event
from tests.scheduling.brute import tiny_problem
from tests.scheduling.conftest import make_event


def _brute_force_optimum(p: CoreProblem) -> int | None:
    best = None
    for slots in itertools.product(*(m.allowed for m in p.meetings)):
        rep = validate_core(p, list(slots))
        if rep.ok and (best is None or rep.total_breaks < best):
            best = rep.total_breaks
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_tiny_problems_reach_brute_force_optimum(seed: int) -> None:
    p = tiny_problem(seed, n=4, density=0.7)
    opt = _brute_force_optimum(p)
    res = solve_core(p, time_limit_s=10, seed=0)
    if opt is None:
        assert res.placed < len(p.meetings)
        return
    assert validate_core(p, res.slots).ok
    assert sum(res.breaks) == opt
    assert res.proved_optimal


def test_star_event_needs_one_break(star_event: Event) -> None:
    res = schedule(star_event, time_limit_s=10)
    assert res.placed == res.total == 3
    assert res.total_breaks == 1
    assert res.lower_bound == 1
    assert res.proved_optimal
    star_event.schedule = res.placements
    assert validate_event(star_event).ok


def test_lower_bound_from_forbidden_segments() -> None:
    p = CoreProblem(
        4, 5, (2,) * 5, tuple(CoreMeeting(0, b, (0, 2, 3, 4)) for b in (1, 2, 3, 1)), fairness_d=2
    )
    assert break_lower_bounds(p) == [1, 0, 0, 0]


def test_infeasible_event_reports_reason() -> None:
    # p0 has 4 meetings but only 3 slots.
    ev = make_event(5, [(0, 1), (0, 2), (0, 3), (0, 4)], n_slots=3, n_tables=2)
    res = schedule(ev, time_limit_s=10)
    assert res.placed == 3
    assert len(res.unplaced) == 1
    assert "participant 'p0' has 4 meetings but only 3 available slots" in res.unplaced[0].reason
    ev.schedule = res.placements
    assert validate_event(ev).ok


def test_priority_decides_who_is_left_out() -> None:
    ev = make_event(3, [(0, 1), (0, 2)], n_slots=1, n_tables=1)
    ev.meetings[1].priority = 5
    res = schedule(ev, time_limit_s=10)
    assert [p.meeting for p in res.placements] == ["m1"]
    assert res.unplaced[0].meeting == "m0"


def test_tables_respected_and_hosts_keep_a_table() -> None:
    ev = make_event(5, [(0, 1), (0, 2), (0, 3), (4, 1)], n_slots=4, n_tables=2)
    ev.participants[0].host = True
    res = schedule(ev, time_limit_s=10)
    ev.schedule = res.placements
    rep = validate_event(ev)
    assert rep.ok, rep.violations
    host_tables = {p.table for p in res.placements if p.meeting in {"m0", "m1", "m2"}}
    assert len(host_tables) == 1


def test_same_seed_same_schedule(star_event: Event) -> None:
    a = schedule(star_event, time_limit_s=10, seed=3)
    b = schedule(star_event, time_limit_s=10, seed=3)
    assert a.placements == b.placements
