"""Actors: create, read, update, delete, list with filters and keyset pagination."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel

from api.deps import IdPath, SettingsDep, StoreDep
from api.engines import EnginesDep
from api.security import Admin, Reader
from graph.protocol import ActorQuery, GraphStore, Page
from matchmaker.errors import Conflict, NotFound, PreconditionFailed
from matchmaker.models import Actor, ActorKind

router = APIRouter(prefix="/actors", tags=["actors"])


def etag_of(actor: Actor) -> str:
    """A strong ETag over the actor's canonical JSON."""
    digest = hashlib.sha256(actor.model_dump_json().encode()).hexdigest()[:32]
    return f'"{digest}"'


def _check_if_match(store: GraphStore, actor_id: str, if_match: str | None) -> Actor | None:
    try:
        current = store.get_actor(actor_id)
    except NotFound:
        if if_match not in (None, "*"):
            raise PreconditionFailed(f"actor '{actor_id}' does not exist (If-Match)") from None
        return None
    if if_match is not None and if_match != "*":
        tags = {tag.strip() for tag in if_match.split(",")}
        if etag_of(current) not in tags:
            raise PreconditionFailed(
                f"actor '{actor_id}' was changed by someone else; reload it and retry"
            )
    return current


class DeleteResult(BaseModel):
    deleted: str


@router.get("", response_model=Page)
def list_actors(
    store: StoreDep,
    settings: SettingsDep,
    _: Reader,
    kind: Annotated[list[ActorKind] | None, Query(description="actor kinds (OR)")] = None,
    region: Annotated[list[str] | None, Query(description="NUTS code prefixes")] = None,
    country: Annotated[list[str] | None, Query(description="ISO alpha-2")] = None,
    concept: Annotated[list[str] | None, Query(description="concept ids (OR)")] = None,
    cluster: Annotated[str | None, Query(description="members of this cluster")] = None,
    q: Annotated[str | None, Query(max_length=200, description="name contains")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    after: Annotated[str | None, Query(description="cursor: next_after of the last page")] = None,
) -> Page:
    """Actors ordered by id, filtered; follow ``next_after`` for the next page."""
    query = ActorQuery(
        kinds=kind or [],
        regions=region or [],
        countries=[c.upper() for c in country or []],
        concepts=concept or [],
        cluster=cluster,
        name_contains=q,
    )
    return store.list_actors(query, limit=min(limit, settings.max_page_size), after=after)


@router.get("/{actor_id}", response_model=Actor)
def get_actor(actor_id: IdPath, store: StoreDep, response: Response, _: Reader) -> Actor:
    """One actor; its ``ETag`` goes with ``If-Match`` on updates."""
    actor = store.get_actor(actor_id)
    response.headers["ETag"] = etag_of(actor)
    return actor


@router.post(
    "",
    response_model=Actor,
    status_code=status.HTTP_201_CREATED,
)
def create_actor(
    actor: Actor, store: StoreDep, engines: EnginesDep, response: Response, _: Admin
) -> Actor:
    """Create an actor; 409 if the id is taken."""
    if store.get_actors([actor.id]):
        raise Conflict(f"actor '{actor.id}' exists; use PUT /actors/{actor.id} to replace it")
    store.upsert_actor(actor)
    engines.invalidate()
    response.headers["ETag"] = etag_of(actor)
    response.headers["Location"] = f"/actors/{actor.id}"
    return actor


@router.put(
    "/{actor_id}",
    response_model=Actor,
    responses={201: {"model": Actor, "description": "created (no actor had this id)"}},
)
def replace_actor(
    actor_id: IdPath,
    actor: Actor,
    store: StoreDep,
    engines: EnginesDep,
    response: Response,
    _: Admin,
    if_match: Annotated[str | None, Header(description="ETag from GET")] = None,
) -> Actor:
    """Create or replace an actor. Send ``If-Match`` so concurrent edits do not overwrite."""
    if actor.id != actor_id:
        raise Conflict(f"body id '{actor.id}' differs from path id '{actor_id}'")
    existed = _check_if_match(store, actor_id, if_match) is not None
    store.upsert_actor(actor)
    engines.invalidate()
    response.headers["ETag"] = etag_of(actor)
    if not existed:
        response.status_code = status.HTTP_201_CREATED
    return actor


@router.delete("/{actor_id}", response_model=DeleteResult)
def delete_actor(
    actor_id: IdPath,
    store: StoreDep,
    engines: EnginesDep,
    _: Admin,
    cascade: bool = False,
    if_match: Annotated[str | None, Header(description="ETag from GET")] = None,
) -> DeleteResult:
    """Delete an actor; 409 if others reference it, unless ``cascade``."""
    if _check_if_match(store, actor_id, if_match) is None:
        raise NotFound("actor", actor_id)
    store.delete_actor(actor_id, cascade=cascade)
    engines.invalidate()
    return DeleteResult(deleted=actor_id)
