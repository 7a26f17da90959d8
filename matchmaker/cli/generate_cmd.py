"""``matchmaker generate``: write a synthetic ecosystem as JSON Lines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from matchmaker.errors import MatchmakerError
from matchmaker.generate import generate_actors


def _write(n: int, seed: int, out: TextIO, console: Console) -> None:
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("generating", total=n)
        for i, actor in enumerate(generate_actors(n, seed=seed), start=1):
            out.write(actor.model_dump_json(exclude_defaults=True))
            out.write("\n")
            if i % 1000 == 0 or i == n:
                progress.update(task, completed=i)


def generate(
    actors: Annotated[int, typer.Option("--actors", "-n", min=0, help="Number of actors.")],
    out: Annotated[str, typer.Option("--out", "-o", help="Output .jsonl file, '-' for stdout.")],
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed.")] = 0,
) -> None:
    """Generate a synthetic ecosystem like the demo, one actor per line (JSON Lines).

    Clusters come first and every reference points at an earlier line, so the file can be
    imported in one streaming pass. The same seed always gives the same file.
    """
    console = Console(stderr=True)
    try:
        if out == "-":
            _write(actors, seed, sys.stdout, console)
        else:
            path = Path(out)
            with path.open("w", encoding="utf-8") as handle:
                _write(actors, seed, handle, console)
            console.print(f"wrote {actors} actors to {path}")
    except (MatchmakerError, OSError) as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error
