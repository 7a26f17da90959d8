"""Exports of a scheduled event: per-participant iCalendar agendas, the organiser's CSV grid
(slot x table) and printable per-participant HTML agendas."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from importlib import resources
from string import Template

from icalendar import Calendar
from icalendar import Event as VEvent

from matchmaker.scheduling.model import Compiled, Event

PRODID = "-//matchmaker//B2B event agenda//EN"


def _agendas(event: Event) -> dict[str, list[tuple[int, str, str]]]:
    """Per participant: (slot index, table id, partner id), sorted by slot."""
    comp = Compiled(event)
    out: dict[str, list[tuple[int, str, str]]] = {p.id: [] for p in event.participants}
    by_id = {m.id: m for m in comp.meetings}
    for pl in event.schedule:
        if pl.meeting not in by_id:
            continue
        a, b = by_id[pl.meeting].participants
        s = comp.slot_index[pl.slot]
        out[a].append((s, pl.table or "", b))
        out[b].append((s, pl.table or "", a))
    for v in out.values():
        v.sort()
    return out


def participant_ics(event: Event, participant_id: str) -> bytes:
    """The participant's agenda as an iCalendar file: one VEVENT per meeting (times in the event's
    time zone, with TZID; location = table; summary = partner).

    Raises
    ------
    KeyError: unknown participant.
    """
    comp = Compiled(event)
    names = {p.id: p.name for p in event.participants}
    tables = {t.id: t.name for t in event.tables}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{event.name}: {names[participant_id]}")
    cal.add("x-wr-timezone", event.timezone)
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for s, table, partner in _agendas(event)[participant_id]:
        start, end = comp.starts(s)
        ve = VEvent()
        ve.add("uid", f"{event.id}.{comp.slots[s].id}.{participant_id}@matchmaker")
        ve.add("dtstamp", stamp)
        ve.add("dtstart", start)
        ve.add("dtend", end)
        ve.add("summary", f"Meeting with {names[partner]}")
        where = tables.get(table, table)
        ve.add("location", where + (f", {event.location}" if event.location else ""))
        ve.add("description", f"B2B meeting at {event.name}, {where}, with {names[partner]}.")
        cal.add_component(ve)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def grid_csv(event: Event) -> str:
    """The organiser's grid: one row per slot (date, start, end, slot id), one column per table,
    cells ``"A / B"`` with the two participants' names."""
    comp = Compiled(event)
    names = {p.id: p.name for p in event.participants}
    by_id = {m.id: m for m in comp.meetings}
    cell: dict[tuple[str, str], str] = {}
    for pl in event.schedule:
        if pl.meeting not in by_id:
            continue
        a, b = by_id[pl.meeting].participants
        cell[pl.slot, pl.table or ""] = f"{names[a]} / {names[b]}"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["date", "start", "end", "slot", *(t.name for t in event.tables)])
    for s in comp.slots:
        w.writerow(
            [s.day.isoformat(), s.start.strftime("%H:%M"), s.end.strftime("%H:%M"), s.id]
            + [cell.get((s.id, t.id), "") for t in event.tables]
        )
    return buf.getvalue()


def participant_html(event: Event, participant_id: str) -> str:
    """A printable HTML agenda for one participant (everything escaped)."""
    comp = Compiled(event)
    names = {p.id: p.name for p in event.participants}
    tables = {t.id: t.name for t in event.tables}
    rows = []
    for s, table, partner in _agendas(event)[participant_id]:
        slot = comp.slots[s]
        rows.append(
            "<tr><td>{}</td><td>{}–{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(slot.day.isoformat()),
                html.escape(slot.start.strftime("%H:%M")),
                html.escape(slot.end.strftime("%H:%M")),
                html.escape(tables.get(table, table)),
                html.escape(names[partner]),
            )
        )
    template = Template(
        resources.files("matchmaker.scheduling.templates")
        .joinpath("agenda.html")
        .read_text("utf-8")
    )
    return template.substitute(
        title=html.escape(f"{event.name}: {names[participant_id]}"),
        event_name=html.escape(event.name),
        participant_name=html.escape(names[participant_id]),
        location=html.escape(event.location + "." if event.location else ""),
        timezone=html.escape(event.timezone),
        rows="\n".join(rows) if rows else '<tr><td colspan="4">No meetings.</td></tr>',
    )
