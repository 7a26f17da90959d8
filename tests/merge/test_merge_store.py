"""Merging in a store: references of third actors move and come back; old ids resolve."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.memory import MemoryStore
from graph.taxonomy_loader import load_taxonomy_into
from matchmaker.errors import Conflict, NotFound, ValidationFailed
from matchmaker.merge import merge, merge_in_store, resolve_actor_id, unmerge_in_store
from matchmaker.models import Actor, Competence, Membership

AT = datetime(2025, 2, 2, tzinfo=UTC)


def _actor(ident: str, kind: str = "company", **kw: object) -> Actor:
    return Actor(id=ident, name=ident.upper(), kind=kind, region="AT12", country="AT", **kw)  # type: ignore[arg-type]


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    load_taxonomy_into(s)
    s.upsert_actors(
        [
            _actor("c-old", "cluster", competences=[Competence(concept="mat.ti")]),
            _actor("c-new", "cluster"),
            _actor("m1", memberships=[Membership(cluster="c-old", since=2019, role="board")]),
            _actor("m2", memberships=[Membership(cluster="c-old"), Membership(cluster="c-new")]),
            _actor("x", "expert", affiliation="c-old"),
        ]
    )
    return s


def test_merge_moves_references_and_unmerge_moves_them_back(store: MemoryStore) -> None:
    before = store.snapshot()
    merged = merge_in_store(store, "c-new", "c-old", at=AT, source="cli")
    assert store.get_actors(["c-old"]) == []
    assert store.members("c-new") == ["m1", "m2"]
    assert store.get_actor("m1").memberships[0].model_dump(exclude={"provenance"}) == {
        "cluster": "c-new", "since": 2019, "role": "board",
    }  # fmt: skip
    assert [m.cluster for m in store.get_actor("m2").memberships] == ["c-new"]
    assert store.get_actor("x").affiliation == "c-new"
    assert [c.concept for c in merged.competences] == ["mat.ti"]
    assert resolve_actor_id(store, "c-old") == "c-new"
    unmerge_in_store(store, "c-new", "c-old")
    after = store.snapshot()
    assert after.actors == before.actors


def test_unmerge_refuses_when_the_id_is_taken_again(store: MemoryStore) -> None:
    merge_in_store(store, "m1", "m2", at=AT)
    store.upsert_actor(_actor("m2"))
    with pytest.raises(Conflict):
        unmerge_in_store(store, "m1", "m2")
    with pytest.raises(NotFound):
        unmerge_in_store(store, "m1", "nobody")


def test_resolver_follows_chained_merges(store: MemoryStore) -> None:
    merge_in_store(store, "m1", "m2", at=AT)
    store.upsert_actor(_actor("m3"))
    merge_in_store(store, "m3", "m1", at=AT)
    assert resolve_actor_id(store, "m2") == "m3"
    with pytest.raises(NotFound):
        resolve_actor_id(store, "never")


def test_cannot_merge_an_actor_with_itself() -> None:
    with pytest.raises(ValidationFailed):
        merge(_actor("a"), _actor("a"), at=AT)
