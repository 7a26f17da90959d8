"""Consistency rules every store state must satisfy, checked from the public API only."""

from __future__ import annotations

from collections import Counter

from graph.protocol import GraphStore
from matchmaker.models import ActorKind


def check_invariants(store: GraphStore) -> None:
    """Assert that references resolve and that relations, projects and counts agree."""
    snap = store.snapshot()
    actors = {a.id: a for a in snap.actors}
    assert [a.id for a in snap.actors] == sorted(actors)
    concepts = {c.id for c in snap.concepts}
    for actor in snap.actors:
        assert actor.concept_ids() <= concepts, actor.id
        for membership in actor.memberships:
            assert actors[membership.cluster].kind == ActorKind.CLUSTER, actor.id
        if actor.affiliation is not None:
            assert actors[actor.affiliation].kind != ActorKind.EXPERT, actor.id
    for concept in snap.concepts:
        assert set(concept.broader) <= concepts, concept.id

    named: dict[str, list[str]] = {}
    for actor in snap.actors:
        for project_id in dict.fromkeys(c.project for c in actor.collaborations):
            named.setdefault(project_id, []).append(actor.id)
    assert [p.id for p in snap.projects] == sorted(named)
    for project in snap.projects:
        assert project.participants == named[project.id]
        first = next(
            c for c in actors[project.participants[0]].collaborations if c.project == project.id
        )
        assert (project.title, project.year) == (first.title, first.year)

    for cluster in (a for a in snap.actors if a.kind == ActorKind.CLUSTER):
        expected = [
            a.id for a in snap.actors if any(m.cluster == cluster.id for m in a.memberships)
        ]
        assert store.members(cluster.id) == expected

    counts = store.counts()
    kinds = Counter(a.kind.value for a in snap.actors)
    assert {k: v for k, v in counts.by_kind.items() if v} == dict(kinds)
    assert counts.actors == len(snap.actors) == store.list_actors().total
    assert counts.concepts == len(snap.concepts)
    assert counts.projects == len(snap.projects)
    assert counts.memberships == sum(len(a.memberships) for a in snap.actors)
    assert counts.affiliations == sum(a.affiliation is not None for a in snap.actors)
    assert counts.collaborations == sum(len(p.participants) for p in snap.projects)
