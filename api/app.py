"""The FastAPI application: ``create_app()`` wires settings, store, routers and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

import matchmaker
from api import problems
from api.deps import current_settings
from api.engines import EngineCache, freeze_heap
from api.jobs import JobRunner
from api.middleware import BodyLimit, RequestContext
from api.openapi import complete_openapi
from api.routers import actors, events, health, imports, matches, search, taxonomy
from graph.protocol import GraphStore
from matchmaker.settings import Settings, get_settings

STATIC = Path(__file__).resolve().parent / "static"

EMBEDDED_THREADS = 2
"""Threads per worker for plain ``def`` handlers on the embedded store (anyio's default is 40).
Its requests are pure Python and numpy under one GIL, and 50 of them at once in 40 threads
halved a worker's throughput (benchmarks/load.py: ~285 against ~530 requests/s on two cores
at 50 connections). A store that waits on the network (Neo4j) keeps the default."""

DESCRIPTION = """
Ranked, explained partner lists for cluster managers, B2B event schedules for organisers and a
multilingual search for researchers in metal additive manufacturing.

Authentication: send an API key as `Authorization: Bearer <key>` (or `X-API-Key`). Roles:
`read`, `organiser` (events), `admin` (actors and imports). Reads may be public by
configuration. Errors are RFC 9457 `application/problem+json`.
"""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app.

    Parameters
    ----------
    settings
        Defaults to :func:`matchmaker.settings.get_settings`; when given, it also overrides the
        settings dependency (:func:`api.deps.current_settings`).
    store
        An already opened store (tests); otherwise the lifespan opens the configured one and,
        with ``MATCHMAKER_DEMO``, seeds it with the taxonomy and the demo ecosystem.
    """
    cfg = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        if store is None:
            from graph.factory import open_store

            opened = open_store(cfg)
            if cfg.demo:
                from graph.seed import seed_demo

                seed_demo(opened)
            app.state.store = opened
            freeze_heap()
            if opened.name == "memory":
                to_thread.current_default_thread_limiter().total_tokens = EMBEDDED_THREADS
        else:
            app.state.store = store
        try:
            yield
        finally:
            app.state.jobs.shutdown()
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="matchmaker",
        version=matchmaker.__version__,
        summary="Matchmaking for metal additive-manufacturing actors across European regions",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    if settings is not None:
        app.dependency_overrides[current_settings] = lambda: settings
    problems.install(app)
    if cfg.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cfg.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Request-ID", "Location"],
        )
    app.add_middleware(BodyLimit, max_bytes=cfg.max_body_bytes)
    app.add_middleware(RequestContext)
    app.include_router(health.router)
    app.include_router(actors.router)
    app.include_router(taxonomy.router)
    app.include_router(matches.router)
    app.include_router(search.router)
    app.include_router(events.router)
    app.state.jobs = JobRunner()
    app.include_router(imports.router)
    app.state.engines = EngineCache(freeze=store is None)
    app.openapi = lambda: complete_openapi(app)  # type: ignore[method-assign]
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="web")
    return app
