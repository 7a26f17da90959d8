"""``matchmaker neo4j start|stop|status``: the local development Neo4j."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run the local Neo4j 5.26 server used for development and tests.")
