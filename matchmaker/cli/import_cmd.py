"""``matchmaker import | duplicates | merge | unmerge``: bring actors in, fold duplicates."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from matchmaker.cli.common import open_cli_store
from matchmaker.dedupe import DedupeConfig
from matchmaker.errors import MatchmakerError, RowProblem, ValidationFailed
from matchmaker.importing.apply import ImportReport, actor_candidates, all_actors, import_parsed
from matchmaker.importing.formats import load_mapping, parse_text
from matchmaker.merge import merge_in_store, resolve_actor_id, unmerge_in_store


def _fail(console: Console, error: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {error}")
    if isinstance(error, ValidationFailed) and len(error.problems) > 10:
        for problem in error.problems[10:60]:
            console.print(f"  {problem}")
        if len(error.problems) > 60:
            console.print(f"  ... and {len(error.problems) - 60} more")
    return typer.Exit(1)


def _problems(console: Console, title: str, items: list[RowProblem], show: int) -> None:
    if not items:
        return
    console.print(f"[bold]{title}[/bold] ({len(items)}):")
    for problem in items[:show]:
        console.print(
            f"  row {problem.row}, column '{problem.field}'"
            f"{f' ({problem.actor_id})' if problem.actor_id else ''}: {problem.message}"
        )
    if len(items) > show:
        console.print(f"  ... and {len(items) - show} more (--show N or --json for all)")


def _print_report(console: Console, report: ImportReport, seconds: float, show: int) -> None:
    verb = "would be" if report.dry_run else "were"
    table = Table(title=f"import of {report.source} ({report.format})", show_header=False)
    table.add_row("data rows", str(report.rows + len(report.skipped)))
    table.add_row(f"created ({verb})", str(len(report.created)))
    table.add_row(f"updated ({verb})", str(len(report.updated)))
    table.add_row("unchanged", str(len(report.unchanged)))
    table.add_row("rejected", str(len(report.rejected)))
    table.add_row("skipped (outside NUTS coverage)", str(len(report.skipped)))
    table.add_row("warnings", str(len(report.warnings)))
    table.add_row("possible duplicates", str(len(report.duplicates)))
    table.add_row(
        "  of which likely (>= threshold)", str(sum(c.duplicate for c in report.duplicates))
    )
    table.add_row("merged", str(len(report.merged)))
    if report.regions:
        table.add_row(
            "regions found by", ", ".join(f"{k} {v}" for k, v in sorted(report.regions.items()))
        )
    table.add_row("seconds", f"{seconds:.1f}")
    console.print(table)
    if report.dry_run:
        console.print("dry run: nothing was written")
    _problems(console, "rejected", report.rejected, show)
    if report.skipped:
        by_country = Counter(p.message.split(":", 1)[0] for p in report.skipped)
        top = ", ".join(f"{c} {n}" for c, n in by_country.most_common(8))
        console.print(f"[bold]skipped[/bold] ({len(report.skipped)}): no NUTS 2021 region: {top}")
    _problems(console, "warnings", report.warnings, show)
    if report.duplicates:
        console.print(
            f"[bold]possible duplicates[/bold] (best {min(show, len(report.duplicates))}):"
        )
        for c in report.duplicates[:show]:
            mark = "likely" if c.duplicate else "maybe"
            console.print(f"  {c.score:.2f} {mark:6} {c.a} ~ {c.b}: {'; '.join(c.evidence)}")
    for keep, other in report.merged:
        console.print(f"  merged {other} into {keep}")


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV, JSON or JSON Lines file.", exists=True)],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="project, json, cordis-fp7, cordis or mapped (default: guess)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping file (TOML) for other CSVs.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows, report the others.")
    ] = False,
    auto_merge: Annotated[
        float | None,
        typer.Option("--auto-merge", min=0.0, max=1.0, help="Merge duplicates scoring >= this."),
    ] = None,
    no_duplicates: Annotated[
        bool, typer.Option("--no-duplicates", help="Skip the duplicate report.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    show: Annotated[int, typer.Option("--show", min=0, help="Problems to list per kind.")] = 20,
) -> None:
    """Import actors from a file into the configured store, as one atomic batch.

    A batch with any invalid row is rejected whole (nothing written) unless --skip-invalid.
    Re-importing the same file reports every actor unchanged; facts from other sources stay.
    """
    console = Console(stderr=True)
    started = time.perf_counter()
    try:
        text = file.read_text(encoding="utf-8-sig")
        column_map = (
            load_mapping(mapping.read_text(encoding="utf-8"), name=mapping.name)
            if mapping
            else None
        )
        chosen, parsed = parse_text(text, fmt, mapping=column_map, filename=file.name)
        store = open_cli_store()
        try:
            columns = (TextColumn("{task.description:10}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=console, transient=True) as bar:
                tasks: dict[str, TaskID] = {}

                def tick(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bar.add_task(stage, total=total)
                    bar.update(tasks[stage], completed=done, total=total)

                report = import_parsed(
                    store,
                    parsed,
                    source=f"file:{file.name}",
                    at=datetime.now(UTC),
                    fmt=chosen.value,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    duplicates=not no_duplicates,
                    auto_merge=auto_merge,
                    progress=tick,
                )
        finally:
            store.close()
    except (MatchmakerError, OSError, UnicodeDecodeError) as error:
        raise _fail(console, error) from error
    seconds = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "seconds": round(seconds, 2)}, indent=1))
    else:
        _print_report(Console(), report, seconds, show)


def duplicates_command(
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Lowest score listed.")
    ] = 0.7,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Score called a duplicate.")
    ] = 0.9,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Pairs to print (0 = all).")] = 50,
) -> None:
    """List possible duplicate actors in the store, best first, with the evidence."""
    console = Console(stderr=True)
    try:
        store = open_cli_store()
        try:
            actors = all_actors(store)
        finally:
            store.close()
        config = DedupeConfig(threshold=threshold, min_score=min(min_score, threshold))
        found = [c for c in actor_candidates(actors, config) if c.score >= min_score]
    except MatchmakerError as error:
        raise _fail(console, error) from error
    names = {a.id: a.name for a in actors}
    shown = found if limit == 0 else found[:limit]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "actors": len(actors),
                    "pairs": len(found),
                    "duplicates": sum(c.duplicate for c in found),
                    "candidates": [
                        {**c.as_dict(), "name_a": names[c.a], "name_b": names[c.b]} for c in shown
                    ],
                },
                indent=1,
            )
        )
        return
    out = Console()
    table = Table(
        title=f"{len(found)} pairs among {len(actors)} actors, "
        f"{sum(c.duplicate for c in found)} likely duplicates"
    )
    for column in ("score", "", "a", "b", "evidence"):
        table.add_column(column)
    for c in shown:
        table.add_row(
            f"{c.score:.2f}",
            "likely" if c.duplicate else "maybe",
            f"{c.a}\n{names[c.a]}",
            f"{c.b}\n{names[c.b]}",
            "; ".join(c.evidence),
        )
    out.print(table)
    if len(found) > len(shown):
        out.print(f"... {len(found) - len(shown)} more (--limit 0 for all)")


def merge_command(
    keep_id: Annotated[str, typer.Argument(help="The actor to keep.")],
    other_id: Annotated[str, typer.Argument(help="The actor merged into it (then deleted).")],
) -> None:
    """Merge OTHER_ID into KEEP_ID: union of all facts, OTHER_ID kept as an alias, reversible."""
    console = Console(stderr=True)
    try:
        store = open_cli_store()
        try:
            keep = resolve_actor_id(store, keep_id)
            merged = merge_in_store(store, keep, other_id, at=datetime.now(UTC), source="cli")
        finally:
            store.close()
    except MatchmakerError as error:
        raise _fail(console, error) from error
    record = merged.merged_from[-1]
    Console().print(
        f"merged {other_id} into {merged.id}: {len(merged.competences)} competences, "
        f"{len(merged.memberships)} memberships, {len(merged.collaborations)} collaborations, "
        f"{len(record.repointed)} references moved; undo with "
        f"'matchmaker unmerge {merged.id} {other_id}'"
    )


def unmerge_command(
    keep_id: Annotated[str, typer.Argument(help="The actor that absorbed the other.")],
    other_id: Annotated[str, typer.Argument(help="The id to split off again.")],
) -> None:
    """Undo a merge: restore OTHER_ID as it was and take its facts off KEEP_ID."""
    console = Console(stderr=True)
    try:
        store = open_cli_store()
        try:
            keep, other = unmerge_in_store(store, keep_id, other_id)
        finally:
            store.close()
    except MatchmakerError as error:
        raise _fail(console, error) from error
    Console().print(f"restored {other.id} ({other.name}); {keep.id} is {keep.name} again")


def register(root: typer.Typer) -> None:
    """Add the commands to the root CLI."""
    root.command("import")(import_command)
    root.command("duplicates")(duplicates_command)
    root.command("merge")(merge_command)
    root.command("unmerge")(unmerge_command)
