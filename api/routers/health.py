"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

import matchmaker
from api.deps import StoreDep
from api.problems import problem
from matchmaker.errors import StoreUnavailable

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    store: str
    version: str


@router.get("/health", response_model=Health)
async def health(store: StoreDep) -> Health:
    """Liveness: the process answers, and which store it uses (on the event loop: it needs no
    handler thread, so it answers while they are all busy)."""
    return Health(status="ok", store=store.name, version=matchmaker.__version__)


@router.get("/ready", response_model=Health, responses={503: {"description": "store unreachable"}})
def ready(store: StoreDep) -> Health | JSONResponse:
    """Readiness: the store answers (503 with Retry-After when it does not)."""
    try:
        store.ping()
    except StoreUnavailable as e:
        return problem(503, "Store unavailable", str(e), headers={"Retry-After": "5"})
    return Health(status="ready", store=store.name, version=matchmaker.__version__)
