"""The B2B event model: one JSON document per event.

An :class:`Event` has days of time :class:`Slot` s (real start and end times; gaps between slots are
the breaks of the programme), grouped into :class:`Session` s, a set of :class:`Table` s (each slot
may offer only some of them), :class:`Participant` s with their availability, meeting requests and
accepted :class:`Meeting` s, optional precedences and the current schedule (:class:`Placement` s).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from matchmaker.models import Identifier, LongText, Name, ShortText, Strict
from matchmaker.scheduling.core import CoreMeeting, CoreProblem

Priority = Annotated[int, Field(ge=1, le=100)]


class Session(Strict):
    """A named part of the programme, e.g. ``am`` / ``pm`` of one day."""

    id: Identifier
    name: Name


class Slot(Strict):
    """A meeting slot. ``tables`` lists the tables open in it (``None``: all of the event's)."""

    id: Identifier
    day: dt.date
    start: dt.time
    end: dt.time
    session: Identifier
    tables: list[Identifier] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"slot '{self.id}': end {self.end} is not after start {self.start}")
        return self


class Table(Strict):
    """A table or named meeting location."""

    id: Identifier
    name: Name


class Participant(Strict):
    """An attendee.

    ``sessions``: the sessions it attends (``None``: all); ``forbidden_slots``: slots it cannot
    meet in; ``max_meetings``: cap used by fill mode; ``host``: stays at one table where possible.
    """

    id: Identifier
    name: Name
    actor_id: Identifier | None = None
    email: ShortText = ""
    sessions: list[Identifier] | None = None
    forbidden_slots: list[Identifier] = Field(default_factory=list)
    max_meetings: Annotated[int, Field(ge=0)] | None = None
    host: bool = False


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingRequest(Strict):
    """A request by ``requester`` to meet ``invitee``; accepted requests become meetings."""

    id: Identifier
    requester: Identifier
    invitee: Identifier
    priority: Priority = 1
    message: LongText = ""
    status: RequestStatus = RequestStatus.REQUESTED


class Meeting(Strict):
    """An accepted meeting. ``fixed_slot``: pinned by the organiser; ``session``: must be in it."""

    id: Identifier
    participants: Annotated[list[Identifier], Field(min_length=2, max_length=2)]
    priority: Priority = 1
    session: Identifier | None = None
    fixed_slot: Identifier | None = None
    request_id: Identifier | None = None

    @field_validator("participants")
    @classmethod
    def _two(cls, value: list[str]) -> list[str]:
        if value[0] == value[1]:
            raise ValueError(f"a participant cannot meet itself ('{value[0]}')")
        return value


class Placement(Strict):
    """Where and when a meeting takes place."""

    meeting: Identifier
    slot: Identifier
    table: Identifier | None = None


