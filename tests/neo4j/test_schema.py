"""Schema creation at store init: constraints exist, are idempotent and are enforced."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from graph.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j

EXPECTED = {
    "actor_id": (["Actor"], ["id"]),
    "concept_id": (["Concept"], ["id"]),
    "project_id": (["Project"], ["id"]),
}


def test_uniqueness_constraints_exist(neo4j_store: Neo4jStore) -> None:
    found = {
        row["name"]: (row["labelsOrTypes"], row["properties"])
        for row in neo4j_store.schema()
        if row["type"] == "UNIQUENESS"
    }
    assert {name: found.get(name) for name in EXPECTED} == EXPECTED


def test_schema_creation_is_idempotent(neo4j_store: Neo4jStore, neo4j_uri: str) -> None:
    before = neo4j_store.schema()
    neo4j_store.ensure_schema()
    second = Neo4jStore(uri=neo4j_uri)
    try:
        assert second.schema() == before
    finally:
        second.close()


def test_indexes_exist(neo4j_driver: Driver) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD name RETURN collect(name) AS names", database_="neo4j"
    )
    assert {"actor_kind", "actor_region", "actor_country"} <= set(records[0]["names"])


def test_duplicate_actor_node_is_refused_by_the_database(
    neo4j_store: Neo4jStore, neo4j_driver: Driver
) -> None:
    neo4j_driver.execute_query("CREATE (:Actor {id: $id})", id="twin", database_="neo4j")
    with pytest.raises(ConstraintError):
        neo4j_driver.execute_query("CREATE (:Actor {id: $id})", id="twin", database_="neo4j")
