from __future__ import annotations

from matchmaker.scheduling.fill import fill
from matchmaker.scheduling.model import Event, Meeting
from matchmaker.scheduling.reschedule import reschedule
from matchmaker.scheduling.solver import schedule
from matchmaker.scheduling.validate import validate_event
from tests.scheduling.conftest import make_event


def _scheduled() -> Event:
    ev = make_event(6, [(0, 1), (0, 2), (3, 4), (3, 5), (1, 2)], n_slots=4, n_tables=2)
    res = schedule(ev, time_limit_s=10)
    ev.schedule = res.placements
    assert validate_event(ev).ok
    return ev


def test_cancellation_keeps_everything_else() -> None:
    ev = _scheduled()
    before = {p.meeting: (p.slot, p.table) for p in ev.schedule}
    ev.meetings = [m for m in ev.meetings if m.id != "m2"]
    res = reschedule(ev, time_limit_s=10)
    assert res.moved == 0
    assert {p.meeting: (p.slot, p.table) for p in res.placements} == {
        k: v for k, v in before.items() if k != "m2"
    }


def test_changed_availability_moves_only_affected_meetings() -> None:
    ev = _scheduled()
    before = {p.meeting: p.slot for p in ev.schedule}
    slot_m0 = before["m0"]
    ev.participants[0].forbidden_slots = [slot_m0]
    ev.meetings.append(Meeting(id="m9", participants=["p4", "p5"]))
    res = reschedule(ev, time_limit_s=10)
    after = {p.meeting: p.slot for p in res.placements}
    assert after["m0"] != slot_m0
    assert "m9" in after
    unaffected = [m for m in before if m != "m0"]
    assert all(after[m] == before[m] for m in unaffected)
    assert res.moved == 1
    ev.schedule = res.placements
    assert validate_event(ev).ok


def test_fill_adds_proposals_without_moving_accepted() -> None:
    ev = _scheduled()
    before = list(ev.schedule)
    ev.participants[4].max_meetings = 2
    proposals = [("p4", "p5", 0.9), ("p0", "p1", 0.8), ("p4", "p2", 0.7), ("p0", "p5", 0.1)]
    filled, added = fill(ev, proposals)
    assert filled.schedule[: len(before)] == before
    pairs = {tuple(m.participants) for m in filled.meetings if m.id.startswith("fill-")}
    assert ("p0", "p1") not in pairs  # already meet
    assert ("p4", "p5") in pairs
    assert ("p4", "p2") not in pairs  # p4 reached max_meetings = 2
    assert len(added) == len(pairs)
    rep = validate_event(filled)
    assert rep.ok, rep.violations
