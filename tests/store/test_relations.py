"""Members, affiliates, collaborators, derived projects and counts."""

from __future__ import annotations

import pytest

from graph.protocol import GraphStore
from matchmaker.errors import NotFound
from matchmaker.models import Project
from tests.store import sample


def test_members(loaded: GraphStore) -> None:
    assert loaded.members("cl-am-austria") == ["acme-additive", "ded-works", "tu-graz"]
    assert loaded.members("cl-bavaria") == ["ded-works", "fraunhofer-x"]


@pytest.mark.parametrize("ident", ["nowhere", "acme-additive"])
def test_members_of_a_non_cluster_is_not_found(loaded: GraphStore, ident: str) -> None:
    with pytest.raises(NotFound):
        loaded.members(ident)


def test_affiliates(loaded: GraphStore) -> None:
    assert loaded.affiliates("tu-graz") == ["expert-anna"]
    assert loaded.affiliates("acme-additive") == []
    with pytest.raises(NotFound):
        loaded.affiliates("nowhere")


def test_collaborators(loaded: GraphStore) -> None:
    assert loaded.collaborators("tu-graz") == [
        ("acme-additive", "p-amnet"),
        ("ded-works", "p-waam"),
        ("fraunhofer-x", "p-amnet"),
    ]
    assert loaded.collaborators("ded-works") == [("tu-graz", "p-waam")]
    assert loaded.collaborators("metal-hellas") == []
    with pytest.raises(NotFound):
        loaded.collaborators("nowhere")


def test_projects_are_derived_from_collaborations(loaded: GraphStore) -> None:
    assert loaded.get_project("p-amnet") == Project(
        id="p-amnet",
        title="AM network",
        year=2020,
        participants=["acme-additive", "fraunhofer-x", "tu-graz"],
    )
    assert [p.id for p in loaded.snapshot().projects] == ["p-amnet", "p-waam"]
    with pytest.raises(NotFound):
        loaded.get_project("p-none")


def test_project_title_follows_the_smallest_participant(loaded: GraphStore) -> None:
    loaded.delete_actor("acme-additive")
    project = loaded.get_project("p-amnet")
    assert (project.title, project.year) == ("AM network (FhG copy)", 2021)
    assert project.participants == ["fraunhofer-x", "tu-graz"]


def test_project_disappears_with_its_last_participant(loaded: GraphStore) -> None:
    for ident in ("ded-works", "tu-graz"):
        actor = loaded.get_actor(ident)
        kept = [c for c in actor.collaborations if c.project != "p-waam"]
        loaded.upsert_actor(actor.model_copy(update={"collaborations": kept}))
    with pytest.raises(NotFound):
        loaded.get_project("p-waam")
    assert loaded.counts().projects == 1


def test_counts(loaded: GraphStore) -> None:
    counts = loaded.counts()
    assert counts.actors == len(sample.ACTOR_IDS)
    assert counts.by_kind == {
        "company": 3,
        "research": 1,
        "university": 1,
        "expert": 1,
        "cluster": 2,
        "public_body": 1,
    }
    assert counts.concepts == len(sample.concepts())
    assert (counts.projects, counts.memberships, counts.collaborations, counts.affiliations) == (
        2,
        5,
        5,
        1,
    )


def test_counts_of_an_empty_store(store: GraphStore) -> None:
    counts = store.counts()
    assert (counts.actors, counts.concepts, counts.projects, counts.memberships) == (0, 0, 0, 0)
    assert sum(counts.by_kind.values()) == 0
