"""``matchmaker serve``: the HTTP API and web page."""

from __future__ import annotations

import os
from typing import Any

import typer


def log_config() -> dict[str, Any]:
    """uvicorn's logging plus the app's structured lines (one JSON object per line)."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG}
    config["formatters"] = {**config["formatters"], "plain": {"format": "%(message)s"}}
    config["handlers"] = {
        **config["handlers"],
        "app": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        },
    }
    config["loggers"] = {
        **config["loggers"],
        "matchmaker": {"handlers": ["app"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    }
    return config


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="TCP port."),
    demo: bool = typer.Option(False, help="Seed the store with the taxonomy and demo actors."),
    public_reads: bool | None = typer.Option(
        None, help="Allow reads without a key (default: on with --demo)."
    ),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
) -> None:
    """Serve the API (docs at /docs) and the web page on the configured store."""
    import uvicorn

    if demo:
        os.environ["MATCHMAKER_DEMO"] = "true"
    if public_reads or (public_reads is None and demo):
        os.environ["MATCHMAKER_PUBLIC_READS"] = "true"
    uvicorn.run("api.main:app", host=host, port=port, workers=workers, log_config=log_config())
