"""RC2 and simulated annealing side by side, one core each.

RC2 (:mod:`~matchmaker.scheduling.maxsat`, in a forked child) raises a proved lower bound on the
total breaks core by core; annealing (:mod:`~matchmaker.scheduling.localsearch`, in this process)
finds good complete schedules fast. The race ends as soon as the annealing's best schedule meets
RC2's bound (it is then proved optimal), when RC2 finishes (its schedule is optimal), when RC2
proves that no schedule keeps every participant within ``d`` breaks, when the annealing has not
improved for its patience, or at the time limit.

Determinism: the annealing is seeded and stops at the first schedule that meets the bound, which
is the same schedule whenever the bound arrives; only a race that RC2 wins (its own optimal
schedule) or that the clock ends can differ between runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matchmaker.scheduling import localsearch, maxsat
from matchmaker.scheduling.core import CoreProblem

PATIENCE = 40_000_000


@dataclass(slots=True)
class RaceResult:
    """The best complete schedule with at most ``d`` breaks each (``None`` if none), the proved
    lower bound on its total, whether it is proved optimal, and whether RC2 proved that no such
    schedule exists (``infeasible``)."""

    slots: list[int | None] | None
    lower_bound: int
    proved_optimal: bool
    infeasible: bool
    best_partial: list[int | None]
    notes: list[str]


def race(
    problem: CoreProblem,
    start: Sequence[int | None],
    *,
    d: int,
    lower_bound: int,
    time_limit_s: float,
    pins: Mapping[int, int] | None = None,
    seed: int = 0,
    use_rc2: bool = True,
    patience: int = PATIENCE,
) -> RaceResult:
    """Race RC2 (bounds) against annealing (schedules) for at most ``time_limit_s``.

    Parameters
    ----------
    problem: the problem (:func:`localsearch.applicable` must hold).
    start: the annealing's starting assignment.
    d: breaks allowed per participant (with RC2 this must equal the fairness rule, see
        :func:`maxsat.applicable`).
    lower_bound: a bound already proved (e.g. :func:`core.break_lower_bounds`).
    time_limit_s: wall-clock budget.
    pins: meetings fixed to a slot.
    seed: the annealing's seed.
    use_rc2: run RC2 in a child; without it only the annealing runs.
    patience: annealing iterations without improvement after which the race ends.

    Returns
    -------
    A :class:`RaceResult`.

    Example
    -------
    >>> from matchmaker.scheduling.core import CoreMeeting, participant_breaks
    >>> p = CoreProblem(3, 3, (1, 1, 1), (CoreMeeting(0, 1, (0, 1, 2)), CoreMeeting(0, 2, (0, 2))))
    >>> r = race(p, [0, 2], d=2, lower_bound=0, time_limit_s=5)
    >>> r.proved_optimal, participant_breaks(p, r.slots)
    (True, [0, 0, 0])
    """
    n = len(problem.meetings)
    lb = lower_bound
    notes: list[str] = []
    child = None
    y: dict[tuple[int, int], int] = {}
    if use_rc2:
        wcnf, y = maxsat.build_wcnf(problem, d=d, pins=pins)
        if wcnf is None:
            return RaceResult(None, lb, False, True, list(start), ["maxsat: no fair schedule"])
        child = maxsat.start_rc2(wcnf)
    rc2_slots: list[int | None] | None = None
    rc2_cost = 0
    rc2_infeasible = False

    def stop(best: int | None) -> bool:
        nonlocal lb, rc2_slots, rc2_cost, rc2_infeasible
        if child is not None:
            for message in child.wait(0):
                if message[0] == "cost":
                    lb = max(lb, int(message[1]))
                elif message[1] is None:
                    rc2_infeasible = True
                else:
                    rc2_slots = maxsat.decode(message[1], y, n)
                    rc2_cost = int(message[2])
                    lb = max(lb, rc2_cost)
        if rc2_slots is not None or rc2_infeasible:
            return True
        return best is not None and best <= lb

    try:
        found = localsearch.anneal(
            problem,
            start,
            max_breaks=d,
            target=lb,
            time_limit_s=time_limit_s,
            pins=pins,
            seed=seed,
            stop=stop,
            patience=patience,
        )
        stop(None)
    finally:
        if child is not None:
            child.close()
    if rc2_infeasible:
        return RaceResult(None, lb, False, True, found.best_partial, ["maxsat: no fair schedule"])
    total = found.total_breaks
    if total is not None:
        notes.append(f"annealing: {total} breaks in {found.iterations} moves")
    if rc2_slots is not None and (total is None or rc2_cost < total):
        notes.append("maxsat: optimal")
        return RaceResult(rc2_slots, lb, True, False, found.best_partial, notes)
    proved = total is not None and total <= lb
    if not proved:
        notes.append(f"maxsat: proved lower bound {lb} during the race")
    return RaceResult(found.slots, lb, proved, False, found.best_partial, notes)
