"""``matchmaker apikey``: mint API keys; only their hashes go into the configuration."""

from __future__ import annotations

import json
import secrets

import typer

from matchmaker.settings import ApiKey, Role, hash_key


def new_key(
    name: str = typer.Argument(..., help="Who or what uses the key (e.g. 'aura-cluster-portal')."),
    role: Role = typer.Option(Role.READ, help="read, organiser (events) or admin."),
) -> None:
    """Print a new random key once, and the entry to append to MATCHMAKER_API_KEYS."""
    key = secrets.token_urlsafe(32)
    entry = ApiKey(name=name, role=role, sha256=hash_key(key))
    typer.echo(f"key (shown once, give it to {name}): {key}")
    typer.echo(f"MATCHMAKER_API_KEYS entry: {json.dumps(entry.model_dump(mode='json'))}")
