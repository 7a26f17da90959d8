"""Writes and deletions in one atomic step (what a merge needs), on both stores."""

from __future__ import annotations

import pytest

from graph.protocol import GraphStore
from matchmaker.errors import BatchRejected, Conflict, NotFound
from matchmaker.models import Actor, Membership
from tests.store import sample


def _moved(store: GraphStore, ident: str, old: str, new: str) -> Actor:
    actor = store.get_actor(ident)
    memberships = [m for m in actor.memberships if m.cluster != old]
    if all(m.cluster != new for m in memberships):
        memberships.append(Membership(cluster=new))
    return actor.model_copy(update={"memberships": memberships})


def test_members_move_and_the_old_cluster_goes_in_one_write(loaded: GraphStore) -> None:
    moved = [
        _moved(loaded, m, "cl-bavaria", "cl-am-austria") for m in ("ded-works", "fraunhofer-x")
    ]
    report = loaded.replace_actors(moved, ["cl-bavaria"])
    assert sorted(report.updated) == ["ded-works", "fraunhofer-x"]
    with pytest.raises(NotFound):
        loaded.get_actor("cl-bavaria")
    assert "fraunhofer-x" in loaded.members("cl-am-austria")
    assert loaded.counts().actors == len(sample.ACTOR_IDS) - 1


def test_a_member_left_behind_stops_the_whole_write(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    moved = [_moved(loaded, "ded-works", "cl-bavaria", "cl-am-austria")]
    with pytest.raises(Conflict, match="'cl-bavaria' is referenced by fraunhofer-x"):
        loaded.replace_actors(moved, ["cl-bavaria"])
    assert loaded.snapshot() == before


def test_a_batch_actor_pointing_at_a_deleted_one_conflicts(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    joined = sample.actor("newcomer", memberships=[{"cluster": "cl-bavaria"}])
    moved = [
        _moved(loaded, m, "cl-bavaria", "cl-am-austria") for m in ("ded-works", "fraunhofer-x")
    ]
    with pytest.raises(Conflict, match="newcomer"):
        loaded.replace_actors([*moved, joined], ["cl-bavaria"])
    assert loaded.snapshot() == before


@pytest.mark.parametrize(
    ("delete", "error", "match"),
    [(["ghost"], NotFound, "ghost"), (["metal-hellas"], Conflict, "both write and delete")],
)
def test_bad_deletions_write_nothing(
    loaded: GraphStore, delete: list[str], error: type[Exception], match: str
) -> None:
    before = loaded.snapshot()
    renamed = loaded.get_actor("metal-hellas").model_copy(update={"name": "Renamed"})
    with pytest.raises(error, match=match):
        loaded.replace_actors([renamed], delete)
    assert loaded.snapshot() == before


def test_a_rejected_batch_deletes_nothing(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    dangling = sample.actor("orphan", memberships=[{"cluster": "no-such-cluster"}])
    with pytest.raises(BatchRejected):
        loaded.replace_actors([dangling], ["metal-hellas"])
    assert loaded.snapshot() == before
