"""Fill mode: add proposed meetings into free slots without moving accepted ones."""

from __future__ import annotations

from collections.abc import Iterable

from matchmaker.scheduling.model import Compiled, Event, Meeting, Placement


def fill(
    event: Event,
    proposals: Iterable[tuple[str, str, float]],
    *,
    default_max: int | None = None,
) -> tuple[Event, list[Placement]]:
    """Add proposed meetings (best score first) into free slots of the current schedule.

    Each proposal ``(participant_a, participant_b, score)`` (e.g. from the matching engine's
    ``b2b-event`` profile) becomes a meeting when both are free in a common allowed slot with a
    free table, neither has reached its ``max_meetings`` (or ``default_max``), and the pair does
    not meet already. Accepted meetings keep their slots and tables. The slot chosen is the one
    adjacent to most of the two participants' meetings (fewest new breaks), then the earliest.

    Returns
    -------
    The event with the new meetings and the extended schedule, and the new placements.
    """
    comp = Compiled(event)
    problem = comp.problem
    people = comp.person_index
    busy: set[tuple[int, int]] = set()
    load = [0] * problem.n_slots
    count = [0] * problem.n_participants
    used_tables: set[tuple[str, str]] = set()
    for pl in event.schedule:
        if pl.meeting not in comp.meeting_index:
            continue
        i = comp.meeting_index[pl.meeting]
        s = comp.slot_index[pl.slot]
        m = problem.meetings[i]
        busy.update({(m.a, s), (m.b, s)})
        load[s] += 1
        if pl.table:
            used_tables.add((pl.slot, pl.table))
    for m in problem.meetings:
        count[m.a] += 1
        count[m.b] += 1
    pairs = {frozenset(m.participants) for m in comp.meetings}
    new_meetings: list[Meeting] = []
    new_places: list[Placement] = []
    ranked = sorted(proposals, key=lambda x: (-x[2], x[0], x[1]))
    for a_id, b_id, _score in ranked:
        if a_id not in people or b_id not in people or a_id == b_id:
            continue
        if frozenset((a_id, b_id)) in pairs:
            continue
        a, b = people[a_id], people[b_id]
        if any(
            count[p] >= (event.participants[p].max_meetings or default_max or problem.n_slots)
            for p in (a, b)
        ):
            continue
        cands = [
            s
            for s in range(problem.n_slots)
            if s not in comp.forbidden[a]
            and s not in comp.forbidden[b]
            and (a, s) not in busy
            and (b, s) not in busy
            and load[s] < problem.capacity[s]
        ]
        if not cands:
            continue

        def adjacency(s: int, a: int = a, b: int = b) -> int:
            return sum((p, t) in busy for p in (a, b) for t in (s - 1, s + 1))

        s = max(cands, key=lambda s: (adjacency(s), -s))
        slot = comp.slots[s]
        table = next(t for t in event.tables_in(slot) if (slot.id, t) not in used_tables)
        used_tables.add((slot.id, table))
        busy.update({(a, s), (b, s)})
        load[s] += 1
        count[a] += 1
        count[b] += 1
        pairs.add(frozenset((a_id, b_id)))
        mid = f"fill-{len(comp.meetings) + len(new_meetings)}"
        new_meetings.append(Meeting(id=mid, participants=[a_id, b_id]))
        new_places.append(Placement(meeting=mid, slot=slot.id, table=table))
    updated = event.model_copy(deep=True)
    updated = Event.model_validate(
        {
            **updated.model_dump(mode="json"),
            "meetings": [m.model_dump(mode="json") for m in (*event.meetings, *new_meetings)],
            "schedule": [p.model_dump(mode="json") for p in (*event.schedule, *new_places)],
        }
    )
    return updated, new_places
