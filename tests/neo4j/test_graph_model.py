"""The relationships the store materialises beside each actor's JSON document."""

from __future__ import annotations

import pytest
from neo4j import Driver

from graph.neo4j_store import Neo4jStore
from tests.store import sample

pytestmark = pytest.mark.neo4j


def _rows(driver: Driver, query: str) -> list[tuple[object, ...]]:
    records, _, _ = driver.execute_query(query, database_="neo4j")
    return sorted(tuple(r.values()) for r in records)


@pytest.fixture
def sampled(neo4j_store: Neo4jStore) -> Neo4jStore:
    sample.load(neo4j_store)
    return neo4j_store


def test_competences_carry_their_level(sampled: Neo4jStore, neo4j_driver: Driver) -> None:
    rows = _rows(
        neo4j_driver,
        "MATCH (a:Actor {id: 'acme-additive'})-[r:HAS_COMPETENCE]->(c:Concept) "
        "RETURN c.id, r.level",
    )
    assert rows == [("mat.ti.ti64", 2), ("proc.pbf.lb_m", 3)]


def test_offers_requests_and_broader_links(sampled: Neo4jStore, neo4j_driver: Driver) -> None:
    offers = _rows(neo4j_driver, "MATCH (a:Actor)-[:OFFERS]->(c:Concept) RETURN a.id, c.id")
    assert offers == [
        ("acme-additive", "proc.pbf.lb_m"),
        ("metal-hellas", "mat.ti.ti64"),
        ("metal-hellas", "svc.testing"),
    ]
    requests = _rows(neo4j_driver, "MATCH (a:Actor)-[:REQUESTS]->(c:Concept) RETURN a.id, c.id")
    assert requests == [("ded-works", "svc.testing")]
    hybrid = _rows(
        neo4j_driver, "MATCH (:Concept {id: 'proc.hybrid'})-[:BROADER]->(p:Concept) RETURN p.id"
    )
    assert hybrid == [("proc.ded",), ("proc.pbf",)]


def test_memberships_affiliations_and_projects(sampled: Neo4jStore, neo4j_driver: Driver) -> None:
    members = _rows(
        neo4j_driver,
        "MATCH (a:Actor)-[r:MEMBER_OF]->(c:Actor {id: 'cl-bavaria'}) RETURN a.id, r.role",
    )
    assert members == [("ded-works", ""), ("fraunhofer-x", "board")]
    affiliated = _rows(
        neo4j_driver, "MATCH (e:Actor)-[:AFFILIATED_WITH]->(o:Actor) RETURN e.id, o.id"
    )
    assert affiliated == [("expert-anna", "tu-graz")]
    projects = _rows(
        neo4j_driver,
        "MATCH (a:Actor)-[r:PARTICIPATED_IN]->(p:Project {id: 'p-amnet'}) RETURN a.id, r.year",
    )
    assert projects == [("acme-additive", 2020), ("fraunhofer-x", 2021), ("tu-graz", 2020)]


def test_update_replaces_relationships_and_drops_orphan_projects(
    sampled: Neo4jStore, neo4j_driver: Driver
) -> None:
    ded = sampled.get_actor("ded-works")
    changed = ded.model_copy(
        update={"competences": [ded.competences[0]], "collaborations": [], "requests": []}
    )
    assert sampled.upsert_actor(changed).value == "updated"
    rels = _rows(
        neo4j_driver,
        "MATCH (:Actor {id: 'ded-works'})-[r]->(x) WHERE NOT type(r) IN ['STATES', 'UNDER'] "
        "RETURN type(r), coalesce(x.id, '')",
    )
    assert rels == [
        ("HAS_COMPETENCE", "proc.ded.waam"),
        ("MEMBER_OF", "cl-am-austria"),
        ("MEMBER_OF", "cl-bavaria"),
    ]
    closure = _rows(
        neo4j_driver,
        "MATCH (:Actor {id: 'ded-works'})-[r:STATES|UNDER]->(c) RETURN type(r), c.id",
    )
    above = sampled.broader("proc.ded.waam")
    assert above
    assert closure == sorted([("STATES", "proc.ded.waam")] + [("UNDER", c) for c in above])
    assert sampled.get_project("p-waam").participants == ["tu-graz"]
    tu = sampled.get_actor("tu-graz")
    sampled.upsert_actor(tu.model_copy(update={"collaborations": tu.collaborations[:1]}))
    assert _rows(neo4j_driver, "MATCH (p:Project) RETURN p.id") == [("p-amnet",)]


def test_actor_document_round_trips_exactly(sampled: Neo4jStore) -> None:
    for actor in sample.actors():
        stored = sampled.get_actor(actor.id)
        assert stored == actor
        assert stored.model_dump_json() == actor.model_dump_json()
