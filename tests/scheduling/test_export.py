from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from icalendar import Calendar

from matchmaker.scheduling.export import grid_csv, participant_html, participant_ics
from matchmaker.scheduling.model import Event
from matchmaker.scheduling.solver import schedule
from tests.scheduling.conftest import make_event


def _event() -> Event:
    ev = make_event(4, [(0, 1), (0, 2), (3, 1)], n_slots=4, n_tables=2)
    ev.participants[2].name = "Ana <script>alert(1)</script>"
    ev.schedule = schedule(ev, time_limit_s=10).placements
    return ev


def test_ics_parses_back_with_times_in_event_zone() -> None:
    ev = _event()
    cal = Calendar.from_ical(participant_ics(ev, "p0"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2
    zone = ZoneInfo("Europe/Vienna")
    slots = {s.id: s for s in ev.slots}
    mine = {p.meeting: p for p in ev.schedule if p.meeting in {"m0", "m1"}}
    starts = sorted(
        dt.datetime.combine(slots[p.slot].day, slots[p.slot].start, tzinfo=zone)
        for p in mine.values()
    )
    got = sorted(e.decoded("dtstart") for e in events)
    assert got == starts
    assert all(str(e.decoded("dtstart").tzinfo) == "Europe/Vienna" for e in events)
    for e in events:
        assert e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(minutes=30)
        assert str(e.get("location")).startswith("Table ")
        assert "Person 1" in str(e.get("summary")) or "Ana" in str(e.get("summary"))
    assert list(cal.walk("VTIMEZONE"))


def test_csv_grid_has_slot_rows_and_table_columns() -> None:
    ev = _event()
    rows = list(csv.reader(io.StringIO(grid_csv(ev))))
    assert rows[0] == ["date", "start", "end", "slot", "Table 0", "Table 1"]
    assert len(rows) == 1 + len(ev.slots)
    cells = [c for r in rows[1:] for c in r[4:] if c]
    assert len(cells) == 3


def test_html_agenda_escapes_names() -> None:
    ev = _event()
    page = participant_html(ev, "p0")
    assert "<script>" not in page
    assert "Ana &lt;script&gt;" in page
    assert "AM &lt;Forum&gt; &amp; Co" in page
