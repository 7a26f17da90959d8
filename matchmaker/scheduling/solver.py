"""The scheduler's engine: a CP-SAT model of the B2B meeting-scheduling problem.

Model (after Bofill et al., JAIR 74, 2022, with their implied constraints):

* ``y[m, s]``: meeting ``m`` in slot ``s`` (only allowed slots get a variable);
* ``x[p, s] = sum of y[m, s] over p's meetings``: participant ``p`` busy in ``s``
  (at most one meeting per slot), and ``sum_s x[p, s] = meetings of p`` (implied);
* ``z[p, s] = x[p, s] and not x[p, s-1]``: a block of busy slots starts at ``s``; the breaks of
  ``p`` on a day are its block starts that day minus one when it meets that day;
* tables per slot, precedences, fairness ``breaks_p <= min_q breaks_q + d``;
* per-participant lower bounds (:func:`~matchmaker.scheduling.core.break_lower_bounds`) as
  constraints and as the global bound that proves optimality early.

The search gets a greedy schedule as a hint, runs with a fixed seed and worker count and stops
as soon as a schedule meets the lower bound.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from matchmaker.scheduling import localsearch, maxsat, portfolio, satsearch
from matchmaker.scheduling.core import CoreProblem, break_lower_bounds, participant_breaks
from matchmaker.scheduling.greedy import compact_greedy, greedy_slots
from matchmaker.scheduling.model import Compiled, Event, Placement
from matchmaker.scheduling.tables import assign_tables


@dataclass(slots=True)
class CoreResult:
    """What the engine found: ``slots[m]`` is ``None`` for an unplaced meeting."""

    slots: list[int | None]
    breaks: list[int]
    lower_bound: int
    proved_optimal: bool
    all_placed_proved_impossible: bool
    seconds: float
    status: str
    notes: list[str] = field(default_factory=list)

    @property
    def total_breaks(self) -> int:
        return sum(self.breaks)

    @property
    def placed(self) -> int:
        return sum(1 for s in self.slots if s is not None)


@dataclass(slots=True)
class _Model:
    model: cp_model.CpModel
    y: dict[tuple[int, int], cp_model.IntVar]
    placed: list[cp_model.IntVar] | None
    breaks: list[cp_model.LinearExprT]
    order: list[tuple[int, list[cp_model.IntVar]]] = field(default_factory=list)


def _build(
    problem: CoreProblem,
    *,
    fairness_d: int,
    require_all: bool,
    keep: Mapping[int, int],
    subset: Sequence[int] | None = None,
    strong: bool = True,
) -> _Model:
    model = cp_model.CpModel()
    n_slots = problem.n_slots
    active = set(range(len(problem.meetings))) if subset is None else set(subset)
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    by_slot: list[list[cp_model.IntVar]] = [[] for _ in range(n_slots)]
    placed: list[cp_model.IntVar] | None = None if require_all else []
    allowed_of: dict[int, tuple[int, ...]] = {}
    for i, m in enumerate(problem.meetings):
        if i not in active:
            continue
        allowed = (keep[i],) if i in keep else m.allowed
        allowed_of[i] = allowed
        lits = []
        for s in allowed:
            v = model.new_bool_var(f"y{i}_{s}")
            y[i, s] = v
            by_slot[s].append(v)
            lits.append(v)
        if require_all:
            model.add_exactly_one(lits)
        else:
            assert placed is not None
            pl = model.new_bool_var(f"placed{i}")
            model.add(sum(lits) == pl)
            placed.append(pl)
    for s in range(n_slots):
        if len(by_slot[s]) > problem.capacity[s]:
            model.add(sum(by_slot[s]) <= problem.capacity[s])

    one_day = len(set(problem.day_of)) == 1
    order: list[tuple[int, list[cp_model.IntVar]]] = []
    lbs = break_lower_bounds(problem) if require_all and subset is None else None
    breaks: list[cp_model.LinearExprT] = []
    for p in range(problem.n_participants):
        ms = [i for i in problem.meetings_of[p] if i in active]
        x: list[cp_model.IntVar | int] = [0] * n_slots
        for s in range(n_slots):
            lits = [y[i, s] for i in ms if (i, s) in y]
            if not lits:
                continue
            if len(lits) == 1:
                x[s] = lits[0]
            else:
                xs = model.new_bool_var(f"x{p}_{s}")
                model.add(sum(lits) == xs)
                x[s] = xs
        if require_all:
            model.add(sum(x) == len(ms))
            _session_counts(model, problem, ms, allowed_of, x)
        if len(ms) <= 1:
            breaks.append(0)
            continue
        if one_day and require_all and strong:
            b, first_le = _one_day_breaks(model, p, x, len(ms))
            order.append((len(ms), first_le))
        else:
            b = _block_breaks(model, problem, p, x)
        if lbs is not None and lbs[p] > 0:
            model.add(b >= lbs[p])
        breaks.append(b)

    for i, j in problem.precedences:
        if i not in active or j not in active:
            continue
        si = sum(s * y[i, s] for s in allowed_of[i])
        sj = sum(s * y[j, s] for s in allowed_of[j])
        if require_all:
            model.add(si < sj)
        else:
            assert placed is not None
            pi = placed[sorted(active).index(i)]
            pj = placed[sorted(active).index(j)]
            model.add(si < sj).only_enforce_if([pi, pj])

    if fairness_d >= 0 and breaks:
        if require_all and any(isinstance(b, int) for b in breaks):
            for b in breaks:
                if not isinstance(b, int):
                    model.add(b <= fairness_d)
        else:
            lo = model.new_int_var(0, n_slots, "minbreaks")
            for b in breaks:
                model.add(lo <= b)
                model.add(b <= lo + fairness_d)
    return _Model(model, y, placed, breaks, order)


def _session_counts(
    model: cp_model.CpModel,
    problem: CoreProblem,
    ms: Sequence[int],
    allowed_of: Mapping[int, tuple[int, ...]],
    x: Sequence[cp_model.IntVar | int],
) -> None:
    """Implied: a participant is busy in a set of slots at least as often as it has meetings
    that can only go there, and at most as often as it has meetings that can go there."""
    groups = {frozenset(allowed_of[i]) for i in ms}
    for g in groups:
        if len(g) == problem.n_slots:
            continue
        inside = sum(1 for i in ms if set(allowed_of[i]) <= g)
        touching = sum(1 for i in ms if g.intersection(allowed_of[i]))
        busy = sum(x[s] for s in g)
        model.add(busy >= inside)
        model.add(busy <= touching)


def _block_breaks(
    model: cp_model.CpModel, problem: CoreProblem, p: int, x: Sequence[cp_model.IntVar | int]
) -> cp_model.LinearExprT:
    """Breaks as block starts minus days met (any number of days)."""
    starts: list[cp_model.IntVar] = []
    day_used: dict[int, list[cp_model.IntVar]] = {}
    for s, xs_ in enumerate(x):
        if isinstance(xs_, int):
            continue
        day_used.setdefault(problem.day_of[s], []).append(xs_)
        prev = x[s - 1] if problem.adjacent(s) else 0
        if isinstance(prev, int):
            starts.append(xs_)
            continue
        z = model.new_bool_var(f"z{p}_{s}")
        model.add(z >= xs_ - prev)
        model.add(z <= xs_)
        model.add(z <= 1 - prev)
        starts.append(z)
    days = []
    for lits in day_used.values():
        d = model.new_bool_var(f"day{p}")
        model.add_max_equality(d, lits)
        days.append(d)
    return sum(starts) - sum(days)


def _one_day_breaks(
    model: cp_model.CpModel,
    p: int,
    x: Sequence[cp_model.IntVar | int],
    n_meet: int,
) -> tuple[cp_model.LinearExprT, list[cp_model.IntVar]]:
    """Breaks of a participant with ``n_meet >= 2`` meetings on one day, with order-encoded
    first / last busy slot (``after[s]``: first <= s; ``before[s]``: last >= s), the idle slots
    inside its span, and the implied links between them."""
    n = len(x)
    after = [model.new_bool_var(f"a{p}_{s}") for s in range(n)]
    before = [model.new_bool_var(f"b{p}_{s}") for s in range(n)]
    for s in range(n):
        model.add(after[s] >= x[s])
        model.add(before[s] >= x[s])
        if s > 0:
            model.add(after[s] >= after[s - 1])
            model.add(after[s] <= after[s - 1] + x[s])
        else:
            model.add(after[s] <= x[s])
        if s < n - 1:
            model.add(before[s] >= before[s + 1])
            model.add(before[s] <= before[s + 1] + x[s])
        else:
            model.add(before[s] <= x[s])
    for s in range(n):
        first_here = after[s] - (after[s - 1] if s > 0 else 0)
        if s + n_meet - 1 < n:
            model.add(first_here <= before[s + n_meet - 1])
        else:
            model.add(first_here == 0)
        last_here = before[s] - (before[s + 1] if s < n - 1 else 0)
        if s - n_meet + 1 >= 0:
            model.add(last_here <= after[s - n_meet + 1])
        else:
            model.add(last_here == 0)
    hole = [after[s] + before[s] - 1 - x[s] for s in range(n)]
    hstart = []
    for s in range(1, n - 1):
        hv = model.new_bool_var(f"h{p}_{s}")
        model.add(hv == hole[s])
        hstart.append((s, hv))
    b = model.new_int_var(0, max(0, (n - n_meet + 1) // 1), f"breaks{p}")
    starts = []
    prev_h: cp_model.IntVar | None = None
    for _, hv in hstart:
        if prev_h is None:
            starts.append(hv)
        else:
            st = model.new_bool_var("")
            model.add(st >= hv - prev_h)
            model.add(st <= hv)
            model.add(st <= 1 - prev_h)
            starts.append(st)
        model.add(b >= hv)
        prev_h = hv
    model.add(b == sum(starts))
    model.add(b <= sum(h for _, h in hstart))
    return b, after


def _solver(time_limit_s: float, seed: int, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    return solver


def _read_slots(solver: cp_model.CpSolver, mdl: _Model, n: int) -> list[int | None]:
    slots: list[int | None] = [None] * n
    for (i, s), v in mdl.y.items():
        if solver.boolean_value(v):
            slots[i] = s
    return slots


STRONG_MAX = 8
MAXSAT_SHARE = 0.3
RACE_SHARE = 0.75
CPSAT_MAX_MEETINGS = 1000
SAT_SHARE = 0.9


def _feasible_at(
    problem: CoreProblem,
    k: int | None,
    *,
    d: int,
    pins: Mapping[int, int],
    hint: Sequence[int | None],
    time_limit_s: float,
    seed: int,
    workers: int,
) -> tuple[Any, list[int | None] | None]:
    mdl = _build(
        problem, fairness_d=d, require_all=True, keep=pins, strong=k is not None and k <= STRONG_MAX
    )
    if k is not None:
        mdl.model.add(sum(mdl.breaks) <= k)
    for (i, s), v in mdl.y.items():
        if hint[i] is not None:
            mdl.model.add_hint(v, hint[i] == s)
    solver = _solver(time_limit_s, seed, workers)
    status = solver.solve(mdl.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, _read_slots(solver, mdl, len(problem.meetings))
    return status, None


def _minimise(
    problem: CoreProblem,
    *,
    d: int,
    pins: Mapping[int, int],
    hint: Sequence[int | None],
    time_limit_s: float,
    seed: int,
    workers: int,
) -> tuple[list[int | None] | None, int]:
    """Plain objective minimisation from a hint: the best schedule found and a proved bound."""
    mdl = _build(problem, fairness_d=d, require_all=True, keep=pins, strong=False)
    mdl.model.minimize(cp_model.LinearExpr.sum(mdl.breaks))
    for (i, s), v in mdl.y.items():
        if hint[i] is not None:
            mdl.model.add_hint(v, hint[i] == s)
    solver = _solver(time_limit_s, seed, workers)
    status = solver.solve(mdl.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = int(-(-solver.best_objective_bound // 1))
        return _read_slots(solver, mdl, len(problem.meetings)), bound
    return None, 0


def _max_placement(
    problem: CoreProblem,
    *,
    d: int,
    pins: Mapping[int, int],
    time_limit_s: float,
    seed: int,
    workers: int,
) -> tuple[list[int | None], bool]:
    """Largest priority-weighted set of meetings that fits (fairness kept); breaks second."""
    mdl = _build(problem, fairness_d=d, require_all=False, keep=pins)
    assert mdl.placed is not None
    weights = [m.weight for m in problem.meetings]
    scale = problem.n_participants * (problem.n_slots + 1)
    gain = cp_model.LinearExpr.weighted_sum(mdl.placed, [scale * w for w in weights])
    mdl.model.maximize(gain - cp_model.LinearExpr.sum(mdl.breaks))
    start = greedy_slots(problem)
    for (i, s), v in mdl.y.items():
        mdl.model.add_hint(v, start[i] == s)
    solver = _solver(time_limit_s, seed, workers)
    status = solver.solve(mdl.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _read_slots(solver, mdl, len(problem.meetings)), status == cp_model.OPTIMAL
    return start, False


def solve_core(
    problem: CoreProblem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    fairness_d: int | None = None,
    keep: Mapping[int, int] | None = None,
    hint: Sequence[int | None] | None = None,
    workers: int = 2,
) -> CoreResult:
    """Schedule ``problem``: place all meetings if possible, with the fewest fair breaks.

    Search: lower bound ``lb`` from :func:`break_lower_bounds`; then feasibility problems
    "all meetings placed, fair, total breaks <= k" for k = lb, lb+1, lb+2, lb+4, ... (a proof
    of infeasibility raises the bound), then the remaining time tries to close the gap from above.
    If placing every meeting is proved impossible, the largest priority-weighted set is placed.

    Parameters
    ----------
    problem: the problem.
    time_limit_s: wall-clock budget; the best schedule found so far is returned when it ends.
    seed: random seed of the search.
    fairness_d: break fairness bound; default ``problem.fairness_d``; ``-1`` disables it.
    keep: meetings pinned to a slot (re-scheduling); they are treated as fixed.
    hint: a schedule to start from.
    workers: CP-SAT worker threads.

    Returns
    -------
    A :class:`CoreResult`.
    """
    t0 = time.monotonic()
    d = problem.fairness_d if fairness_d is None else fairness_d
    pins = dict(keep or {})
    n = len(problem.meetings)
    lb = sum(break_lower_bounds(problem)) if not pins else 0
    start = list(hint) if hint is not None else _seed(problem, d)
    notes: list[str] = []

    def left() -> float:
        return time_limit_s - (time.monotonic() - t0)

    rc2_done = False
    no_fair = False
    if localsearch.applicable(problem):
        use_rc2 = maxsat.applicable(problem, d)
        race = portfolio.race(
            problem,
            start,
            d=d,
            lower_bound=lb,
            time_limit_s=time_limit_s * RACE_SHARE,
            pins=pins,
            seed=seed,
            use_rc2=use_rc2,
        )
        notes.extend(race.notes)
        if race.slots is not None and race.proved_optimal:
            return _proved(problem, race.slots, t0, notes)
        lb = max(lb, race.lower_bound)
        rc2_done, no_fair = use_rc2, race.infeasible
        start = race.slots if race.slots is not None else race.best_partial
    if maxsat.applicable(problem, d) and not rc2_done and time_limit_s * MAXSAT_SHARE > 0.05:
        ms = maxsat.solve_maxsat(problem, d=d, time_limit_s=time_limit_s * MAXSAT_SHARE, pins=pins)
        if ms.slots is not None and _fair(problem, ms.slots, d):
            return _proved(problem, ms.slots, t0, notes)
        no_fair = ms.infeasible
        if not ms.infeasible:
            lb = max(lb, ms.lower_bound)
            notes.append(f"maxsat: proved lower bound {ms.lower_bound} before its time share ended")
        rc2_done = True
    if rc2_done and not no_fair and left() > 0.05:
        complete = all(s is not None for s in start)
        fair_start = complete and _fair(problem, start, d)
        agrees_pins = all(start[i] == s for i, s in pins.items())
        sat = satsearch.solve_bounded(
            problem,
            d=d,
            lower_bound=lb,
            time_limit_s=left() * SAT_SHARE,
            pins=pins,
            incumbent=start if fair_start and agrees_pins else None,
        )
        lb = max(lb, sat.lower_bound)
        if sat.slots is not None and sat.proved_optimal:
            return _proved(problem, sat.slots, t0, notes)
        if sat.slots is not None:
            start = sat.slots
            notes.append(f"sat: best total {sum(participant_breaks(problem, start))}, bound {lb}")
    best: list[int | None] | None = None
    agrees = all(start[i] == s for i, s in pins.items())
    if start and agrees and all(s is not None for s in start) and _fair(problem, start, d):
        best = start
    best_total = sum(participant_breaks(problem, best)) if best is not None else None
    proved_impossible = False
    if best is None:
        status, slots = _feasible_at(
            problem,
            None,
            d=d,
            pins=pins,
            hint=start,
            time_limit_s=max(0.5, left() * 0.3),
            seed=seed,
            workers=workers,
        )
        if slots is not None:
            best = slots
            best_total = sum(participant_breaks(problem, slots))
        elif status == cp_model.INFEASIBLE:
            proved_impossible = True
    k = lb
    step = 1
    cap = problem.n_participants * (problem.n_slots + 1)
    while not proved_impossible and left() > 0.05 and best_total is None:
        bound: int | None = k if k < cap else None
        budget = left() if bound is None else max(0.5, left() / 2)
        status, slots = _feasible_at(
            problem,
            bound,
            d=d,
            pins=pins,
            hint=best or start,
            time_limit_s=min(budget, left()),
            seed=seed,
            workers=workers,
        )
        if slots is not None:
            best = slots
            best_total = sum(participant_breaks(problem, slots))
            break
        if status == cp_model.INFEASIBLE:
            if bound is None:
                proved_impossible = True
                break
            lb = max(lb, k + 1)
        k = min(cap, k + step)
        step *= 2
    if best is not None and best_total is not None:
        lo, hi = lb, best_total
        minimised = False
        first = True
        while lo < hi and left() > 0.05 and n <= CPSAT_MAX_MEETINGS:
            k2 = lo if first else (lo + hi - 1) // 2
            budget = left() / 3 if first else (left() if hi - lo == 1 else left() / 2)
            first = False
            status, slots = _feasible_at(
                problem,
                k2,
                d=d,
                pins=pins,
                hint=best,
                time_limit_s=max(0.2, min(budget, left())),
                seed=seed,
                workers=workers,
            )
            if slots is not None:
                best = slots
                hi = best_total = sum(participant_breaks(problem, slots))
                continue
            if status == cp_model.INFEASIBLE:
                lb = max(lb, k2 + 1)
            lo = k2 + 1
            if not minimised and lo < hi and left() > 1.0:
                minimised = True
                found, bound = _minimise(
                    problem,
                    d=d,
                    pins=pins,
                    hint=best,
                    time_limit_s=left() / 2,
                    seed=seed,
                    workers=workers,
                )
                lb = max(lb, bound)
                lo = max(lo, lb)
                if found is not None and sum(participant_breaks(problem, found)) < hi:
                    best = found
                    hi = best_total = sum(participant_breaks(problem, found))
        br = participant_breaks(problem, best)
        total = sum(br)
        return CoreResult(
            slots=best,
            breaks=br,
            lower_bound=min(lb, total),
            proved_optimal=total <= lb,
            all_placed_proved_impossible=False,
            seconds=time.monotonic() - t0,
            status="optimal" if total <= lb else "feasible",
            notes=notes,
        )
    if proved_impossible:
        slots2, proved = _max_placement(
            problem, d=d, pins=pins, time_limit_s=max(1.0, left()), seed=seed, workers=workers
        )
        br = participant_breaks(problem, slots2)
        return CoreResult(
            slots=slots2,
            breaks=br,
            lower_bound=0,
            proved_optimal=proved,
            all_placed_proved_impossible=True,
            seconds=time.monotonic() - t0,
            status="partial",
            notes=notes,
        )
    fallback: list[int | None] = start
    if not _fair(problem, start, d) or any(start[i] != s for i, s in pins.items()):
        fallback = compact_greedy(problem, max_breaks=d) if d >= 0 else start
        if not _fair(problem, fallback, d) or any(fallback[i] != s for i, s in pins.items()):
            fallback = [None] * n
    return CoreResult(
        slots=fallback,
        breaks=participant_breaks(problem, fallback),
        lower_bound=lb,
        proved_optimal=False,
        all_placed_proved_impossible=False,
        seconds=time.monotonic() - t0,
        status="unknown",
        notes=[
            "time ran out before a complete schedule was found; returning a fair partial "
            "greedy schedule"
        ],
    )


def _seed(problem: CoreProblem, d: int) -> list[int | None]:
    """The better of the two greedy schedules: more placed, then fair, then fewer breaks."""

    def key(slots: list[int | None]) -> tuple[int, bool, int]:
        placed = sum(s is not None for s in slots)
        return (placed, _fair(problem, slots, d), -sum(participant_breaks(problem, slots)))

    return max([compact_greedy(problem), greedy_slots(problem)], key=key)


def _proved(
    problem: CoreProblem, slots: list[int | None], t0: float, notes: list[str]
) -> CoreResult:
    """The result for a schedule proved optimal (by RC2 or the bounded SAT phase)."""
    br = participant_breaks(problem, slots)
    return CoreResult(
        slots=slots,
        breaks=br,
        lower_bound=sum(br),
        proved_optimal=True,
        all_placed_proved_impossible=False,
        seconds=time.monotonic() - t0,
        status="optimal",
        notes=notes,
    )


def _fair(problem: CoreProblem, slots: Sequence[int | None], d: int) -> bool:
    if d < 0:
        return True
    br = participant_breaks(problem, slots)
    return not br or max(br) - min(br) <= d


class Unplaced(BaseModel):
    """A meeting the schedule leaves out, and why."""

    model_config = ConfigDict(extra="forbid")

    meeting: str
    reason: str


class ScheduleResult(BaseModel):
    """The scheduler's answer for an event."""

    model_config = ConfigDict(extra="forbid")

    event_id: str
    placements: list[Placement]
    unplaced: list[Unplaced] = Field(default_factory=list)
    placed: int
    total: int
    total_breaks: int
    breaks: dict[str, int]
    breaks_min: int
    breaks_max: int
    lower_bound: int
    proved_optimal: bool
    seconds: float
    status: str
    moved: int | None = None
    notes: list[str] = Field(default_factory=list)


