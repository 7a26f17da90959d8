"""Dependencies shared by the routers, named once as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from graph.protocol import GraphStore
from matchmaker.settings import Settings, get_settings


def get_store(request: Request) -> GraphStore:
    """The store opened by the app's lifespan."""
    store: GraphStore = request.app.state.store
    return store


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

IdPath = Annotated[str, Path(min_length=1, max_length=128, description="an id (slug)")]
