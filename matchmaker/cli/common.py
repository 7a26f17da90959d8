"""Shared CLI plumbing: opening the configured store (seeded with the demo data on request)."""

from __future__ import annotations

from graph.factory import open_store
from graph.protocol import GraphStore
from matchmaker.settings import get_settings


def open_cli_store(*, demo: bool = False) -> GraphStore:
    """Open the store the settings name; seed an empty memory store with the taxonomy and the
    demo actors when ``demo`` or ``MATCHMAKER_DEMO`` is set. The caller closes it.

    Raises
    ------
    ConfigurationError, StoreError
        As :func:`graph.factory.open_store`.
    """
    settings = get_settings()
    store = open_store(settings)
    if (demo or settings.demo) and store.name == "memory" and store.counts().actors == 0:
        from graph.seed import seed_demo

        seed_demo(store)
    return store
