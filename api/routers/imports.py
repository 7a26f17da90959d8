"""Bulk import, merge and unmerge of actors (admin only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import IdPath, StoreDep
from api.engines import EnginesDep
from api.security import Admin
from matchmaker.errors import RowProblem, ValidationFailed
from matchmaker.importing.apply import import_parsed
from matchmaker.importing.formats import Format, parse_text
from matchmaker.merge import merge_in_store, resolve_actor_id, unmerge_in_store
from matchmaker.models import Actor

router = APIRouter(prefix="/actors", tags=["import"])

_BY_TYPE = {"text/csv": None, "application/json": Format.JSON, "application/x-ndjson": Format.JSON}


@router.post("/import")
async def import_actors(
    request: Request,
    store: StoreDep,
    engines: EnginesDep,
    principal: Admin,
    format: Annotated[Format | None, Query(description="default: from the content type")] = None,
    dry_run: Annotated[bool, Query(description="report only, write nothing")] = False,
    skip_invalid: Annotated[bool, Query(description="import the valid rows only")] = False,
    duplicates: Annotated[bool, Query(description="report possible duplicates")] = True,
) -> dict[str, Any]:
    """Import a CSV (``text/csv``, any format but ``mapped``) or JSON body as one atomic batch.

    Returns the row-level report (created, updated, unchanged, rejected, warnings, skipped,
    duplicates). A batch with an invalid row is rejected whole: 422 problem+json listing each
    row and column.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _BY_TYPE:
        message = "send text/csv, application/json or application/x-ndjson"
        raise ValidationFailed(message, [RowProblem(None, "content-type", message)])
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"the body is not UTF-8 (byte {error.start})"
        raise ValidationFailed(message, [RowProblem(None, "body", message)]) from error
    chosen, parsed = parse_text(text, format or _BY_TYPE[content_type])
    report = import_parsed(
        store,
        parsed,
        source=f"api:{principal.name}",
        at=datetime.now(UTC),
        fmt=chosen.value,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        duplicates=duplicates,
    )
    if not dry_run and (report.created or report.updated):
        engines.invalidate()
    return report.as_dict()


@router.post("/{keep_id}/merge/{other_id}", response_model=Actor)
def merge_actors(
    keep_id: IdPath, other_id: IdPath, store: StoreDep, engines: EnginesDep, principal: Admin
) -> Actor:
    """Merge ``other_id`` into ``keep_id`` (reversible with ``unmerge``); returns the result."""
    keep = resolve_actor_id(store, keep_id)
    merged = merge_in_store(
        store, keep, other_id, at=datetime.now(UTC), source=f"api:{principal.name}"
    )
    engines.invalidate()
    return merged


@router.post("/{keep_id}/unmerge/{other_id}", response_model=list[Actor])
def unmerge_actors(
    keep_id: IdPath, other_id: IdPath, store: StoreDep, engines: EnginesDep, _: Admin
) -> list[Actor]:
    """Undo a merge; returns the kept actor and the restored one."""
    keep, other = unmerge_in_store(store, keep_id, other_id)
    engines.invalidate()
    return [keep, other]
