from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from matchmaker.scheduling.model import (
    Compiled,
    Event,
    MeetingRequest,
    RequestStatus,
    Slot,
)
from matchmaker.scheduling.solver import schedule
from matchmaker.scheduling.validate import validate_event
from tests.scheduling.conftest import make_event


def test_errors_name_the_field() -> None:
    data = make_event(3, [(0, 1)]).model_dump(mode="json")
    data["meetings"][0]["participants"] = ["p0", "ghost"]
    with pytest.raises(ValidationError, match=r"meetings\[0\].participants: unknown participant"):
        Event.model_validate(data)
    data = make_event(3, [(0, 1)]).model_dump(mode="json")
    data["slots"][2]["session"] = "pm"
    with pytest.raises(ValidationError, match=r"slots\[2\].session: unknown session 'pm'"):
        Event.model_validate(data)
    data = make_event(3, [(0, 1)]).model_dump(mode="json")
    data["timezone"] = "Mars/Olympus"
    with pytest.raises(ValidationError, match="unknown time zone"):
        Event.model_validate(data)
    with pytest.raises(ValidationError, match="not after start"):
        Slot(id="x", day=dt.date(2026, 1, 1), start=dt.time(10), end=dt.time(9), session="am")


def test_accepted_requests_become_meetings_and_json_roundtrip() -> None:
    ev = make_event(3, [(0, 1)])
    ev.requests = [
        MeetingRequest(id="r1", requester="p2", invitee="p0", status=RequestStatus.ACCEPTED),
        MeetingRequest(id="r2", requester="p2", invitee="p1", status=RequestStatus.DECLINED),
    ]
    assert [m.id for m in ev.accepted_meetings()] == ["m0", "req-r1"]
    assert Event.model_validate_json(ev.model_dump_json()) == ev


def test_tables_per_slot_and_sessions_attended() -> None:
    ev = make_event(6, [(0, 1), (2, 3), (4, 5)], n_slots=2, n_tables=2)
    ev.slots[0].tables = ["t0"]
    comp = Compiled(ev)
    assert comp.problem.capacity == (1, 2)
    res = schedule(ev, time_limit_s=10)
    assert res.placed == 3
    ev.schedule = res.placements
    rep = validate_event(ev)
    assert rep.ok, rep.violations
    assert sum(p.slot == "s0" for p in res.placements) == 1


def test_two_day_event_counts_no_break_overnight() -> None:
    ev = make_event(2, [(0, 1)], n_slots=2)
    data = ev.model_dump(mode="json")
    data["slots"][1]["day"] = "2026-03-11"
    data["meetings"].append({"id": "m1", "participants": ["p1", "p0"]})
    ev2 = Event.model_validate(data)
    res = schedule(ev2, time_limit_s=10)
    assert res.placed == 2
    assert res.total_breaks == 0
    assert Compiled(ev2).problem.day_of == (0, 1)
