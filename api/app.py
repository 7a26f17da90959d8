"""The FastAPI application: ``create_app()`` wires settings, store, routers and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import matchmaker
from api import problems
from api.routers import health
from graph.protocol import GraphStore
from matchmaker.settings import Settings, get_settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app.

    Parameters
    ----------
    settings
        Defaults to :func:`matchmaker.settings.get_settings`.
    store
        An already opened store (tests); otherwise the lifespan opens the configured one and,
        with ``MATCHMAKER_DEMO``, seeds it with the taxonomy and the demo ecosystem.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cfg = settings or get_settings()
        owned = store is None
        if store is None:
            from graph.factory import open_store

            opened = open_store(cfg)
            if cfg.demo:
                from graph.seed import seed_demo

                seed_demo(opened)
            app.state.store = opened
        else:
            app.state.store = store
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="matchmaker",
        version=matchmaker.__version__,
        summary="Matchmaking for metal additive-manufacturing actors across European regions",
        lifespan=lifespan,
    )
    problems.install(app)
    app.include_router(health.router)
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="web")
    return app