def unplaced_reasons(comp: Compiled, slots: Sequence[int | None]) -> list[Unplaced]:
    """A reason for every meeting left out of ``slots``, most specific first."""
    problem = comp.problem
    people = [p.id for p in comp.event.participants]
    out = []
    for i, s in enumerate(slots):
        if s is not None:
            continue
        m = problem.meetings[i]
        mid = comp.meetings[i].id
        reason = ""
        if not m.allowed:
            reason = (
                f"no slot is open to both '{people[m.a]}' and '{people[m.b]}' "
                "(sessions, forbidden or fixed slot)"
            )
        for p in (m.a, m.b):
            if reason:
                break
            mine = problem.meetings_of[p]
            avail = {x for k in mine for x in problem.meetings[k].allowed}
            if len(mine) > len(avail):
                reason = (
                    f"participant '{people[p]}' has {len(mine)} meetings but only "
                    f"{len(avail)} available slots"
                )
        if not reason:
            free = [x for x in m.allowed if sum(1 for y in slots if y == x) < problem.capacity[x]]
            reason = (
                "no common free slot is left for both participants within the tables, "
                f"precedences and fairness (d = {problem.fairness_d}); "
                f"{len(free)} of its {len(m.allowed)} allowed slots still have a free table"
            )
        out.append(Unplaced(meeting=mid, reason=reason))
    return out


