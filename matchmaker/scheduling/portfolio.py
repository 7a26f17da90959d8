"""RC2 and simulated annealing side by side, one core each.

RC2 (:mod:`~matchmaker.scheduling.maxsat`, in a forked child) raises a proved lower bound on the
total breaks core by core; annealing (:mod:`~matchmaker.scheduling.localsearch`, in this process)
finds good complete schedules fast. The race ends as soon as the annealing's best schedule meets
RC2's bound (it is then proved optimal), when RC2 finishes (its schedule is optimal), when RC2
proves that no schedule keeps every participant within ``d`` breaks, or at the time limit.

The annealing has a move budget (``ANNEALING_MOVES``, about 4 s): on the events it does not
solve by then it stalls above the optimum (forum-13crafb at 9 breaks for 6). It also ends early
when its best has not improved for ``STALL_MOVES`` (about 0.8 s) and is at least ``STALL_GAP``
above the bound: both 13crafb variants stall within about a second, 4 above the first RC2's
bound, while the instances it does solve improve in steps of under 0.3 s or, like forum-14 (3
breaks for 2 after 1.8 s), stall close to the bound. Its core then runs a second RC2 on the
model's other form: the implied table limit on busy participants makes RC2 find the capacity
cores of events whose middle slots are full (forum-13crafb: bound 6 in 2 s, optimal schedule in
about 9 s), but slows it on others, so the first RC2 keeps running. Once the
second form proves a higher bound than the first, CaDiCaL on the second form at "total breaks <=
bound", with the tables loosened and tightened again (``BoundedModel(tighten=True)``) and the
annealing's best schedule as its first phases and CaDiCaL's options for satisfiable formulas
(``satsearch.SAT_OPTIONS``), takes the first RC2's core (ticf-13crafb: its schedule at the bound
3 about 5 s later; forum-13crafb at 6 also about 5 s).

Determinism: the annealing is seeded, counts moves rather than seconds, and stops at the first
schedule that meets the bound, which is the same schedule whenever the bound arrives; only a race
that an RC2 wins (its own optimal schedule) or that the clock ends can differ between runs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matchmaker.scheduling import localsearch, maxsat, satsearch
from matchmaker.scheduling.core import CoreProblem

PATIENCE = 40_000_000
ANNEALING_MOVES = 18_000_000
STALL_MOVES = 4_000_000
STALL_GAP = 3
POLL_S = 0.05
NO_FAIR = "maxsat: no fair schedule"


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


class _SatRun:
    """CaDiCaL in a forked child on "total breaks <= k", from ``hint``'s phases; a "no" proves
    the bound ``k + 1``."""

    def __init__(
        self, model: satsearch.BoundedModel, k: int, hint: Sequence[int | None] | None = None
    ) -> None:
        self.model = model
        self.k = k
        self.hint = hint
        self.child = model.start(k, hint)
        self.cost = 0
        self.slots: list[int | None] | None = None
        self.infeasible = False

    @property
    def finished(self) -> bool:
        return self.slots is not None

    def poll(self, seconds: float = 0.0) -> None:
        if self.child.ended or self.finished:
            return
        for answer in self.child.wait(seconds):
            if answer:
                self.slots = self.model.slots(answer)
                self.cost = self.k
            else:
                self.cost = self.k + 1
            self.child.close()

    def close(self) -> None:
        self.child.close()


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
    annealing_moves: int = ANNEALING_MOVES,
    stall_moves: int = STALL_MOVES,
    stall_gap: int = STALL_GAP,
) -> RaceResult:
    """Race RC2 (bounds) against annealing (schedules) for at most ``time_limit_s``.

    With RC2, the annealing stops after ``annealing_moves``; its core then runs RC2 on the
    model's other form (with or without the implied table limit on busy participants, see
    :func:`maxsat.build_wcnf`), beside the first RC2, until one of them finishes or the bound
    meets the annealing's best.

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
    use_rc2: run RC2 in a child; without it only the annealing runs, until the time limit or
        its patience.
    patience: annealing iterations without improvement after which the annealing ends.
    annealing_moves: the annealing's move limit when RC2 runs beside it.
    stall_moves, stall_gap: with RC2, the annealing also ends when its best has not improved for
        ``stall_moves`` and is at least ``stall_gap`` above the bound.

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
    deadline = time.monotonic() + time_limit_s
    notes: list[str] = []
    runs: list[maxsat.Rc2Run | _SatRun] = []

    def bound() -> int:
        return max([lower_bound] + [r.cost for r in runs])

    def settled(best: int | None) -> bool:
        for r in runs:
            r.poll()
        return any(r.finished for r in runs) or (best is not None and best <= bound())

    def annealing_done(best: int | None, stalled: int) -> bool:
        if settled(best):
            return True
        far = best is not None and best - bound() >= stall_gap
        return use_rc2 and far and stalled >= stall_moves

    try:
        if use_rc2:
            runs.append(maxsat.Rc2Run(problem, d=d, pins=pins, busy_capacity=None))
        found = localsearch.anneal(
            problem,
            start,
            max_breaks=d,
            target=bound(),
            time_limit_s=time_limit_s,
            max_iterations=annealing_moves if use_rc2 else 10**15,
            pins=pins,
            seed=seed,
            stop=annealing_done,
            patience=patience,
        )
        total = found.total_breaks
        if total is not None:
            notes.append(f"annealing: {total} breaks in {found.iterations} moves")
        if use_rc2 and not settled(total) and time.monotonic() < deadline:
            other = not maxsat.packed(problem)
            second = maxsat.Rc2Run(problem, d=d, pins=pins, busy_capacity=other, reduce=False)
            first = runs[0]
            runs.append(second)
            notes.append(f"maxsat: second form (busy-participant table limit: {other})")
            # built now, while RC2 works, so that CaDiCaL can start as soon as it is needed
            model = satsearch.BoundedModel(problem, d, pins, busy_capacity=other, tighten=True)
            sat: _SatRun | None = None
            while not settled(total) and time.monotonic() < deadline:
                second.poll(POLL_S)
                if sat is None and second.cost > first.cost:
                    # the second form is the stronger one here: CaDiCaL replaces the first RC2
                    first.close()
                    runs.remove(first)
                    hint = found.slots if found.slots is not None else found.best_partial
                    sat = _SatRun(model, bound(), hint)
                    runs.append(sat)
                    notes.append(f"sat: CaDiCaL on the second form from bound {sat.k}")
                elif sat is not None and sat.cost > sat.k:
                    # "no" at k: ask again at the raised bound (the old run keeps its bound)
                    sat = _SatRun(model, bound(), sat.hint)
                    runs.append(sat)
    finally:
        for r in runs:
            r.close()
    lb = bound()
    if any(r.infeasible for r in runs):
        return RaceResult(None, lb, False, True, found.best_partial, [*notes, NO_FAIR])
    for r in runs:
        if r.slots is not None and (total is None or r.cost < total):
            notes.append("maxsat: optimal" if isinstance(r, maxsat.Rc2Run) else "sat: optimal")
            return RaceResult(r.slots, lb, True, False, found.best_partial, notes)
    proved = total is not None and total <= lb
    if not proved:
        notes.append(f"maxsat: proved lower bound {lb} during the race")
    return RaceResult(found.slots, lb, proved, False, found.best_partial, notes)
