"""Tiny random problems, their brute-force optimum, and the check every solver's answer gets."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from matchmaker.scheduling.core import CoreMeeting, CoreProblem
from matchmaker.scheduling.validate import Report, validate_core


def tiny_problem(seed: int, *, n: int = 5, density: float = 0.5) -> CoreProblem:
    """``n`` participants, five slots of two tables, each pair meeting with probability
    ``density``, each slot allowed with probability 0.8."""
    rng = random.Random(seed)
    slots = 5
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < density]
    meetings = tuple(
        CoreMeeting(a, b, tuple(s for s in range(slots) if rng.random() < 0.8) or (0,))
        for a, b in pairs
    )
    return CoreProblem(n, slots, (2,) * slots, meetings, fairness_d=1)


def brute_force_optimum(p: CoreProblem, d: int) -> int | None:
    """The fewest total breaks with every meeting placed and at most ``d`` each (``None``: no
    such schedule)."""
    best = None
    for slots in itertools.product(*(m.allowed for m in p.meetings)):
        rep = validate_core(p, list(slots), fairness_d=-1)
        if rep.ok and max(rep.breaks) <= d and (best is None or rep.total_breaks < best):
            best = rep.total_breaks
    return best


def checked(p: CoreProblem, slots: Sequence[int | None] | None, opt: int | None) -> Report | None:
    """Assert that a solver answered ``None`` exactly when brute force found no schedule, and that
    its schedule is valid; return the schedule's report."""
    if opt is None:
        assert slots is None
        return None
    assert slots is not None
    rep = validate_core(p, slots, fairness_d=-1)
    assert rep.ok, rep.violations
    return rep
