"""``matchmaker event import|export|show`` and ``matchmaker schedule``: B2B event scheduling.

Events live in the configured store (``GraphStore.save_event`` / ``get_event``), like actors.
"""

from __future__ import annotations

import csv
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from matchmaker.errors import MatchmakerError, ValidationFailed

if TYPE_CHECKING:
    from matchmaker.scheduling.model import Event

app = typer.Typer(help="B2B brokerage events: import, export agendas and grids.")


class Format(StrEnum):
    EVENT = "event-json"
    B2B = "b2b-json"


def _fail(error: Exception) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(code=1)


def load_event(event_id: str) -> Event:
    """The stored event ``event_id``; ``NotFound`` if there is none."""
    from matchmaker.cli.common import open_cli_store

    store = open_cli_store()
    try:
        return store.get_event(event_id)
    finally:
        store.close()


def save_event(event: Event) -> str:
    """Store ``event``; returns what happened (created, updated, unchanged) and where."""
    from matchmaker.cli.common import open_cli_store

    store = open_cli_store()
    try:
        outcome = store.save_event(event)
        return f"{store.name} store ({outcome.value})"
    finally:
        store.close()


@app.command("import")
def import_event(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Event JSON file."),
    fmt: Format = typer.Option(Format.EVENT, "--format", help="event-json or b2b-json."),
    event_id: str | None = typer.Option(
        None, "--id", help="Event id (b2b-json: default from name)."
    ),
) -> None:
    """Validate an event file and store it."""
    from matchmaker.scheduling.b2b_format import b2b_to_event, read_b2b
    from matchmaker.scheduling.model import Event

    try:
        if fmt is Format.B2B:
            text = file.read_text(encoding="utf-8")
            event = b2b_to_event(read_b2b(text, str(file)), event_id=event_id)
        else:
            try:
                event = Event.model_validate_json(file.read_text(encoding="utf-8"))
            except ValidationError as exc:
                raise ValidationFailed(f"{file}: {exc}") from exc
            if event_id:
                event = event.model_copy(update={"id": event_id})
        where = save_event(event)
    except (MatchmakerError, OSError) as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"imported event '{event.id}': {len(event.participants)} participants, "
        f"{len(event.accepted_meetings())} accepted meetings, {len(event.slots)} slots -> {where}"
    )


@app.command("export")
def export_event(
    event_id: str,
    ics: Path | None = typer.Option(None, "--ics", help="Directory for per-participant .ics"),
    csv_file: Path | None = typer.Option(None, "--csv", help="Organiser grid CSV file"),
    html: Path | None = typer.Option(None, "--html", help="Directory for per-participant HTML"),
) -> None:
    """Write agendas (iCalendar, HTML) and the organiser grid (CSV) of a scheduled event."""
    from matchmaker.scheduling.export import grid_csv, participant_html, participant_ics

    try:
        event = load_event(event_id)
    except MatchmakerError as exc:
        raise _fail(exc) from exc
    if not event.schedule:
        raise _fail(MatchmakerError(f"event '{event_id}' has no schedule; run schedule first"))
    if ics is not None:
        ics.mkdir(parents=True, exist_ok=True)
        for p in event.participants:
            (ics / f"{p.id}.ics").write_bytes(participant_ics(event, p.id))
    if html is not None:
        html.mkdir(parents=True, exist_ok=True)
        for p in event.participants:
            (html / f"{p.id}.html").write_text(participant_html(event, p.id), encoding="utf-8")
    if csv_file is not None:
        csv_file.parent.mkdir(parents=True, exist_ok=True)
        csv_file.write_text(grid_csv(event), encoding="utf-8")
    typer.echo(f"exported event '{event_id}'")


def schedule_cmd(
    event_id: str,
    time_limit: float = typer.Option(60.0, "--time-limit", help="Seconds."),
    seed: int = typer.Option(0, "--seed"),
    fresh: bool = typer.Option(
        False, "--fresh", help="Ignore the stored schedule (default: keep unaffected meetings)."
    ),
    fill_mode: bool = typer.Option(
        False,
        "--fill",
        help="Then fill free slots with meetings the matching engine proposes (b2b-event).",
    ),
    proposals: Path | None = typer.Option(
        None, "--proposals", help="With --fill: use this CSV (columns a,b,score) instead."
    ),
) -> None:
    """Schedule an event's accepted meetings and store the schedule; prints the report as JSON."""
    from matchmaker.cli.common import open_cli_store
    from matchmaker.matching import MatchEngine
    from matchmaker.scheduling.service import match_proposals, run_schedule

    try:
        store = open_cli_store()
        try:
            event = store.get_event(event_id)
            rows: list[tuple[str, str, float]] | None = None
            if fill_mode and proposals is not None:
                with proposals.open(encoding="utf-8") as fh:
                    rows = [(r["a"], r["b"], float(r["score"])) for r in csv.DictReader(fh)]
            elif fill_mode:
                rows = match_proposals(event, MatchEngine.from_store(store))
            event, report = run_schedule(
                event, time_limit_s=time_limit, seed=seed, fresh=fresh, proposals=rows
            )
            store.save_event(event)
        finally:
            store.close()
    except (MatchmakerError, KeyError, ValueError) as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(report, indent=1))
