"""``matchmaker search | path | map | communities``: questions researchers ask the network."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from matchmaker.errors import MatchmakerError
from matchmaker.models import ActorKind


def _fail(error: Exception, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(code=code)


def search(
    text: str = typer.Argument("", help="Free text in any partner language, e.g. 'WAAM Austria'."),
    region: list[str] = typer.Option([], help="NUTS code or country (repeatable)."),
    kind: list[ActorKind] = typer.Option([], help="Actor kind (repeatable)."),
    concept: list[str] = typer.Option([], help="Must state this concept or a narrower one."),
    stage: list[str] = typer.Option([], help="Value-chain stage concept (repeatable)."),
    level: int = typer.Option(1, min=1, max=3, help="Minimum competence level."),
    limit: int = typer.Option(20, min=1, max=200),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json", help="Print the whole response as JSON."),
    demo: bool = typer.Option(False, help="Seed an empty memory store with the demo data."),
) -> None:
    """Search actors: ranked hits with their evidence, facet counts and what was understood."""
    from matchmaker.cli.common import open_cli_store
    from matchmaker.search.engine import SearchEngine, SearchRequest

    try:
        request = SearchRequest(
            text=text,
            regions=region,
            kinds=kind,
            concepts=concept,
            stages=stage,
            min_level=level,
            limit=limit,
            offset=offset,
        )
    except ValueError as error:
        raise _fail(error, 2) from error
    try:
        store = open_cli_store(demo=demo)
        try:
            response = SearchEngine(store).search(request)
        finally:
            store.close()
    except MatchmakerError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
        return
    console = Console()
    console.print(f"[bold]{response.summary}[/bold]")
    console.print(f"{response.total} actors found")
    table = Table("#", "actor", "kind", "region", "score", "evidence", show_lines=False)
    for hit in response.hits:
        table.add_row(
            str(hit.rank),
            f"{hit.name} ({hit.actor_id})",
            hit.kind.value,
            hit.region,
            str(hit.score),
            hit.why,
        )
    console.print(table)
    for facet in ("country", "region", "kind", "process", "material"):
        counts = response.facets.get(facet, {})
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        if top:
            console.print(f"{facet}: " + ", ".join(f"{k} {n}" for k, n in top))


def path(
    source: str = typer.Argument(..., help="Actor id."),
    target: str = typer.Argument(..., help="Actor id."),
    max_paths: int = typer.Option(3, min=1, max=20),
    as_json: bool = typer.Option(False, "--json"),
    demo: bool = typer.Option(False, help="Seed an empty memory store with the demo data."),
) -> None:
    """Shortest connection paths between two actors, explained."""
    from matchmaker.cli.common import open_cli_store
    from matchmaker.search.paths import connection_paths

    try:
        store = open_cli_store(demo=demo)
        try:
            paths = connection_paths(store.snapshot(), source, target, max_paths=max_paths)
        finally:
            store.close()
    except MatchmakerError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps([p.model_dump() for p in paths], indent=2))
        return
    if not paths:
        typer.echo(f"{source} and {target} are not connected")
        raise typer.Exit(code=1)
    for i, p in enumerate(paths, start=1):
        typer.echo(f"path {i}: {' -> '.join(p.actors)}")
        for step in p.steps:
            typer.echo(f"  - {step.text}")


def map_command(
    out: Path | None = typer.Option(None, help="Heat map image: .svg or .png."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Counts and location quotients."),
    depth: int | None = typer.Option(None, min=0, help="Only concepts at most this deep."),
    min_actors: int = typer.Option(1, min=1, help="Only concepts with this many actors."),
    demo: bool = typer.Option(False, help="Seed an empty memory store with the demo data."),
) -> None:
    """Regional competence map: actors per region and process / material / value-chain stage."""
    from matchmaker.cli.common import open_cli_store
    from matchmaker.search.regional_map import map_csv, map_png, map_svg, regional_map

    if out is not None and out.suffix.lower() not in {".svg", ".png"}:
        raise _fail(ValueError(f"--out {out}: the image must end in .svg or .png"), 2)
    try:
        store = open_cli_store(demo=demo)
        try:
            result = regional_map(store.snapshot(), max_depth=depth, min_actors=min_actors)
        finally:
            store.close()
        if csv_out is not None:
            csv_out.write_text(map_csv(result), encoding="utf-8")
            typer.echo(f"wrote {csv_out}")
        if out is not None:
            if out.suffix.lower() == ".png":
                out.write_bytes(map_png(result))
            else:
                out.write_text(map_svg(result), encoding="utf-8")
            typer.echo(f"wrote {out}")
    except (MatchmakerError, OSError) as error:
        raise _fail(error) from error
    if out is None and csv_out is None:
        typer.echo(map_csv(result), nl=False)


def communities_command(
    seed: int = typer.Option(1, help="Seed of the community detection."),
    min_size: int = typer.Option(3, min=1),
    as_json: bool = typer.Option(False, "--json"),
    demo: bool = typer.Option(False, help="Seed an empty memory store with the demo data."),
) -> None:
    """Groups of densely connected actors, with their regions and dominant concepts."""
    from matchmaker.cli.common import open_cli_store
    from matchmaker.search.communities import communities

    try:
        store = open_cli_store(demo=demo)
        try:
            found = communities(store.snapshot(), seed=seed, min_size=min_size)
        finally:
            store.close()
    except MatchmakerError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps([c.model_dump() for c in found], indent=2))
        return
    for i, c in enumerate(found, start=1):
        concepts = ", ".join(f"{cid} ({n})" for cid, n in c.dominant_concepts)
        regions = ", ".join(f"{r} {n}" for r, n in c.regions.items())
        typer.echo(f"community {i}: {len(c.members)} actors; regions {regions}; {concepts}")
        typer.echo("  " + ", ".join(c.members))


def register(root: typer.Typer) -> None:
    """Add the commands to the root CLI."""
    root.command("search")(search)
    root.command("path")(path)
    root.command("map")(map_command)
    root.command("communities")(communities_command)
