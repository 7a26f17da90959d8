"""The strict validator: every constraint of a schedule, and its breaks, checked independently of
the solver."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from matchmaker.scheduling.core import CoreProblem, participant_breaks
from matchmaker.scheduling.model import Compiled, Event, Placement


@dataclass(slots=True)
class Report:
    """``violations`` is empty for a valid schedule; ``breaks[p]`` per participant."""

    violations: list[str] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    placed: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def total_breaks(self) -> int:
        return sum(self.breaks)


def validate_core(
    problem: CoreProblem,
    slots: Sequence[int | None],
    *,
    require_all: bool = True,
    fairness_d: int | None = None,
) -> Report:
    """Check ``slots`` (slot of each meeting, ``None`` = unplaced) against ``problem``.

    Checks: length, slot range, allowed slots (sessions, fixed, forbidden), one meeting per
    participant per slot, tables per slot, precedences, fairness, and (with ``require_all``) that
    every meeting is placed.

    Example
    -------
    >>> from matchmaker.scheduling.core import CoreMeeting
    >>> p = CoreProblem(2, 2, (1, 1), (CoreMeeting(0, 1, (0, 1)),))
    >>> validate_core(p, [0]).ok
    True
    """
    rep = Report()
    if len(slots) != len(problem.meetings):
        rep.violations.append(
            f"schedule has {len(slots)} entries for {len(problem.meetings)} meetings"
        )
        return rep
    busy: Counter[tuple[int, int]] = Counter()
    load: Counter[int] = Counter()
    for i, (m, s) in enumerate(zip(problem.meetings, slots, strict=True)):
        if s is None:
            if require_all:
                rep.violations.append(f"meeting {i} is not placed")
            continue
        rep.placed += 1
        if not 0 <= s < problem.n_slots:
            rep.violations.append(f"meeting {i}: slot {s} out of range")
            continue
        if s not in m.allowed:
            rep.violations.append(f"meeting {i}: slot {s} not allowed (session/fixed/forbidden)")
        busy[m.a, s] += 1
        busy[m.b, s] += 1
        load[s] += 1
    for (p, s), c in sorted(busy.items()):
        if c > 1:
            rep.violations.append(f"participant {p} has {c} meetings in slot {s}")
    for s, c in sorted(load.items()):
        if 0 <= s < problem.n_slots and c > problem.capacity[s]:
            rep.violations.append(f"slot {s}: {c} meetings but {problem.capacity[s]} tables")
    for i, j in problem.precedences:
        si, sj = slots[i], slots[j]
        if si is not None and sj is not None and not si < sj:
            rep.violations.append(f"precedence: meeting {i} (slot {si}) not before {j} (slot {sj})")
    in_range = [s if s is not None and 0 <= s < problem.n_slots else None for s in slots]
    rep.breaks = participant_breaks(problem, in_range)
    d = problem.fairness_d if fairness_d is None else fairness_d
    if d >= 0 and rep.breaks and max(rep.breaks) - min(rep.breaks) > d:
        rep.violations.append(
            f"fairness: breaks range {min(rep.breaks)}..{max(rep.breaks)} exceeds d = {d}"
        )
    return rep


def validate_event(event: Event, schedule: Sequence[Placement] | None = None) -> Report:
    """Check a schedule (default: ``event.schedule``) against the event, tables included.

    Besides :func:`validate_core`'s checks (by id): every placement names a known meeting once,
    every placed meeting has a table open in its slot and no table hosts two meetings at once.
    Unplaced meetings are not violations here (the scheduler reports them with reasons).
    """
    plan = list(event.schedule if schedule is None else schedule)
    comp = Compiled(event)
    rep = Report()
    slots: list[int | None] = [None] * len(comp.meetings)
    seen: set[str] = set()
    used_tables: set[tuple[str, str]] = set()
    for pl in plan:
        if pl.meeting in seen:
            rep.violations.append(f"meeting '{pl.meeting}' placed twice")
            continue
        seen.add(pl.meeting)
        if pl.meeting not in comp.meeting_index or pl.slot not in comp.slot_index:
            rep.violations.append(f"placement of '{pl.meeting}' names an unknown meeting or slot")
            continue
        slots[comp.meeting_index[pl.meeting]] = comp.slot_index[pl.slot]
        slot = comp.slots[comp.slot_index[pl.slot]]
        if pl.table is None:
            rep.violations.append(f"meeting '{pl.meeting}' has no table")
        elif pl.table not in event.tables_in(slot):
            rep.violations.append(
                f"meeting '{pl.meeting}': table '{pl.table}' not open in '{slot.id}'"
            )
        elif (pl.slot, pl.table) in used_tables:
            rep.violations.append(f"table '{pl.table}' hosts two meetings in slot '{pl.slot}'")
        else:
            used_tables.add((pl.slot, pl.table))
    core = validate_core(comp.problem, slots, require_all=False)
    people = [p.id for p in event.participants]
    names = {str(i): m.id for i, m in enumerate(comp.meetings)}
    for v in core.violations:
        rep.violations.append(_rename(v, people, names, [s.id for s in comp.slots]))
    rep.breaks = core.breaks
    rep.placed = core.placed
    return rep


def _rename(text: str, people: list[str], meetings: dict[str, str], slots: list[str]) -> str:
    words = text.split(" ")
    out = []
    for k, w in enumerate(words):
        prev = words[k - 1] if k else ""
        core = w.rstrip(":,)")
        tail = w[len(core) :]
        if core.isdigit():
            n = int(core)
            if prev == "participant" and n < len(people):
                w = f"'{people[n]}'{tail}"
            elif prev in ("meeting", "before") and core in meetings:
                w = f"'{meetings[core]}'{tail}"
            elif prev in ("slot", "(slot") and n < len(slots):
                w = f"'{slots[n]}'{tail}"
        out.append(w)
    return " ".join(out)
