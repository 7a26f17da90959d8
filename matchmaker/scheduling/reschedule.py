"""Re-scheduling after changes: keep every unaffected meeting where it was."""

from __future__ import annotations

from matchmaker.scheduling.model import Compiled, Event
from matchmaker.scheduling.solver import ScheduleResult, result_for, solve_core


def reschedule(
    event: Event, *, time_limit_s: float = 60.0, seed: int = 0, fairness_d: int | None = None
) -> ScheduleResult:
    """A new schedule for ``event`` (its meetings, availability and tables as they are now) that
    keeps every still-valid placement of ``event.schedule`` in its slot and at its table.

    A placement is kept when its meeting still exists, its slot is still allowed for the meeting,
    and keeping it conflicts with no earlier kept placement. Only the other meetings (new, or
    invalidated by cancellations and availability changes) are placed by the solver. If pinning
    makes the problem infeasible, the schedule is recomputed from scratch. ``moved`` in the result
    counts meetings whose slot changed.

    Parameters
    ----------
    event: the event with its previous ``schedule``.
    time_limit_s, seed, fairness_d: as for :func:`matchmaker.scheduling.solver.schedule`.
    """
    comp = Compiled(event)
    problem = comp.problem
    d = event.fairness_d if fairness_d is None else fairness_d
    keep: dict[int, int] = {}
    keep_tables: dict[int, str] = {}
    busy: set[tuple[int, int]] = set()
    load: dict[int, int] = {}
    previous: dict[str, str] = {}
    for pl in event.schedule:
        previous[pl.meeting] = pl.slot
        i = comp.meeting_index.get(pl.meeting)
        s = comp.slot_index.get(pl.slot)
        if i is None or s is None or i in keep:
            continue
        m = problem.meetings[i]
        if s not in m.allowed or (m.a, s) in busy or (m.b, s) in busy:
            continue
        if load.get(s, 0) >= problem.capacity[s]:
            continue
        keep[i] = s
        busy.update({(m.a, s), (m.b, s)})
        load[s] = load.get(s, 0) + 1
        if pl.table is not None:
            keep_tables[i] = pl.table
    hint = [keep.get(i) for i in range(len(problem.meetings))]
    core = solve_core(
        problem, time_limit_s=time_limit_s, seed=seed, fairness_d=d, keep=keep, hint=None
    )
    if core.placed < len(problem.meetings) and core.all_placed_proved_impossible and keep:
        free = solve_core(problem, time_limit_s=time_limit_s, seed=seed, fairness_d=d, hint=hint)
        if free.placed > core.placed:
            core = free
            core.notes.append("keeping all unaffected meetings was infeasible; moved some")
    return result_for(comp, core, keep_tables=keep_tables, previous=previous)
