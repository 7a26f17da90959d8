"""generate_actors: deterministic, valid, and every reference points backwards."""

from __future__ import annotations

import pytest

from matchmaker.errors import ConfigurationError
from matchmaker.generate import generate_actors
from matchmaker.models import Actor, ActorKind


def dump(n: int, seed: int) -> list[str]:
    return [a.model_dump_json() for a in generate_actors(n, seed=seed)]


def test_same_seed_same_output() -> None:
    assert dump(400, seed=7) == dump(400, seed=7)


def test_different_seed_different_output() -> None:
    assert dump(400, seed=7) != dump(400, seed=8)


def test_count_and_unique_ids() -> None:
    actors = list(generate_actors(1000, seed=1))
    assert len(actors) == 1000
    assert len({a.id for a in actors}) == 1000


def test_every_actor_round_trips() -> None:
    for actor in generate_actors(300, seed=2):
        assert Actor.model_validate_json(actor.model_dump_json()) == actor


def test_references_point_at_earlier_actors_of_the_right_kind() -> None:
    seen: dict[str, ActorKind] = {}
    memberships = affiliations = 0
    for actor in generate_actors(3000, seed=4):
        for m in actor.memberships:
            assert seen[m.cluster] is ActorKind.CLUSTER
            memberships += 1
        if actor.affiliation is not None:
            assert seen[actor.affiliation] in (
                ActorKind.COMPANY,
                ActorKind.RESEARCH,
                ActorKind.UNIVERSITY,
            )
            affiliations += 1
        seen[actor.id] = actor.kind
    assert memberships > 0
    assert affiliations > 0


def test_clusters_come_first() -> None:
    kinds = [a.kind for a in generate_actors(500, seed=5)]
    first_other = next(i for i, k in enumerate(kinds) if k is not ActorKind.CLUSTER)
    assert first_other > 0
    assert ActorKind.CLUSTER not in kinds[first_other:]


def test_projects_are_shared() -> None:
    participants: dict[str, int] = {}
    for actor in generate_actors(2000, seed=6):
        for c in actor.collaborations:
            participants[c.project] = participants.get(c.project, 0) + 1
    assert participants
    assert sum(n >= 2 for n in participants.values()) >= 0.7 * len(participants)


def test_concept_ids_restrict_the_vocabulary() -> None:
    allowed = ["proc.pbf.lb_m", "mat.ti.ti64", "vc.post.hip"]
    for actor in generate_actors(300, seed=1, concept_ids=allowed):
        assert actor.concept_ids() <= set(allowed)


def test_zero_actors() -> None:
    assert list(generate_actors(0)) == []


def test_negative_count_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="must be >= 0"):
        list(generate_actors(-1))


def test_empty_concept_ids_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="concept_ids is empty"):
        list(generate_actors(5, concept_ids=[]))