def result_for(
    comp: Compiled,
    core: CoreResult,
    *,
    keep_tables: dict[int, str] | None = None,
    previous: dict[str, str] | None = None,
) -> ScheduleResult:
    """Turn an engine result into a :class:`ScheduleResult` with tables and reasons."""
    tables = assign_tables(comp, core.slots, keep=keep_tables)
    placements = [
        Placement(meeting=comp.meetings[i].id, slot=comp.slot_id(s), table=tables[i])
        for i, s in enumerate(core.slots)
        if s is not None
    ]
    people = [p.id for p in comp.event.participants]
    br = core.breaks or [0] * len(people)
    moved = None
    if previous is not None:
        moved = sum(
            1 for p in placements if p.meeting in previous and previous[p.meeting] != p.slot
        )
    return ScheduleResult(
        event_id=comp.event.id,
        placements=placements,
        unplaced=unplaced_reasons(comp, core.slots),
        placed=core.placed,
        total=len(comp.meetings),
        total_breaks=sum(br),
        breaks=dict(zip(people, br, strict=True)),
        breaks_min=min(br, default=0),
        breaks_max=max(br, default=0),
        lower_bound=core.lower_bound,
        proved_optimal=core.proved_optimal,
        seconds=round(core.seconds, 3),
        status=core.status,
        moved=moved,
        notes=core.notes,
    )


