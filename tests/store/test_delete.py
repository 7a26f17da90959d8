"""Deleting actors: NotFound, Conflict on references, cascade, atomic multi-delete."""

from __future__ import annotations

import pytest

from graph.protocol import GraphStore
from matchmaker.errors import Conflict, NotFound
from tests.store import sample


def test_delete_unreferenced_actor(loaded: GraphStore) -> None:
    loaded.delete_actor("metal-hellas")
    with pytest.raises(NotFound):
        loaded.get_actor("metal-hellas")
    assert loaded.counts().actors == len(sample.ACTOR_IDS) - 1


def test_delete_missing_actor_raises_not_found(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    with pytest.raises(NotFound, match="ghost"):
        loaded.delete_actor("ghost")
    assert loaded.snapshot() == before


def test_delete_referenced_cluster_conflicts_and_names_the_members(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    with pytest.raises(Conflict) as info:
        loaded.delete_actor("cl-bavaria")
    assert "ded-works" in str(info.value)
    assert "fraunhofer-x" in str(info.value)
    assert loaded.snapshot() == before


def test_delete_referenced_organisation_conflicts(loaded: GraphStore) -> None:
    with pytest.raises(Conflict, match="expert-anna"):
        loaded.delete_actor("tu-graz")
    assert loaded.get_actor("tu-graz").id == "tu-graz"


def test_cascade_removes_memberships_from_members(loaded: GraphStore) -> None:
    loaded.delete_actor("cl-am-austria", cascade=True)
    ded = loaded.get_actor("ded-works")
    assert [m.cluster for m in ded.memberships] == ["cl-bavaria"]
    assert loaded.get_actor("acme-additive").memberships == []
    assert loaded.get_actor("tu-graz").memberships == []
    assert loaded.members("cl-bavaria") == ["ded-works", "fraunhofer-x"]
    assert loaded.counts().memberships == 2


def test_cascade_clears_affiliation_and_drops_projects(loaded: GraphStore) -> None:
    loaded.delete_actor("tu-graz", cascade=True)
    assert loaded.get_actor("expert-anna").affiliation is None
    assert loaded.get_project("p-amnet").participants == ["acme-additive", "fraunhofer-x"]
    assert loaded.get_project("p-waam").participants == ["ded-works"]
    loaded.delete_actor("ded-works", cascade=True)
    with pytest.raises(NotFound):
        loaded.get_project("p-waam")
    assert loaded.counts().projects == 1


def test_delete_actors_together_with_their_referrers_needs_no_cascade(
    loaded: GraphStore,
) -> None:
    deleted = loaded.delete_actors(["cl-bavaria", "fraunhofer-x", "ded-works"])
    assert deleted == 3
    assert loaded.counts().actors == len(sample.ACTOR_IDS) - 3
    assert "ded-works" not in loaded.members("cl-am-austria")


def test_delete_actors_is_all_or_none(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    with pytest.raises(Conflict):
        loaded.delete_actors(["metal-hellas", "cl-bavaria"])
    assert loaded.snapshot() == before


def test_delete_actors_skips_missing_ids_and_counts_the_rest(loaded: GraphStore) -> None:
    assert loaded.delete_actors(["ghost", "metal-hellas", "metal-hellas"]) == 1
    assert loaded.delete_actors([]) == 0
    assert loaded.delete_actors(["ghost"]) == 0


def test_delete_actors_with_cascade(loaded: GraphStore) -> None:
    assert loaded.delete_actors(["cl-bavaria", "cl-am-austria"], cascade=True) == 2
    assert loaded.counts().memberships == 0
    assert loaded.get_actor("ded-works").memberships == []


def test_clear_removes_everything(loaded: GraphStore) -> None:
    loaded.clear()
    snap = loaded.snapshot()
    assert (snap.actors, snap.concepts, snap.projects) == ([], [], [])
    assert loaded.counts().actors == 0
