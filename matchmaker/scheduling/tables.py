"""Table assignment: concrete tables for a slot assignment; hosts keep one table where possible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from matchmaker.scheduling.model import Compiled


def assign_tables(
    comp: Compiled, slots: Sequence[int | None], *, keep: dict[int, str] | None = None
) -> list[str | None]:
    """A table for each placed meeting (``None`` for unplaced ones).

    Each participant marked ``host`` (or, when no participant is, the one with the most meetings
    in each meeting) gets a home table: the first free table of its first meeting, reused in every
    later slot where it is still free. ``keep`` pins tables of meetings that did not move.

    Raises
    ------
    ValueError: a slot holds more meetings than it has tables (the slot assignment is invalid).
    """
    problem = comp.problem
    n_meet = Counter[int]()
    for m, s in zip(problem.meetings, slots, strict=True):
        if s is not None:
            n_meet[m.a] += 1
            n_meet[m.b] += 1
    hosts = {i for i, p in enumerate(comp.event.participants) if p.host}
    home: dict[int, str] = {}
    out: list[str | None] = [None] * len(slots)
    pinned = dict(keep or {})
    by_slot: dict[int, list[int]] = {}
    for i, s in enumerate(slots):
        if s is not None:
            by_slot.setdefault(s, []).append(i)
    for s in sorted(by_slot):
        free = list(comp.event.tables_in(comp.slots[s]))
        todo = []
        for i in by_slot[s]:
            t = pinned.get(i)
            if t is not None and t in free:
                out[i] = t
                free.remove(t)
            else:
                todo.append(i)
        if len(todo) > len(free):
            raise ValueError(f"slot '{comp.slots[s].id}' has more meetings than open tables")
        rest = []
        for i in todo:
            m = problem.meetings[i]
            host = _host(m.a, m.b, hosts, n_meet)
            t = home.get(host)
            if t is not None and t in free:
                out[i] = t
                free.remove(t)
            else:
                rest.append((i, host))
        for i, host in rest:
            t = free.pop(0)
            out[i] = t
            home.setdefault(host, t)
    return out


def _host(a: int, b: int, hosts: set[int], n_meet: Counter[int]) -> int:
    if (a in hosts) != (b in hosts):
        return a if a in hosts else b
    return a if (n_meet[a], -a) >= (n_meet[b], -b) else b
