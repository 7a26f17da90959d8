"""``matchmaker serve``: the HTTP API and web page."""

from __future__ import annotations

import os

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="TCP port."),
    demo: bool = typer.Option(False, help="Seed the store with the taxonomy and demo actors."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
) -> None:
    """Serve the API (docs at /docs) on the configured store."""
    import uvicorn

    if demo:
        os.environ["MATCHMAKER_DEMO"] = "true"
    uvicorn.run("api.main:app", host=host, port=port, workers=workers, log_level="info")
