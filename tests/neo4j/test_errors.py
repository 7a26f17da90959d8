"""Driver failures surface as the project's own errors."""

from __future__ import annotations

import pytest

from graph.local_neo4j import free_port
from graph.neo4j_store import Neo4jStore
from matchmaker.errors import ConfigurationError, StoreError, StoreUnavailable
from matchmaker.settings import Settings

pytestmark = pytest.mark.neo4j


def test_nothing_listening_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="unreachable"):
        Neo4jStore(uri=f"bolt://127.0.0.1:{free_port()}", connection_timeout=2, max_retry_time=1)


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "127.0.0.1:7687", "ftp://x"])
def test_unsupported_uri_is_a_configuration_error(uri: str) -> None:
    with pytest.raises(ConfigurationError, match="NEO4J_URI"):
        Neo4jStore(uri=uri)


def test_closed_store_refuses_calls(neo4j_uri: str) -> None:
    store = Neo4jStore(uri=neo4j_uri)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.ping()


def test_from_settings_and_routing_uri(neo4j_uri: str) -> None:
    routed = neo4j_uri.replace("bolt://", "neo4j://")
    settings = Settings(neo4j_uri=routed, neo4j_user="neo4j", neo4j_database="neo4j")
    store = Neo4jStore.from_settings(settings)
    try:
        store.ping()
        assert (store.name, store.uri, store.database) == ("neo4j", routed, "neo4j")
        store.counts()
    finally:
        store.close()


def test_unknown_database_is_a_store_error(neo4j_uri: str) -> None:
    with pytest.raises(StoreError, match="Neo4j failed"):
        Neo4jStore(uri=neo4j_uri, database="nosuchdb")
