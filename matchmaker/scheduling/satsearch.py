"""Bounded-total SAT search for fewest breaks, after the core-guided MaxSAT phase.

RC2 (:mod:`matchmaker.scheduling.maxsat`) raises a proved lower bound fast, but on some events
(forum-14, ticf-14crafa, the 13crafb variants) the SAT call that must produce a schedule at that
bound is too hard for its Glucose oracle. This phase takes the same hard clauses, adds a totalizer
over the break-start literals and asks CaDiCaL (a stronger CDCL solver, python-sat ``cadical195``)
for a schedule with "total breaks <= k" for a target ``k``: first ``k`` = the lower bound (a
schedule there is optimal), then bisection between the targets still open and the best schedule
found. A "no" at ``k`` raises the lower bound to ``k + 1``.

Each call runs in a child process stopped at its deadline (CaDiCaL cannot be interrupted). With
the same input and enough time the calls, and so the schedule, are the same on every run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.solvers import Solver

from matchmaker.scheduling import forked
from matchmaker.scheduling.core import CoreProblem, participant_breaks
from matchmaker.scheduling.maxsat import busy_form, decode, encode

TIGHTEN = (16, 6, 4, 3, 2, 1, 0)
# CaDiCaL's "--sat" configuration (less elimination and subsumption, stable mode only): at the
# optimum of forum-13crafb it halved the time over six clause orders (5.3-8.5 s, 7.3-13.6 s
# without); on ticf-13crafb the spread was the same either way (5.4-13.7 s vs 9.1-11.9 s)
SAT_OPTIONS = {"elimreleff": 10, "stabilizeonly": 1, "subsumereleff": 60}


@dataclass(slots=True)
class SatSearchResult:
    """The best schedule found (``None`` if none), the proved lower bound on total breaks,
    whether the schedule is proved optimal, and whether no fair complete schedule exists."""

    slots: list[int | None] | None
    lower_bound: int
    proved_optimal: bool
    infeasible: bool


class BoundedModel:
    """The model's clauses; ``solve(k)`` asks a fresh CaDiCaL for total breaks <= ``k``.

    A fresh solver per target with a sequential counter for that ``k`` proved far faster than
    one incremental solver with a totalizer up to the incumbent (forum-14 at ``k`` = 2: seconds
    instead of no answer in 20 s): the small counter propagates better than the large totalizer.

    With ``tighten``, :meth:`start` loosens the table limits and tightens them again in one
    incremental solver: the limits are totalizers whose outputs are assumed false, first at
    ``TIGHTEN[0]`` tables above the real count in every slot, then at each later offset down to
    the real count, so each call starts from the schedule of the looser one. On events whose
    full middle slots make the breaks (ticf-13crafb at its optimum, over clause-order
    perturbations) this took 8.8-20 s, median about 13 s, where one call at the real limit took
    11-38 s, median about 20 s; without tables the same call takes about a second. A "no" at any
    offset is a "no" for the real limits, which are tighter.
    """

    def __init__(
        self,
        problem: CoreProblem,
        d: int,
        pins: Mapping[int, int] | None,
        solver: str = "cadical195",
        busy_capacity: bool | None = None,
        tighten: bool = False,
    ) -> None:
        enc = encode(problem, d=d, pins=pins, busy_capacity=busy_capacity, tables=not tighten)
        wcnf, self.y = enc.wcnf, enc.y
        self.problem = problem
        self.solver = solver
        self.empty = wcnf is None
        self.hard = [] if wcnf is None else list(wcnf.hard)
        self.breaks = [] if wcnf is None else [-c[0] for c in wcnf.soft]
        self.top = 0 if wcnf is None else wcnf.nv
        self.model: list[int] = []
        self.levels: list[list[int]] = []
        if tighten and wcnf is not None:
            self.levels = [[] for _ in TIGHTEN]
            self._table_limits(enc.meetings_in, 1, problem.capacity)
            if busy_form(problem, busy_capacity):
                self._table_limits(enc.busy_in, 2, problem.capacity)

    def _table_limits(self, lits: Sequence[list[int]], per: int, capacity: Sequence[int]) -> None:
        """Totalizers "at most ``per`` x (tables + offset)" of ``lits[s]`` for every offset."""
        for s, group in enumerate(lits):
            if len(group) <= per * capacity[s]:
                continue
            tot = ITotalizer(lits=group, ubound=per * (capacity[s] + TIGHTEN[0]), top_id=self.top)
            self.hard.extend(tot.cnf.clauses)
            self.top = tot.top_id
            for level, offset in zip(self.levels, TIGHTEN, strict=True):
                bound = per * (capacity[s] + offset)
                if bound < len(tot.rhs):
                    level.append(-tot.rhs[bound])
            tot.delete()

    def clauses(self, k: int | None) -> list[list[int]]:
        """The hard clauses and, unless ``k`` is ``None``, "total breaks <= ``k``"."""
        clauses = list(self.hard)
        if k is not None:
            card = CardEnc.atmost(self.breaks, k, top_id=self.top, encoding=EncType.seqcounter)
            clauses.extend(card.clauses)
        return clauses

    def start(self, k: int | None, hint: Sequence[int | None] | None = None) -> forked.Child:
        """The call for ``k`` in a forked child, which sends a model or ``[]`` (unsatisfiable).

        ``hint``, a schedule (e.g. the annealing's best, above ``k``), sets the solver's first
        phases: the child completes it to a model of the hard clauses (without "total breaks <=
        ``k``") and starts the search from that model. It changes where the search starts, not
        the answer. From the annealing's schedules at 9 and 6 breaks the tightened call at the
        optimum (forum-13crafb at 6, ticf-13crafb at 3) needed 26 % and 49 % fewer conflicts,
        over four clause orders each; phases on the meeting variables alone saved 10-20 %.
        """
        hint_lits = [] if hint is None else [v for (i, s), v in self.y.items() if hint[i] == s]
        args = (self.solver, self.clauses(k), self.levels, hint_lits, len(self.hard))
        return forked.Child(_child, args)

    def solve(self, k: int | None, deadline: float) -> bool | None:
        """``True``/``False`` when decided before ``deadline``, else ``None``."""
        seconds = deadline - time.monotonic()
        answer = _solve_in_child(self.solver, self.clauses(k), self.levels, seconds)
        if answer is None:
            return None
        self.model = answer if answer else []
        return bool(answer)

    def slots(self, model: Sequence[int] | None = None) -> list[int | None]:
        """The schedule in ``model`` (default: the last one ``solve`` found)."""
        return decode(self.model if model is None else model, self.y, len(self.problem.meetings))


def _child(
    conn: Connection,
    solver: str,
    clauses: list[list[int]],
    levels: Sequence[list[int]],
    hint: list[int] | None = None,
    n_hard: int = 0,
) -> None:
    """Solve under each assumption list in turn (one call without ``levels``), from the phases
    of ``hint`` (see :func:`_phases`); send the last model, or ``[]`` at the first "no"."""
    phases = _phases(solver, clauses[:n_hard], hint) if hint else []
    with Solver(name=solver) as sat:
        if solver == "cadical195":
            sat.configure(SAT_OPTIONS)
        sat.append_formula(clauses)
        if phases:
            sat.set_phases(phases)
        for assumptions in levels or [[]]:
            if not sat.solve(assumptions=assumptions):
                conn.send([])
                return
        conn.send(list(sat.get_model() or []))


def _phases(solver: str, hard: list[list[int]], hint: list[int]) -> list[int]:
    """A model of ``hard`` with the ``hint`` literals true, else ``hint`` alone.

    Phases on the meeting variables alone left the solver's defaults on the rest (busy, break,
    counter variables), which sent its first decisions elsewhere: it did not even return a
    complete hint unchanged on tiny events.
    """
    with Solver(name=solver, bootstrap_with=hard) as sat:
        if sat.solve(assumptions=hint):
            return list(sat.get_model() or hint)
    return hint


def _solve_in_child(
    solver: str, clauses: list[list[int]], levels: Sequence[list[int]], seconds: float
) -> list[int] | None:
    """A model (``[]`` when unsatisfiable) or ``None`` when ``seconds`` pass first.

    CaDiCaL cannot be interrupted, and cutting its search into conflict budgets slowed it
    several-fold here, so each call runs whole in a child stopped at the deadline.
    """
    if seconds <= 0:
        return None
    for answer in forked.messages(_child, (solver, clauses, levels), seconds):
        return list(answer)
    return None


def solve_bounded(
    problem: CoreProblem,
    *,
    d: int,
    lower_bound: int,
    time_limit_s: float,
    pins: Mapping[int, int] | None = None,
    incumbent: Sequence[int | None] | None = None,
    solver: str = "cadical195",
) -> SatSearchResult:
    """Search for a complete schedule with at most ``d`` breaks each and the fewest in total.

    Parameters
    ----------
    problem: the problem (the same applicability rule as the MaxSAT phase: "at most ``d``
        breaks each" must equal the fairness rule).
    d: break limit per participant.
    lower_bound: a proved lower bound on the total (e.g. RC2's cost when it was interrupted).
    time_limit_s: wall-clock budget; each SAT call is stopped when it passes.
    pins: meetings fixed to a slot.
    incumbent: a complete fair schedule already known; its total is the first upper bound.
    solver: python-sat solver name.

    Returns
    -------
    A :class:`SatSearchResult`.

    Example
    -------
    >>> from matchmaker.scheduling.core import CoreMeeting
    >>> p = CoreProblem(3, 3, (1, 1, 1), (CoreMeeting(0, 1, (0, 1, 2)), CoreMeeting(0, 2, (0, 2))))
    >>> r = solve_bounded(p, d=2, lower_bound=0, time_limit_s=5)
    >>> r.proved_optimal, sum(participant_breaks(p, r.slots))
    (True, 0)
    """
    deadline = time.monotonic() + time_limit_s
    model = BoundedModel(problem, d, pins, solver)
    if model.empty:
        return SatSearchResult(None, lower_bound, False, True)
    best: list[int | None] | None = list(incumbent) if incumbent is not None else None
    if best is None:
        found = model.solve(None, deadline)
        if found is None:
            return SatSearchResult(None, lower_bound, False, False)
        if not found:
            return SatSearchResult(None, lower_bound, False, True)
        best = model.slots()
    cost = sum(participant_breaks(problem, best))
    lb = min(lower_bound, cost)
    open_from = lb
    while lb < cost and open_from < cost and time.monotonic() < deadline:
        k = lb if open_from == lb else (open_from + cost - 1) // 2
        left = deadline - time.monotonic()
        share = left if k == cost - 1 else left / 2
        answer = model.solve(k, time.monotonic() + share)
        if answer:
            best = model.slots()
            cost = sum(participant_breaks(problem, best))
        elif answer is False:
            lb = open_from = k + 1
        else:
            open_from = k + 1
    return SatSearchResult(best, lb, cost <= lb, False)
