"""``matchmaker match``: ranked partners for one actor, a cluster's members, or every actor."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from matchmaker.errors import MatchmakerError, ValidationFailed
from matchmaker.matching import Match, MatchEngine, MatchOptions
from matchmaker.matching.table import CSV_COLUMNS, csv_rows
from matchmaker.models import ActorKind


def _weights(items: list[str]) -> dict[str, float] | None:
    weights: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise ValidationFailed(f"--weight '{item}': expected NAME=NUMBER") from None
        if not sep:
            raise ValidationFailed(f"--weight '{item}': expected NAME=NUMBER")
    return weights or None


def _batch(engine: MatchEngine, ids: list[str], options: MatchOptions, out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    console = Console(stderr=True)
    columns = (
        TextColumn("matching"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("match", total=len(ids))
        for actor_id, matches in engine.match_many(
            ids, options, progress=lambda _: progress.advance(task)
        ):
            writer.writerows(csv_rows(actor_id, matches))


def _table(actor_id: str, matches: list[Match]) -> Table:
    table = Table(title=f"Partners for {actor_id}")
    for column in ("#", "partner", "kind", "region", "score", "why"):
        table.add_column(column, overflow="fold")
    for rank, m in enumerate(matches, start=1):
        table.add_row(
            str(rank),
            f"{m.partner_name} ({m.partner_id})",
            m.partner_kind.value,
            m.partner_region,
            f"{m.score:.3f}",
            m.reason,
        )
    return table


def match(
    actor_id: str | None = typer.Argument(None, help="The actor to find partners for."),
    top: int = typer.Option(20, "--top", min=1, max=1000, help="How many partners per actor."),
    profile: str = typer.Option("partnering", help="partnering, research, supply-chain, b2b-event"),
    weight: list[str] = typer.Option([], help="Override a weight: NAME=NUMBER (repeatable)."),
    kind: list[ActorKind] = typer.Option([], help="Only partners of this kind (repeatable)."),
    region: list[str] = typer.Option([], help="Only partners in this NUTS prefix (repeatable)."),
    country: list[str] = typer.Option([], help="Only partners in this country (repeatable)."),
    scope: str | None = typer.Option(None, help="any, same_region or other_regions."),
    min_score: float = typer.Option(0.0, min=0.0, max=1.0, help="Drop weaker matches."),
    exclude: list[str] = typer.Option([], help="Never propose this actor id (repeatable)."),
    exclude_partners: bool | None = typer.Option(
        None, "--exclude-partners/--keep-partners", help="Override the profile's partner policy."
    ),
    per_org: int | None = typer.Option(None, min=1, help="At most this many per organisation."),
    per_region: int | None = typer.Option(None, min=1, help="At most this many per region."),
    all_actors: bool = typer.Option(False, "--all", help="Match every actor (batch)."),
    cluster: str | None = typer.Option(None, help="Match every member of this cluster (batch)."),
    out: Path | None = typer.Option(None, help="Batch output CSV (default: standard output)."),
    as_json: bool = typer.Option(False, "--json", help="Print one actor's matches as JSON."),
    demo: bool = typer.Option(False, help="Seed an empty memory store with the demo data."),
) -> None:
    """Propose the best partners across regions, with the reason for each."""
    from matchmaker.cli.common import open_cli_store

    chosen = sum([actor_id is not None, all_actors, cluster is not None])
    if chosen != 1:
        typer.echo("error: give exactly one of ACTOR_ID, --all or --cluster", err=True)
        raise typer.Exit(code=2)
    try:
        options = MatchOptions(
            profile=profile,
            weights=_weights(weight),
            top=top,
            kinds=kind,
            regions=region,
            countries=country,
            scope=scope,  # type: ignore[arg-type]
            min_score=min_score,
            exclude_ids=exclude,
            exclude_partners=exclude_partners,
            per_organisation=per_org,
            per_region=per_region,
        )
    except (ValueError, MatchmakerError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from error
    try:
        store = open_cli_store(demo=demo)
        try:
            engine = MatchEngine.from_store(store)
            engine.resolve(options)
            if actor_id is not None:
                matches = engine.match(actor_id, options)
                if as_json:
                    typer.echo(json.dumps([m.model_dump(mode="json") for m in matches], indent=2))
                else:
                    Console().print(_table(actor_id, matches))
                return
            ids = store.members(cluster) if cluster is not None else engine.index.ids
        finally:
            store.close()
        if out is None:
            _batch(engine, ids, options, sys.stdout)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                _batch(engine, ids, options, handle)
            typer.echo(f"wrote matches for {len(ids)} actors to {out}", err=True)
    except MatchmakerError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=1) from error
