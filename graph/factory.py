"""Open the store the settings ask for."""

from __future__ import annotations

from graph.protocol import GraphStore
from matchmaker.errors import ConfigurationError
from matchmaker.settings import Settings


def open_store(settings: Settings) -> GraphStore:
    """Open the configured store.

    Parameters
    ----------
    settings
        ``settings.store`` picks the backend: ``"memory"`` opens a
        :class:`~graph.memory.MemoryStore` persisted to ``settings.data_file`` (kept in memory
        only when that is ``None``); ``"neo4j"`` connects with the ``neo4j_*`` settings.

    Returns
    -------
    GraphStore
        An open store; the caller closes it.

    Raises
    ------
    ConfigurationError
        For an unknown store name.
    StoreError
        If the memory store's data file is corrupt, or Neo4j cannot be reached.

    Examples
    --------
    >>> store = open_store(Settings(MATCHMAKER_STORE="memory"))
    >>> store.name
    'memory'
    """
    if settings.store == "memory":
        from graph.memory import MemoryStore

        return MemoryStore(settings.data_file)
    if settings.store == "neo4j":
        from graph.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore.from_settings(settings)
        return store
    raise ConfigurationError(f"MATCHMAKER_STORE: unknown store '{settings.store}'")
