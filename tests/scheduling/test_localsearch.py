from __future__ import annotations

import random
from itertools import pairwise

import pytest

from benchmarks.b2b_synthetic import generate
from matchmaker.scheduling.core import CoreMeeting, CoreProblem, participant_breaks
from matchmaker.scheduling.localsearch import CHUNK, anneal, applicable
from matchmaker.scheduling.validate import validate_core
from tests.scheduling.brute import brute_force_optimum, checked, tiny_problem
from tests.scheduling.conftest import b2b_problem


@pytest.mark.parametrize("seed", range(8))
def test_reaches_brute_force_optimum_on_tiny_problems(seed: int) -> None:
    p = tiny_problem(seed)
    opt = brute_force_optimum(p, 1)
    res = anneal(p, [None] * len(p.meetings), max_breaks=1, max_iterations=300_000, seed=seed)
    rep = checked(p, res.slots, opt)
    if rep is None:
        return
    assert max(rep.breaks) <= 1
    assert rep.total_breaks == res.total_breaks == opt


def test_same_seed_and_iterations_same_run() -> None:
    p = b2b_problem("forum-13")
    runs = [anneal(p, [None] * len(p.meetings), max_breaks=2, max_iterations=400_000, seed=3)]
    runs.append(anneal(p, [None] * len(p.meetings), max_breaks=2, max_iterations=400_000, seed=3))
    assert runs[0] == runs[1]
    other = anneal(p, [None] * len(p.meetings), max_breaks=2, max_iterations=400_000, seed=4)
    assert other.best_partial != runs[0].best_partial


def test_stop_sees_the_moves_since_the_best_last_improved() -> None:
    p = b2b_problem("forum-13crafb")
    seen: list[tuple[int | None, int]] = []

    def stop(best: int | None, stalled: int) -> bool:
        seen.append((best, stalled))
        return stalled >= 1_000_000

    res = anneal(p, [None] * len(p.meetings), max_breaks=2, max_iterations=10**8, stop=stop)
    assert seen[-1][1] >= 1_000_000
    assert res.iterations < 10**8
    for (before, stalled_before), (after, stalled) in pairwise(seen):
        improved = after is not None and (before is None or after < before)
        assert stalled == (0 if improved else stalled_before + CHUNK)


def test_pins_and_precedences_hold_throughout() -> None:
    rng = random.Random(5)
    n, slots = 8, 6
    meetings = tuple(
        CoreMeeting(a, b, tuple(range(slots)))
        for a in range(n)
        for b in range(a + 1, n)
        if rng.random() < 0.4
    )
    precedences = ((0, 1), (2, 3), (1, 4))
    p = CoreProblem(n, slots, (3,) * slots, meetings, precedences=precedences, fairness_d=2)
    pins = {5: 0, 6: 5}
    res = anneal(p, [None] * len(meetings), max_breaks=2, max_iterations=200_000, pins=pins)
    assert res.slots is not None
    rep = validate_core(p, res.slots, require_all=True)
    assert rep.ok, rep.violations
    assert res.slots[5] == 0
    assert res.slots[6] == 5
    assert all(res.slots[i] < res.slots[j] for i, j in precedences)  # type: ignore[operator]


def test_full_slots_make_room_by_ejecting() -> None:
    # one table per slot and four meetings in four slots: every slot ends up full
    ms = tuple(CoreMeeting(2 * k, 2 * k + 1, (0, 1, 2, 3)) for k in range(4))
    p = CoreProblem(8, 4, (1, 1, 1, 1), ms)
    res = anneal(p, [0, 0, 0, 0], max_breaks=0, max_iterations=50_000)
    assert res.slots is not None
    assert sorted(res.slots) == [0, 1, 2, 3]  # type: ignore[type-var]


def test_no_complete_schedule_returns_the_best_partial() -> None:
    # participant 0 has three meetings but two usable slots
    ms = tuple(CoreMeeting(0, b, (0, 1)) for b in (1, 2, 3))
    p = CoreProblem(4, 2, (2, 2), ms)
    res = anneal(p, [None] * 3, max_breaks=2, max_iterations=20_000)
    assert res.slots is None
    assert res.total_breaks is None
    assert sum(s is not None for s in res.best_partial) == 2
    assert validate_core(p, res.best_partial, require_all=False).ok


def test_more_than_62_slots_is_refused() -> None:
    p = CoreProblem(2, 63, (1,) * 63, (CoreMeeting(0, 1, (0,)),))
    assert not applicable(p)
    with pytest.raises(ValueError, match="62 slots"):
        anneal(p, [None], max_breaks=2)


def test_published_instance_at_its_optimum() -> None:
    p = b2b_problem("ticf-14crafa")
    res = anneal(p, [None] * len(p.meetings), max_breaks=2, target=0, time_limit_s=60)
    assert res.slots is not None
    assert validate_core(p, res.slots).ok
    assert res.total_breaks == 0


def test_large_event_fully_placed_and_fair() -> None:
    p = generate(participants=300, slots=16, tables=120, meetings=1800, seed=2)
    res = anneal(p, [None] * len(p.meetings), max_breaks=2, time_limit_s=60, patience=2_000_000)
    assert res.slots is not None
    rep = validate_core(p, res.slots)
    assert rep.ok, rep.violations[:3]
    assert max(participant_breaks(p, res.slots)) <= 2
