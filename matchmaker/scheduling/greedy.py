"""The plain baseline: meetings in input order, each in its earliest feasible slot."""

from __future__ import annotations

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
