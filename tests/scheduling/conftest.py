from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matchmaker.scheduling.b2b_format import B2BInstance, b2b_to_core, read_b2b
from matchmaker.scheduling.core import CoreProblem
from matchmaker.scheduling.model import Event, Meeting, Participant, Session, Slot, Table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "b2b"


def b2b_instance(name: str) -> B2BInstance:
    """A published instance from ``fixtures/b2b/originals``."""
    path = FIXTURES / "originals" / f"{name}.json"
    return read_b2b(path.read_text(encoding="utf-8"), str(path))


def b2b_problem(name: str) -> CoreProblem:
    """A published instance compiled for the solver."""
    return b2b_to_core(b2b_instance(name))


def make_event(
    n_people: int,
    pairs: list[tuple[int, int]],
    *,
    n_slots: int = 4,
    n_tables: int = 2,
    forbidden: dict[int, list[int]] | None = None,
    timezone: str = "Europe/Vienna",
) -> Event:
    """A one-day event: slots of 30 minutes from 09:00 (with a 15-minute gap after slot 1)."""
    day = dt.date(2026, 3, 10)
    slots = []
    t = dt.datetime.combine(day, dt.time(9, 0))
    for s in range(n_slots):
        slots.append(
            Slot(
                id=f"s{s}",
                day=day,
                start=t.time(),
                end=(t + dt.timedelta(minutes=30)).time(),
                session="am",
            )
        )
        t += dt.timedelta(minutes=45 if s == 1 else 30)
    forbidden = forbidden or {}
    return Event(
        id="demo",
        name="AM <Forum> & Co",
        timezone=timezone,
        sessions=[Session(id="am", name="Morning")],
        slots=slots,
        tables=[Table(id=f"t{k}", name=f"Table {k}") for k in range(n_tables)],
        participants=[
            Participant(
                id=f"p{i}",
                name=f"Person {i}",
                forbidden_slots=[f"s{s}" for s in forbidden.get(i, [])],
            )
            for i in range(n_people)
        ],
        meetings=[
            Meeting(id=f"m{k}", participants=[f"p{a}", f"p{b}"]) for k, (a, b) in enumerate(pairs)
        ],
    )


@pytest.fixture
def star_event() -> Event:
    """p0 meets p1..p3; p0 cannot meet in s1, so p0 needs a break (optimum 1)."""
    return make_event(4, [(0, 1), (0, 2), (0, 3)], n_slots=4, forbidden={0: [1]})
