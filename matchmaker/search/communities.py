"""Communities: groups of densely connected actors on the collaboration graph."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.protocol import Snapshot
from matchmaker.search.ranking import actor_facts

PROJECT_WEIGHT = 1.0
CLUSTER_WEIGHT = 0.5
AFFILIATION_WEIGHT = 1.0


class Community(BaseModel):
    """A group of actors, the regions it spans and the concepts most of its members state."""

    model_config = ConfigDict(extra="forbid")

    members: list[str]
    regions: dict[str, int]
    dominant_concepts: list[tuple[str, int]]


def actor_graph(snapshot: Snapshot) -> nx.Graph:
    """Actors linked by shared projects (1 per project), shared clusters (0.5 per cluster;
    members are also linked to the cluster itself) and affiliation (1)."""
    graph = nx.Graph()
    graph.add_nodes_from(a.id for a in snapshot.actors)

    def link(u: str, v: str, w: float) -> None:
        if u == v:
            return
        old = graph.get_edge_data(u, v, default={"weight": 0.0})["weight"]
        graph.add_edge(u, v, weight=old + w)

    for project in snapshot.projects:
        for u, v in combinations(project.participants, 2):
            link(u, v, PROJECT_WEIGHT)
    members: dict[str, list[str]] = {}
    for actor in snapshot.actors:
        for m in actor.memberships:
            members.setdefault(m.cluster, []).append(actor.id)
            link(actor.id, m.cluster, CLUSTER_WEIGHT)
        if actor.affiliation:
            link(actor.id, actor.affiliation, AFFILIATION_WEIGHT)
    for group in members.values():
        for u, v in combinations(sorted(group), 2):
            link(u, v, CLUSTER_WEIGHT)
    return graph


def communities(
    snapshot: Snapshot, *, seed: int = 1, min_size: int = 3, top_concepts: int = 5
) -> list[Community]:
    """Louvain communities of the actor graph, largest first (ties: first member id).

    Parameters
    ----------
    seed
        Seed of the Louvain method (same seed, same snapshot: same communities).
    min_size
        Smaller groups (isolated actors included) are left out.
    top_concepts
        How many dominant concepts to name per community (by members stating them, then id).
    """
    graph = actor_graph(snapshot)
    by_id = {a.id: a for a in snapshot.actors}
    groups = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    result: list[Community] = []
    for group in groups:
        if len(group) < min_size:
            continue
        members = sorted(group)
        regions = Counter(by_id[m].region for m in members)
        concepts: Counter[str] = Counter()
        for m in members:
            concepts.update({c for c, *_ in actor_facts(by_id[m])})
        dominant = sorted(concepts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_concepts]
        result.append(
            Community(
                members=members, regions=dict(sorted(regions.items())), dominant_concepts=dominant
            )
        )
    result.sort(key=lambda c: (-len(c.members), c.members[0]))
    return result
