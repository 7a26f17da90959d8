"""Seeding a store with the taxonomy and the shipped demo ecosystem."""

from __future__ import annotations

import json
from pathlib import Path

from graph.protocol import GraphStore, WriteReport
from matchmaker.errors import StoreError
from matchmaker.models import Actor

DEMO_ACTORS = Path(__file__).resolve().parent.parent / "fixtures" / "demo" / "actors.json"


def read_actors_file(path: Path) -> list[Actor]:
    """Read a JSON list (or JSON Lines) of actors.

    Raises
    ------
    StoreError
        If the file is missing or not valid JSON; pydantic's ``ValidationError`` names the
        offending field for invalid actors.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise StoreError(f"cannot read actors file {path}: {e}") from e
    try:
        if path.suffix == ".jsonl":
            raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise StoreError(f"{path}: not valid JSON at line {e.lineno}: {e.msg}") from e
    return [Actor.model_validate(item) for item in raw]


def seed_demo(store: GraphStore, actors_file: Path = DEMO_ACTORS) -> WriteReport:
    """Load the default taxonomy and the demo actors into ``store`` (idempotent)."""
    from graph.taxonomy_loader import load_taxonomy_into

    load_taxonomy_into(store)
    return store.upsert_actors(read_actors_file(actors_file))