def schedule(
    event: Event,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    fairness_d: int | None = None,
    workers: int = 2,
) -> ScheduleResult:
    """Schedule every accepted meeting of ``event`` (fixed meetings stay fixed).

    Parameters
    ----------
    event: the event.
    time_limit_s: wall-clock budget; the best schedule found so far is returned when it ends.
    seed: search seed.
    fairness_d: fairness bound (default ``event.fairness_d``).
    workers: solver threads.

    Returns
    -------
    The :class:`ScheduleResult`: placements with tables, unplaced meetings with reasons, breaks
    per participant, lower bound, whether optimality is proven, wall time.

    Example
    -------
    >>> from matchmaker.scheduling.b2b_format import parse_b2b, b2b_to_event
    >>> ev = b2b_to_event(parse_b2b({"name": "x", "n_participants": 2, "n_slots": 2,
    ...     "n_morning_slots": 2, "slots": ["AM", "AM"], "tables": 1,
    ...     "meetings": [{"p": [0, 1]}], "forbidden": [[0], []]}))
    >>> [(p.meeting, p.slot, p.table) for p in schedule(ev, time_limit_s=5).placements]
    [('m0', 's1', 't1')]
    """
    comp = Compiled(event)
    core = solve_core(
        comp.problem,
        time_limit_s=time_limit_s,
        seed=seed,
        fairness_d=fairness_d if fairness_d is not None else event.fairness_d,
        workers=workers,
    )
    return result_for(comp, core)
