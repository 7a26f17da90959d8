from __future__ import annotations

import pytest

from matchmaker.scheduling.greedy import compact_greedy, greedy_slots
from matchmaker.scheduling.validate import validate_core
from tests.scheduling.conftest import b2b_problem


@pytest.mark.parametrize("name", ["forum-13crafb", "tic-13"])
def test_greedy_schedules_are_valid_partial_schedules(name: str) -> None:
    problem = b2b_problem(name)
    plain = validate_core(problem, greedy_slots(problem), require_all=False, fairness_d=-1)
    assert plain.ok, plain.violations
    fair = validate_core(problem, compact_greedy(problem, max_breaks=2), require_all=False)
    assert fair.ok, fair.violations
    assert max(fair.breaks) <= 2
    assert fair.placed > len(problem.meetings) // 2
