"""Creating, reading, replacing actors, one at a time and in batches."""

from __future__ import annotations

import pytest

from graph.protocol import GraphStore, Outcome
from matchmaker.errors import NotFound
from tests.store import sample


def test_empty_store_has_nothing(store: GraphStore) -> None:
    snap = store.snapshot()
    assert (snap.actors, snap.concepts, snap.projects) == ([], [], [])
    assert store.list_actors().total == 0


def test_upsert_single_actor_reports_created_then_unchanged_then_updated(
    store: GraphStore,
) -> None:
    acme = sample.actor("acme", region="AT13", description="first")
    assert store.upsert_actor(acme) is Outcome.CREATED
    assert store.upsert_actor(acme) is Outcome.UNCHANGED
    changed = sample.actor("acme", region="AT13", description="second")
    assert store.upsert_actor(changed) is Outcome.UPDATED
    assert store.get_actor("acme") == changed


def test_get_actor_returns_an_equal_actor(loaded: GraphStore) -> None:
    for expected in sample.actors():
        assert loaded.get_actor(expected.id) == expected


def test_get_missing_actor_raises_not_found(loaded: GraphStore) -> None:
    with pytest.raises(NotFound, match="nobody"):
        loaded.get_actor("nobody")


def test_get_actors_returns_present_ids_in_id_order(loaded: GraphStore) -> None:
    got = loaded.get_actors(["tu-graz", "nobody", "acme-additive", "tu-graz"])
    assert [a.id for a in got] == ["acme-additive", "tu-graz"]
    assert loaded.get_actors([]) == []


def test_batch_report_lists_ids_sorted(store: GraphStore) -> None:
    store.upsert_concepts(sample.concepts())
    report = store.upsert_actors(sample.actors())
    assert report.created == sample.ACTOR_IDS
    assert report.updated == report.unchanged == []
    assert report.total == len(sample.ACTOR_IDS)


def test_reimport_is_idempotent(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    report = loaded.upsert_actors(sample.actors())
    assert report.unchanged == sample.ACTOR_IDS
    assert report.created == report.updated == []
    concept_report = loaded.upsert_concepts(sample.concepts())
    assert concept_report.unchanged == sorted(c.id for c in sample.concepts())
    assert loaded.snapshot() == before


def test_mixed_batch_reports_each_outcome(loaded: GraphStore) -> None:
    renamed = loaded.get_actor("metal-hellas").model_copy(update={"name": "Metal Hellas AE"})
    report = loaded.upsert_actors(
        [renamed, loaded.get_actor("tu-graz"), sample.actor("newco", region="SE11")]
    )
    assert (report.created, report.updated, report.unchanged) == (
        ["newco"],
        ["metal-hellas"],
        ["tu-graz"],
    )
    assert loaded.get_actor("metal-hellas").name == "Metal Hellas AE"


def test_replacing_an_actor_replaces_its_relations(loaded: GraphStore) -> None:
    tu = loaded.get_actor("tu-graz")
    moved = tu.model_copy(
        update={"memberships": [], "collaborations": [], "competences": [], "region": "AT13"}
    )
    assert loaded.upsert_actor(moved) is Outcome.UPDATED
    assert "tu-graz" not in loaded.members("cl-am-austria")
    assert loaded.get_project("p-amnet").participants == ["acme-additive", "fraunhofer-x"]
    assert loaded.get_project("p-waam").participants == ["ded-works"]
    assert loaded.affiliates("tu-graz") == ["expert-anna"]
    assert loaded.get_actor("tu-graz") == moved


def test_stored_actor_is_isolated_from_caller_mutation(store: GraphStore) -> None:
    acme = sample.actor("acme", aliases=["Acme"])
    store.upsert_actor(acme)
    acme.aliases.append("Changed later")
    acme.name = "Renamed later"
    fetched = store.get_actor("acme")
    assert fetched.aliases == ["Acme"]
    assert fetched.name == "Acme"
    fetched.aliases.append("Mutated copy")
    assert store.get_actor("acme").aliases == ["Acme"]


def test_actor_referencing_a_cluster_in_the_same_batch_later_row(store: GraphStore) -> None:
    store.upsert_concepts(sample.concepts())
    member = sample.actor("member", memberships=[{"cluster": "late-cluster"}])
    cluster = sample.actor("late-cluster", kind="cluster")
    report = store.upsert_actors([member, cluster])
    assert report.created == ["late-cluster", "member"]
    assert store.members("late-cluster") == ["member"]


def test_empty_batch_writes_nothing(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    assert loaded.upsert_actors([]).total == 0
    assert loaded.snapshot() == before