class Event(Strict):
    """A brokerage event (serialises to one JSON document)."""

    id: Identifier
    name: Name
    timezone: str = "Europe/Brussels"
    location: ShortText = ""
    fairness_d: Annotated[int, Field(ge=0)] = 2
    sessions: list[Session]
    slots: list[Slot] = Field(min_length=1)
    tables: list[Table] = Field(min_length=1)
    participants: list[Participant]
    requests: list[MeetingRequest] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    precedences: list[Annotated[list[Identifier], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list
    )
    schedule: list[Placement] = Field(default_factory=list)
    """The current schedule. It may still name meetings that were cancelled since (re-scheduling
    drops them; :func:`~matchmaker.scheduling.validate.validate_event` reports them)."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value

    @model_validator(mode="after")
    def _references(self) -> Self:
        _unique("sessions", [s.id for s in self.sessions])
        _unique("slots", [s.id for s in self.slots])
        _unique("tables", [t.id for t in self.tables])
        _unique("participants", [p.id for p in self.participants])
        _unique("meetings", [m.id for m in self.accepted_meetings()])
        sessions = {s.id for s in self.sessions}
        slots = {s.id for s in self.slots}
        tables = {t.id for t in self.tables}
        people = {p.id for p in self.participants}
        for i, s in enumerate(self.slots):
            if s.session not in sessions:
                raise ValueError(f"slots[{i}].session: unknown session '{s.session}'")
            for t in s.tables or []:
                if t not in tables:
                    raise ValueError(f"slots[{i}].tables: unknown table '{t}'")
        for i, p in enumerate(self.participants):
            for x in p.sessions or []:
                if x not in sessions:
                    raise ValueError(f"participants[{i}].sessions: unknown session '{x}'")
            for x in p.forbidden_slots:
                if x not in slots:
                    raise ValueError(f"participants[{i}].forbidden_slots: unknown slot '{x}'")
        for i, r in enumerate(self.requests):
            for who in (r.requester, r.invitee):
                if who not in people:
                    raise ValueError(f"requests[{i}]: unknown participant '{who}'")
            if r.requester == r.invitee:
                raise ValueError(f"requests[{i}]: a participant cannot meet itself")
        ids = set()
        for i, m in enumerate(self.meetings):
            for who in m.participants:
                if who not in people:
                    raise ValueError(f"meetings[{i}].participants: unknown participant '{who}'")
            if m.session is not None and m.session not in sessions:
                raise ValueError(f"meetings[{i}].session: unknown session '{m.session}'")
            if m.fixed_slot is not None and m.fixed_slot not in slots:
                raise ValueError(f"meetings[{i}].fixed_slot: unknown slot '{m.fixed_slot}'")
            ids.add(m.id)
        ids.update(m.id for m in self.accepted_meetings())
        for i, (a, b) in enumerate(self.precedences):
            if a not in ids or b not in ids or a == b:
                raise ValueError(f"precedences[{i}]: [{a}, {b}] does not name two meetings")
        for i, pl in enumerate(self.schedule):
            if pl.slot not in slots:
                raise ValueError(f"schedule[{i}].slot: unknown slot '{pl.slot}'")
            if pl.table is not None and pl.table not in tables:
                raise ValueError(f"schedule[{i}].table: unknown table '{pl.table}'")
        return self

    def accepted_meetings(self) -> list[Meeting]:
        """The explicit meetings, then one per accepted request not already among them."""
        out = list(self.meetings)
        linked = {m.request_id for m in self.meetings if m.request_id}
        for r in self.requests:
            if r.status is RequestStatus.ACCEPTED and r.id not in linked:
                out.append(
                    Meeting(
                        id=f"req-{r.id}"[:128],
                        participants=[r.requester, r.invitee],
                        priority=r.priority,
                        request_id=r.id,
                    )
                )
        return out

    def ordered_slots(self) -> list[Slot]:
        """Slots in time order."""
        return sorted(self.slots, key=lambda s: (s.day, s.start, s.id))

    def tables_in(self, slot: Slot) -> list[str]:
        """Ids of the tables open in ``slot``."""
        return list(slot.tables) if slot.tables is not None else [t.id for t in self.tables]

    def participant(self, pid: str) -> Participant:
        """The participant with id ``pid`` (KeyError if none)."""
        for p in self.participants:
            if p.id == pid:
                return p
        raise KeyError(pid)


def _unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for x in ids:
        if x in seen:
            raise ValueError(f"{what}: id '{x}' appears twice")
        seen.add(x)


class Compiled:
    """An event compiled for the solver, with the id maps to go back."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.slots = event.ordered_slots()
        self.meetings = event.accepted_meetings()
        self.slot_index = {s.id: i for i, s in enumerate(self.slots)}
        self.person_index = {p.id: i for i, p in enumerate(event.participants)}
        self.meeting_index = {m.id: i for i, m in enumerate(self.meetings)}
        days = sorted({s.day for s in self.slots})
        day_of = [days.index(s.day) for s in self.slots]
        forbidden: list[set[int]] = [set() for _ in event.participants]
        for k, p in enumerate(event.participants):
            forbidden[k] = {self.slot_index[x] for x in p.forbidden_slots}
            if p.sessions is not None:
                attend = set(p.sessions)
                forbidden[k] |= {i for i, s in enumerate(self.slots) if s.session not in attend}
        self.forbidden = forbidden
        cms = []
        for m in self.meetings:
            a, b = (self.person_index[x] for x in m.participants)
            if m.fixed_slot is not None:
                cand = [self.slot_index[m.fixed_slot]]
            else:
                cand = [
                    i
                    for i, s in enumerate(self.slots)
                    if m.session is None or s.session == m.session
                ]
            allowed = tuple(s for s in cand if s not in forbidden[a] and s not in forbidden[b])
            cms.append(CoreMeeting(a, b, allowed, m.priority))
        self.problem = CoreProblem(
            n_participants=len(event.participants),
            n_slots=len(self.slots),
            capacity=tuple(len(event.tables_in(s)) for s in self.slots),
            meetings=tuple(cms),
            precedences=tuple(
                (self.meeting_index[a], self.meeting_index[b]) for a, b in event.precedences
            ),
            fairness_d=event.fairness_d,
            day_of=tuple(day_of),
            name=event.id,
        )

    def slot_id(self, index: int) -> str:
        """Id of the slot at position ``index`` in time order."""
        return self.slots[index].id

    def starts(self, index: int) -> tuple[dt.datetime, dt.datetime]:
        """Aware start and end of slot ``index`` in the event's time zone."""
        s = self.slots[index]
        zone = ZoneInfo(self.event.timezone)
        return (
            dt.datetime.combine(s.day, s.start, tzinfo=zone),
            dt.datetime.combine(s.day, s.end, tzinfo=zone),
        )
