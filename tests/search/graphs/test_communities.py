"""Communities on the small ecosystem, checked by hand."""

from __future__ import annotations

from graph.protocol import Snapshot
from matchmaker.search.communities import actor_graph, communities


def test_actor_graph_weights(small_snapshot: Snapshot) -> None:
    graph = actor_graph(small_snapshot)
    assert graph["fotec"]["kul"]["weight"] == 1.0  # one shared project
    assert graph["fotec"]["rhp"]["weight"] == 0.5  # one shared cluster
    assert graph["fotec"]["clu-at"]["weight"] == 0.5  # member of the cluster
    assert graph.degree("lonely") == 0


def test_communities_are_deterministic_and_described(small_snapshot: Snapshot) -> None:
    found = communities(small_snapshot, seed=1, min_size=2)
    assert found == communities(small_snapshot, seed=1, min_size=2)
    members = [c.members for c in found]
    assert ["clu-at", "fotec", "rhp"] in members
    everyone = {m for c in found for m in c.members}
    assert "lonely" not in everyone
    assert "ebmlab" not in everyone
    at = next(c for c in found if "rhp" in c.members)
    assert at.regions == {"AT12": 3}
    assert at.dominant_concepts[0] == ("vc.post.hip", 2)
