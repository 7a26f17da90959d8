"""``matchmaker neo4j fetch|start|stop|status``: the local development Neo4j."""

from __future__ import annotations

from pathlib import Path

import typer

from matchmaker.errors import MatchmakerError

app = typer.Typer(help="Run the local Neo4j 5.26 server used for development and tests.")

HomeOption = typer.Option(None, "--home", help="Cache directory (default: <repo>/.cache/neo4j).")


def _fail(error: MatchmakerError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(code=1)


@app.command()
def fetch(home: Path | None = HomeOption) -> None:
    """Download the Neo4j jars with Maven and compile the launcher (fast when already done)."""
    from graph.local_neo4j import DEFAULT_HOME, LocalNeo4j

    server = LocalNeo4j(home if home is not None else DEFAULT_HOME)
    try:
        server.fetch()
    except MatchmakerError as error:
        raise _fail(error) from error
    typer.echo(f"neo4j runtime ready in {server.home}")


@app.command()
def start(
    port: int | None = typer.Option(None, help="Bolt port (default: 7687 if free, else any)."),
    wait: float = typer.Option(120.0, help="Seconds to wait for Bolt to answer."),
    home: Path | None = HomeOption,
) -> None:
    """Start the local server in the background (or report the one already running)."""
    from graph.local_neo4j import DEFAULT_HOME, LocalNeo4j

    server = LocalNeo4j(home if home is not None else DEFAULT_HOME)
    try:
        uri = server.start(port=port, wait_s=wait)
    except MatchmakerError as error:
        raise _fail(error) from error
    status = server.status()
    typer.echo(f"neo4j running at {uri} (pid {status.pid}, data {status.data_dir})")
    typer.echo(f"use it with: MATCHMAKER_STORE=neo4j NEO4J_URI={uri}")


@app.command()
def stop(home: Path | None = HomeOption) -> None:
    """Stop the local server (idempotent)."""
    from graph.local_neo4j import DEFAULT_HOME, LocalNeo4j

    server = LocalNeo4j(home if home is not None else DEFAULT_HOME)
    try:
        stopped = server.stop()
    except MatchmakerError as error:
        raise _fail(error) from error
    typer.echo("neo4j stopped" if stopped else "neo4j was not running")


@app.command()
def status(home: Path | None = HomeOption) -> None:
    """Print uri, pid and whether the local server is alive; exit 1 when it is not."""
    from graph.local_neo4j import DEFAULT_HOME, LocalNeo4j

    state = LocalNeo4j(home if home is not None else DEFAULT_HOME).status()
    typer.echo(f"uri:   {state.uri or '-'}")
    typer.echo(f"pid:   {state.pid if state.pid is not None else '-'}")
    typer.echo(f"alive: {'yes' if state.alive else 'no'}")
    if state.log is not None:
        typer.echo(f"log:   {state.log}")
    if not state.alive:
        raise typer.Exit(code=1)
