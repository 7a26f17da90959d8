"""A MaxSAT model of the B2B meeting-scheduling problem, solved with RC2 (python-sat).

After Bofill et al. (JAIR 74, 2022), whose best approach was MaxSAT with implied constraints:

* ``y[m, s]``: meeting ``m`` in slot ``s``; exactly one per meeting;
* ``x[p, s] <-> OR of y[m, s]`` over ``p``'s meetings, at most one of them per slot, and
  ``sum_s x[p, s] = meetings of p`` (implied);
* ``L[p, s]``: ``p`` is busy in ``s`` or later that day; ``E[p, s]``: in ``s`` or earlier;
* ``br[p, s] <-> x[p, s] and not x[p, s+1] and L[p, s+1]``: a break starts after ``s``; the soft
  clauses ``not br[p, s]`` (weight 1) make the cost the total number of breaks;
* at most ``d`` breaks per participant (fairness when some participant has no breaks), at least
  its :func:`~matchmaker.scheduling.core.break_lower_bounds` value;
* tables per slot, on meetings and (implied, ``busy_capacity``) on busy participants: at most
  twice the tables are busy in a slot. The implied form lets RC2 find capacity cores (forum- and
  ticf-13crafb: their bound 6 and 3 in a few seconds instead of never), but slows it on other
  events (forum- and ticf-13crafc: not done in 40 s instead of 2-5 s); by default it is used
  for tightly packed events only (meetings >= ``PACKED`` of the table-slots), and the race
  (:mod:`~matchmaker.scheduling.portfolio`) later runs the other form too;
* precedences, pinned meetings as unit clauses.

RC2 is core-guided: the cost it has reached when interrupted is a proved lower bound.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pysat.card import CardEnc, EncType
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF, IDPool

from matchmaker.scheduling import forked
from matchmaker.scheduling.core import CoreProblem, break_lower_bounds

PACKED = 0.9


@dataclass(slots=True)
class MaxSatResult:
    """``slots`` is ``None`` unless RC2 finished; ``lower_bound`` holds either way."""

    slots: list[int | None] | None
    lower_bound: int
    finished: bool
    infeasible: bool


def applicable(problem: CoreProblem, d: int) -> bool:
    """Whether "at most ``d`` breaks each" equals the fairness rule (someone has <= 1 meeting)."""
    return d < 0 or any(len(ms) <= 1 for ms in problem.meetings_of)


class _Builder:
    def __init__(self) -> None:
        self.pool = IDPool()
        self.wcnf = WCNF()
        self.unsat = False

    def var(self, key: object) -> int:
        return int(self.pool.id(key))

    def hard(self, clause: list[int]) -> None:
        if not clause:
            self.unsat = True
            return
        self.wcnf.append(clause)

    def card(self, lits: list[int], k: int, kind: str) -> None:
        if kind != "atmost" and k > len(lits):
            self.unsat = True
            return
        if kind == "atmost":
            if len(lits) <= k:
                return
            enc = EncType.pairwise if k == 1 and len(lits) < 6 else EncType.seqcounter
            if k > 3:
                enc = EncType.kmtotalizer
            cnf = CardEnc.atmost(lits, k, vpool=self.pool, encoding=enc)
        elif kind == "atleast":
            if k <= 0:
                return
            cnf = CardEnc.atleast(lits, k, vpool=self.pool, encoding=EncType.seqcounter)
        else:
            cnf = CardEnc.equals(lits, k, vpool=self.pool, encoding=EncType.seqcounter)
        for c in cnf.clauses:
            self.hard(list(c))

    def equal_or(self, v: int, parts: list[int]) -> None:
        self.hard([-v, *parts])
        for lit in parts:
            self.hard([v, -lit])


def packed(problem: CoreProblem) -> bool:
    """Whether the meetings fill at least ``PACKED`` of the table-slots."""
    return len(problem.meetings) >= PACKED * max(1, sum(problem.capacity))


def busy_form(problem: CoreProblem, busy_capacity: bool | None) -> bool:
    """Whether the model limits busy participants per slot: ``busy_capacity``, by default
    :func:`packed`."""
    return packed(problem) if busy_capacity is None else busy_capacity


@dataclass(slots=True)
class Encoding:
    """The weighted CNF (``None`` if trivially unsatisfiable), the ``y[m, s]`` variable of every
    allowed (meeting, slot) and, per slot, the ``y`` and the busy (``x[p, s]``) variables."""

    wcnf: WCNF | None
    y: dict[tuple[int, int], int]
    meetings_in: list[list[int]]
    busy_in: list[list[int]]


def build_wcnf(
    problem: CoreProblem,
    *,
    d: int,
    pins: Mapping[int, int] | None = None,
    busy_capacity: bool | None = None,
) -> tuple[WCNF | None, dict[tuple[int, int], int]]:
    """The weighted CNF (``None`` if trivially unsatisfiable) and the ``y[m, s]`` variable of
    every allowed (meeting, slot); ``busy_capacity`` adds the implied table limit on busy
    participants (default: :func:`packed`)."""
    enc = encode(problem, d=d, pins=pins, busy_capacity=busy_capacity)
    return enc.wcnf, enc.y


def encode(
    problem: CoreProblem,
    *,
    d: int,
    pins: Mapping[int, int] | None = None,
    busy_capacity: bool | None = None,
    tables: bool = True,
) -> Encoding:
    """The model of :func:`build_wcnf`; without ``tables`` it leaves out the table limits (both
    forms), for a caller that adds them its own way (:class:`satsearch.BoundedModel`)."""
    b = _Builder()
    n_slots = problem.n_slots
    pins = pins or {}
    y: dict[tuple[int, int], int] = {}
    by_slot: list[list[int]] = [[] for _ in range(n_slots)]
    for i, m in enumerate(problem.meetings):
        allowed = (pins[i],) if i in pins else m.allowed
        lits = []
        for s in allowed:
            y[i, s] = b.var(("y", i, s))
            by_slot[s].append(y[i, s])
            lits.append(y[i, s])
        b.hard(lits)
        b.card(lits, 1, "atmost")
    if tables:
        for s in range(n_slots):
            b.card(by_slot[s], problem.capacity[s], "atmost")
    lbs = break_lower_bounds(problem) if not pins else [0] * problem.n_participants
    busy: list[list[int]] = [[] for _ in range(n_slots)]
    for p, ms in enumerate(problem.meetings_of):
        if not ms:
            continue
        x: list[int | None] = [None] * n_slots
        for s in range(n_slots):
            lits = [y[i, s] for i in ms if (i, s) in y]
            if lits:
                xv = b.var(("x", p, s))
                x[s] = xv
                busy[s].append(xv)
                b.equal_or(xv, lits)
                b.card(lits, 1, "atmost")
        b.card([v for v in x if v is not None], len(ms), "equals")
        if len(ms) >= 2:
            _breaks(b, problem, p, x, max_breaks=d, at_least=lbs[p])
    if tables and busy_form(problem, busy_capacity):
        for s in range(n_slots):
            b.card(busy[s], 2 * problem.capacity[s], "atmost")
    for i, j in problem.precedences:
        for s in (s for (k, s) in y if k == i):
            for t in (t for (k, t) in y if k == j):
                if t <= s:
                    b.hard([-y[i, s], -y[j, t]])
    return Encoding(None if b.unsat else b.wcnf, y, by_slot, busy)


def _breaks(
    b: _Builder,
    problem: CoreProblem,
    p: int,
    x: Sequence[int | None],
    *,
    max_breaks: int,
    at_least: int,
) -> None:
    n_slots = problem.n_slots
    later: list[int | None] = [None] * (n_slots + 1)
    for s in range(n_slots - 1, -1, -1):
        nxt = later[s + 1] if s + 1 < n_slots and problem.adjacent(s + 1) else None
        parts = [v for v in (x[s], nxt) if v is not None]
        if parts:
            lv = b.var(("L", p, s))
            later[s] = lv
            b.equal_or(lv, parts)
    brs = []
    for s in range(n_slots - 1):
        xs, nx, lat = x[s], x[s + 1], later[s + 1]
        if xs is None or lat is None or not problem.adjacent(s + 1):
            continue
        v = b.var(("br", p, s))
        b.hard([-v, xs])
        b.hard([-v, lat])
        if nx is not None:
            b.hard([-v, -nx])
            b.hard([v, -xs, nx, -lat])
        else:
            b.hard([v, -xs, -lat])
        brs.append(v)
        b.wcnf.append([-v], weight=1)
    if max_breaks >= 0:
        b.card(brs, max_breaks, "atmost")
    b.card(brs, at_least, "atleast")


class _ReportingRC2(RC2):  # type: ignore[misc]
    """RC2 that sends its cost (a proved lower bound) after every core it processes."""

    def __init__(self, wcnf: WCNF, conn: Connection, solver: str, reduce: bool) -> None:
        super().__init__(wcnf, solver=solver, exhaust=reduce, minz=reduce)
        self.conn = conn

    def process_core(self) -> None:
        super().process_core()
        self.conn.send(("cost", int(self.cost)))


def _rc2_child(
    conn: Connection,
    problem: CoreProblem,
    d: int,
    pins: Mapping[int, int] | None,
    busy_capacity: bool | None,
    solver: str,
    reduce: bool,
) -> None:
    """Build the formula, run RC2 and send its costs, then ``("done", slots or None, cost)``."""
    wcnf, y = build_wcnf(problem, d=d, pins=pins, busy_capacity=busy_capacity)
    if wcnf is None:
        conn.send(("done", None, 0))
        return
    rc2 = _ReportingRC2(wcnf, conn, solver, reduce)
    model = rc2.compute()
    slots = None if model is None else decode(model, y, len(problem.meetings))
    conn.send(("done", slots, int(rc2.cost)))


class Rc2Run:
    """RC2 on one form of the model in a forked child, and what it has reported so far: its cost
    (a proved lower bound), and the optimal schedule or ``infeasible`` once it finishes.

    RC2 runs in a child that :meth:`close` kills (:mod:`~matchmaker.scheduling.forked`): RC2 only
    looks at an interrupt between cores and then still trims the last core, which took up to a
    minute (ticf-13crafb). The child also builds the formula (0.1-0.25 s on the published
    instances), so the caller goes on at once; a formula that is trivially unsatisfiable shows as
    ``infeasible`` once polled.

    ``reduce`` turns on RC2's core exhaustion and minimisation: smaller cores, found more slowly
    (with the busy-participant table limit, forum-13crafb reaches its bound 6 in 2 s without them
    and 5.5 s with them).
    """

    def __init__(
        self,
        problem: CoreProblem,
        *,
        d: int,
        pins: Mapping[int, int] | None = None,
        busy_capacity: bool | None = None,
        solver: str = "g3",
        reduce: bool = True,
    ) -> None:
        args = (problem, d, pins, busy_capacity, solver, reduce)
        self.child = forked.Child(_rc2_child, args)
        self.cost = 0
        self.slots: list[int | None] | None = None
        self.infeasible = False

    @property
    def finished(self) -> bool:
        return self.slots is not None or self.infeasible

    @property
    def stopped(self) -> bool:
        """Finished, or the child ended without an answer."""
        return self.finished or self.child.ended

    def poll(self, seconds: float = 0.0) -> None:
        """Read what the child sent, waiting up to ``seconds`` for its first message."""
        if self.stopped:
            return
        for message in self.child.wait(seconds):
            if message[0] == "cost":
                self.cost = max(self.cost, int(message[1]))
            elif message[1] is None:
                self.infeasible = True
            else:
                self.slots = list(message[1])
                self.cost = max(self.cost, int(message[2]))

    def close(self) -> None:
        self.child.close()


def decode(model: Sequence[int], y: Mapping[tuple[int, int], int], n: int) -> list[int | None]:
    """The slot of each of ``n`` meetings in a model over the ``y[m, s]`` variables."""
    true = {lit for lit in model if lit > 0}
    slots: list[int | None] = [None] * n
    for (i, s), v in y.items():
        if v in true:
            slots[i] = s
    return slots


def solve_maxsat(
    problem: CoreProblem,
    *,
    d: int,
    time_limit_s: float,
    pins: Mapping[int, int] | None = None,
    solver: str = "g3",
    busy_capacity: bool | None = None,
) -> MaxSatResult:
    """Minimise total breaks with every meeting placed and at most ``d`` breaks each.

    Parameters
    ----------
    problem: the problem.
    d: break limit per participant (``-1``: none).
    time_limit_s: wall-clock limit; RC2 (in a child process) is stopped when it passes.
    pins: meetings fixed to a slot.
    solver: the SAT oracle's python-sat name.
    busy_capacity: the model's form (see :func:`build_wcnf`).

    Returns
    -------
    A :class:`MaxSatResult`: an optimal schedule when RC2 finished, and the proved lower bound.
    """
    run = Rc2Run(problem, d=d, pins=pins, busy_capacity=busy_capacity, solver=solver)
    deadline = time.monotonic() + max(0.01, time_limit_s)
    try:
        while not run.stopped and time.monotonic() < deadline:
            run.poll(deadline - time.monotonic())
    finally:
        run.close()
    if run.infeasible:
        return MaxSatResult(None, 0, True, True)
    return MaxSatResult(run.slots, run.cost, run.finished, False)
