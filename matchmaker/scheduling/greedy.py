"""The plain baseline: meetings in input order, each in its earliest feasible slot."""

from __future__ import annotations

import itertools

from matchmaker.scheduling.core import CoreProblem


def greedy_slots(problem: CoreProblem, order: list[int] | None = None) -> list[int | None]:
    """Place meetings one by one in their earliest free slot; ``None`` where none is left.

    Respects tables per slot, allowed slots and precedences (a meeting goes after every already
    placed predecessor and before every already placed successor). Ignores breaks and fairness.

    Parameters
    ----------
    problem: the problem.
    order: the meeting order to try (default: input order).

    Returns
    -------
    The slot of each meeting in meeting order, ``None`` for the meetings it could not place.
    """
    n = len(problem.meetings)
    used = [[False] * problem.n_slots for _ in range(problem.n_participants)]
    load = [0] * problem.n_slots
    slots: list[int | None] = [None] * n
    before: list[list[int]] = [[] for _ in range(n)]
    after: list[list[int]] = [[] for _ in range(n)]
    for i, j in problem.precedences:
        after[i].append(j)
        before[j].append(i)
    for i in order if order is not None else range(n):
        m = problem.meetings[i]
        lo = max((s for k in before[i] if (s := slots[k]) is not None), default=-1)
        hi = min((s for k in after[i] if (s := slots[k]) is not None), default=problem.n_slots)
        for s in m.allowed:
            free = not used[m.a][s] and not used[m.b][s] and load[s] < problem.capacity[s]
            if lo < s < hi and free:
                slots[i] = s
                used[m.a][s] = used[m.b][s] = True
                load[s] += 1
                break
    return slots


def compact_greedy(problem: CoreProblem, max_breaks: int | None = None) -> list[int | None]:
    """A break-aware greedy used to seed the solver.

    Meetings of the busiest participants go first; each takes the free allowed slot that touches
    most of its two participants' already placed meetings (then the earliest). Respects tables,
    allowed slots and precedences like :func:`greedy_slots`. With ``max_breaks`` it never gives a
    participant more breaks than that (leaving the meeting unplaced instead), so the result is a
    valid, fair partial schedule whenever every participant may have ``max_breaks`` breaks.
    """
    n = len(problem.meetings)
    load_of = [len(ms) for ms in problem.meetings_of]
    order = sorted(
        range(n),
        key=lambda i: (
            -max(load_of[problem.meetings[i].a], load_of[problem.meetings[i].b]),
            len(problem.meetings[i].allowed),
            i,
        ),
    )
    used = [[False] * problem.n_slots for _ in range(problem.n_participants)]
    load = [0] * problem.n_slots
    slots: list[int | None] = [None] * n
    before: list[list[int]] = [[] for _ in range(n)]
    after: list[list[int]] = [[] for _ in range(n)]
    for i, j in problem.precedences:
        after[i].append(j)
        before[j].append(i)
    last = problem.n_slots - 1
    for i in order:
        m = problem.meetings[i]
        lo = max((s for k in before[i] if (s := slots[k]) is not None), default=-1)
        hi = min((s for k in after[i] if (s := slots[k]) is not None), default=problem.n_slots)
        best: tuple[int, int] | None = None
        best_s = None
        for s in m.allowed:
            if not lo < s < hi or used[m.a][s] or used[m.b][s]:
                continue
            if load[s] >= problem.capacity[s]:
                continue
            if max_breaks is not None and any(
                _breaks_with(problem, used[p], s) > max_breaks for p in (m.a, m.b)
            ):
                continue
            touch = 0
            for p in (m.a, m.b):
                touch += (s > 0 and used[p][s - 1]) + (s < last and used[p][s + 1])
            key = (touch, -s)
            if best is None or key > best:
                best, best_s = key, s
        if best_s is not None:
            slots[i] = best_s
            used[m.a][best_s] = used[m.b][best_s] = True
            load[best_s] += 1
    return slots


def _breaks_with(problem: CoreProblem, row: list[bool], extra: int) -> int:
    busy = [s for s, u in enumerate(row) if u or s == extra]
    return sum(
        1
        for u, v in itertools.pairwise(busy)
        if problem.day_of[u] == problem.day_of[v] and v != u + 1
    )
