"""The solver's view of an event: integers only.

Participants are ``0 .. n_participants-1``, slots ``0 .. n_slots-1`` in time order, meetings are
numbered in input order. Every event (:mod:`matchmaker.scheduling.model`) and every b2b-json
instance compiles to a :class:`CoreProblem`; the solver, the greedy baseline and the validator all
work on it.

Breaks
------
A participant's breaks are counted day by day: sort its meetings of one day by slot and count the
consecutive pairs that are not in adjacent slots. ``day_of[s]`` gives the day of slot ``s``; an
event on one day (all b2b-json instances) has every slot on day 0, so a gap across the AM/PM
boundary counts like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class CoreMeeting:
    """One meeting between participants ``a`` and ``b``.

    ``allowed`` lists the slots it may take (sessions, fixed slot and both participants' forbidden
    slots already applied), ascending. ``weight`` is its priority (>= 1) when not all meetings fit.
    """

    a: int
    b: int
    allowed: tuple[int, ...]
    weight: int = 1


@dataclass(frozen=True, slots=True)
class CoreProblem:
    """A meeting-scheduling problem.

    ``capacity[s]`` is the number of tables in slot ``s``; ``precedences`` holds pairs ``(i, j)``:
    meeting ``i`` in an earlier slot than meeting ``j``; ``fairness_d`` bounds the difference of
    any two participants' break counts.
    """

    n_participants: int
    n_slots: int
    capacity: tuple[int, ...]
    meetings: tuple[CoreMeeting, ...]
    precedences: tuple[tuple[int, int], ...] = ()
    fairness_d: int = 2
    day_of: tuple[int, ...] = ()
    name: str = ""
    meetings_of: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.day_of:
            object.__setattr__(self, "day_of", (0,) * self.n_slots)
        per: list[list[int]] = [[] for _ in range(self.n_participants)]
        for i, m in enumerate(self.meetings):
            per[m.a].append(i)
            per[m.b].append(i)
        object.__setattr__(self, "meetings_of", tuple(tuple(x) for x in per))

    def adjacent(self, s: int) -> bool:
        """Whether slot ``s`` directly follows slot ``s - 1`` on the same day."""
        return s > 0 and self.day_of[s] == self.day_of[s - 1]


def participant_breaks(problem: CoreProblem, slots: Sequence[int | None]) -> list[int]:
    """Breaks of each participant under ``slots`` (``None`` = meeting not placed).

    Parameters
    ----------
    problem: the problem.
    slots: the slot of each meeting, in meeting order.

    Returns
    -------
    One break count per participant.

    Example
    -------
    >>> p = CoreProblem(2, 3, (1, 1, 1), (CoreMeeting(0, 1, (0, 1, 2)),) * 2)
    >>> participant_breaks(p, [0, 2])
    [1, 1]
    """
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for m, s in zip(problem.meetings, slots, strict=True):
        if s is not None:
            busy[m.a].append(s)
            busy[m.b].append(s)
    out = []
    for ss in busy:
        ss.sort()
        out.append(
            sum(1 for u, v in pairwise(ss) if problem.day_of[u] == problem.day_of[v] and v != u + 1)
        )
    return out


def segments(problem: CoreProblem, available: Sequence[int]) -> list[int]:
    """Lengths of the maximal runs of adjacent slots in ``available`` (sorted slots)."""
    runs: list[int] = []
    prev: int | None = None
    for s in available:
        if prev is not None and s == prev + 1 and problem.adjacent(s):
            runs[-1] += 1
        else:
            runs.append(1)
        prev = s
    return runs


def break_lower_bounds(problem: CoreProblem) -> list[int]:
    """A lower bound on each participant's breaks, from where its meetings can go.

    The slots a participant can use split into runs of adjacent slots; if its meetings do not fit
    into the longest run of each day, it needs one break for every further run it has to use.
    """
    out = []
    for p in range(problem.n_participants):
        ms = problem.meetings_of[p]
        if len(ms) <= 1:
            out.append(0)
            continue
        avail = sorted({s for i in ms for s in problem.meetings[i].allowed})
        runs_by_day: dict[int, list[int]] = {}
        for s in avail:
            runs_by_day.setdefault(problem.day_of[s], []).append(s)
        free = 0
        extra: list[int] = []
        for day_slots in runs_by_day.values():
            runs = sorted(segments(problem, day_slots), reverse=True)
            free += runs[0]
            extra.extend(runs[1:])
        extra.sort(reverse=True)
        need = len(ms) - free
        breaks = 0
        for length in extra:
            if need <= 0:
                break
            need -= length
            breaks += 1
        out.append(breaks)
    return out
