"""The ``b2b-json-1`` instance format (see ``fixtures/b2b/FORMAT.md``): validate and convert."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matchmaker.errors import RowProblem, ValidationFailed
from matchmaker.scheduling.core import CoreMeeting, CoreProblem
from matchmaker.scheduling.model import Event, Meeting, Participant, Session, Slot, Table

SessionName = Literal["AM", "PM"]


class B2BMeeting(BaseModel):
    """One meeting: its two participants, a session requirement and an optional fixed slot."""

    model_config = ConfigDict(extra="forbid")

    p: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)]
    session: Literal["AM", "PM", "ANY"] = "ANY"
    fixed: Annotated[int, Field(ge=0)] | None = None


class B2BInstance(BaseModel):
    """A whole ``b2b-json-1`` instance."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["b2b-json-1"] = "b2b-json-1"
    name: str
    source: str = ""
    n_participants: Annotated[int, Field(ge=1)]
    n_slots: Annotated[int, Field(ge=1)]
    n_morning_slots: Annotated[int, Field(ge=0)]
    slots: list[SessionName]
    tables: Annotated[int, Field(ge=1)]
    fairness_d: Annotated[int, Field(ge=0)] = 2
    meetings: list[B2BMeeting]
    forbidden: list[list[Annotated[int, Field(ge=0)]]]
    precedences: list[
        Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)]
    ] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.slots) != self.n_slots:
            raise ValueError(f"slots has {len(self.slots)} entries, n_slots is {self.n_slots}")
        if self.slots.count("AM") != self.n_morning_slots:
            raise ValueError("n_morning_slots does not match the number of 'AM' slots")
        if len(self.forbidden) != self.n_participants:
            raise ValueError(
                f"forbidden has {len(self.forbidden)} entries, n_participants is "
                f"{self.n_participants}"
            )
        for i, m in enumerate(self.meetings):
            a, b = m.p
            if a == b:
                raise ValueError(f"meetings[{i}]: a participant cannot meet itself ({a})")
            if max(a, b) >= self.n_participants:
                raise ValueError(f"meetings[{i}]: participant {max(a, b)} does not exist")
            if m.fixed is not None and m.fixed >= self.n_slots:
                raise ValueError(f"meetings[{i}].fixed: slot {m.fixed} does not exist")
        for p, slots in enumerate(self.forbidden):
            if any(s >= self.n_slots for s in slots):
                raise ValueError(f"forbidden[{p}]: slot out of range 0..{self.n_slots - 1}")
        for k, (i, j) in enumerate(self.precedences):
            if max(i, j) >= len(self.meetings) or i == j:
                raise ValueError(f"precedences[{k}]: [{i}, {j}] does not name two meetings")
        return self


def read_b2b(text: str, where: str = "b2b-json") -> B2BInstance:
    """Decode and validate the text of a ``b2b-json-1`` document (the caller reads the file).

    Raises
    ------
    ValidationFailed: the text is not JSON or not a valid instance (names ``where`` and the field).

    Example
    -------
    >>> read_b2b("{not json", "x.json")
    Traceback (most recent call last):
    ...
    matchmaker.errors.ValidationFailed: x.json: not JSON: ...
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{where}: not JSON: {exc}") from exc
    return parse_b2b(data, where)


def parse_b2b(data: object, where: str = "b2b-json") -> B2BInstance:
    """Validate a decoded ``b2b-json-1`` document."""
    try:
        return B2BInstance.model_validate(data)
    except ValidationError as exc:
        problems = [
            RowProblem(None, ".".join(str(x) for x in e["loc"]) or "instance", e["msg"])
            for e in exc.errors()
        ]
        lines = "; ".join(str(p) for p in problems[:5])
        raise ValidationFailed(f"{where}: invalid b2b-json-1: {lines}", problems) from exc


def b2b_to_core(inst: B2BInstance) -> CoreProblem:
    """The solver's problem for an instance (all slots on one day)."""
    forbidden = [set(f) for f in inst.forbidden]
    meetings = []
    for m in inst.meetings:
        a, b = m.p
        if m.fixed is not None:
            cand = [m.fixed]
        else:
            cand = [s for s in range(inst.n_slots) if m.session in ("ANY", inst.slots[s])]
        allowed = tuple(s for s in cand if s not in forbidden[a] and s not in forbidden[b])
        meetings.append(CoreMeeting(a, b, allowed))
    return CoreProblem(
        n_participants=inst.n_participants,
        n_slots=inst.n_slots,
        capacity=(inst.tables,) * inst.n_slots,
        meetings=tuple(meetings),
        precedences=tuple((i, j) for i, j in inst.precedences),
        fairness_d=inst.fairness_d,
        name=inst.name,
    )


def b2b_to_event(inst: B2BInstance, *, event_id: str | None = None) -> Event:
    """An :class:`Event` for an instance: participants ``p0..``, slots ``s0..`` of 20 minutes
    (morning from 09:00, afternoon from 14:00, on 2026-01-01), tables ``t1..``, meetings ``m0..``
    in input order (so meeting ``i`` of the instance is the event's ``m{i}``)."""
    day = dt.date(2026, 1, 1)
    slots: list[Slot] = []
    am = pm = 0
    for s, session in enumerate(inst.slots):
        base = dt.datetime.combine(day, dt.time(9, 0) if session == "AM" else dt.time(14, 0))
        k = am if session == "AM" else pm
        start = base + dt.timedelta(minutes=20 * k)
        if session == "AM":
            am += 1
        else:
            pm += 1
        slots.append(
            Slot(
                id=f"s{s}",
                day=day,
                start=start.time(),
                end=(start + dt.timedelta(minutes=20)).time(),
                session=session.lower(),
            )
        )
    return Event(
        id=event_id or _slug(inst.name),
        name=inst.name,
        fairness_d=inst.fairness_d,
        sessions=[Session(id="am", name="Morning"), Session(id="pm", name="Afternoon")],
        slots=slots,
        tables=[Table(id=f"t{k + 1}", name=f"Table {k + 1}") for k in range(inst.tables)],
        participants=[
            Participant(
                id=f"p{p}",
                name=f"Participant {p}",
                forbidden_slots=[f"s{s}" for s in inst.forbidden[p]],
            )
            for p in range(inst.n_participants)
        ],
        meetings=[
            Meeting(
                id=f"m{i}",
                participants=[f"p{m.p[0]}", f"p{m.p[1]}"],
                session=None if m.session == "ANY" else m.session.lower(),
                fixed_slot=None if m.fixed is None else f"s{m.fixed}",
            )
            for i, m in enumerate(inst.meetings)
        ],
        precedences=[[f"m{i}", f"m{j}"] for i, j in inst.precedences],
    )


def _slug(name: str) -> str:
    out = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return out[:128] or "event"
