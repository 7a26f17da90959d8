"""Dependencies shared by the routers, named once as ``Annotated`` aliases.

Dependencies that only read app state are ``async``: FastAPI runs a plain ``def`` dependency in
its thread pool, and every such hop costs a GIL handoff per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from graph.protocol import GraphStore
from matchmaker.settings import Settings, get_settings


async def get_store(request: Request) -> GraphStore:
    """The store opened by the app's lifespan."""
    store: GraphStore = request.app.state.store
    return store


async def current_settings() -> Settings:
    """The process's settings (:func:`matchmaker.settings.get_settings`); apps override this."""
    return get_settings()


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(current_settings)]

IdPath = Annotated[str, Path(min_length=1, max_length=128, description="an id (slug)")]
