"""A batch with one bad row is rejected whole, naming row and field; the store is unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from graph.protocol import GraphStore
from matchmaker.errors import BatchRejected, RowProblem
from matchmaker.models import Actor, ActorKind
from tests.store import sample


def _rejected(store: GraphStore, batch: list[Actor]) -> list[RowProblem]:
    before = store.snapshot()
    counts = store.counts()
    with pytest.raises(BatchRejected) as info:
        store.upsert_actors(batch)
    assert store.snapshot() == before
    assert store.counts() == counts
    return info.value.problems


def _good(ident: str, **fields: Any) -> Actor:
    return sample.actor(ident, region="FR10", **fields)


BAD_ROWS = [
    pytest.param(
        {"memberships": [{"cluster": "cl-am-austria"}, {"cluster": "no-such-cluster"}]},
        "memberships[1].cluster",
        id="dangling-cluster",
    ),
    pytest.param(
        {"memberships": [{"cluster": "acme-additive"}]},
        "memberships[0].cluster",
        id="cluster-not-a-cluster",
    ),
    pytest.param(
        {"kind": "expert", "affiliation": "no-such-org"}, "affiliation", id="dangling-affiliation"
    ),
    pytest.param(
        {"kind": "expert", "affiliation": "expert-anna"},
        "affiliation",
        id="affiliation-to-an-expert",
    ),
    pytest.param(
        {"competences": [{"concept": "mat.ti"}, {"concept": "mat.unobtainium"}]},
        "competences[1].concept",
        id="unknown-competence-concept",
    ),
    pytest.param(
        {"offers": [{"concepts": ["proc.pbf", "proc.sls"], "text": "x"}]},
        "offers[0].concepts[1]",
        id="unknown-offer-concept",
    ),
    pytest.param(
        {"requests": [{"text": "anything"}, {"concepts": ["svc.nothing"]}]},
        "requests[1].concepts[0]",
        id="unknown-request-concept",
    ),
]


@pytest.mark.parametrize(("bad_fields", "field"), BAD_ROWS)
def test_one_bad_row_rejects_the_whole_batch(
    loaded: GraphStore, bad_fields: dict[str, Any], field: str
) -> None:
    batch = [
        _good("good-one"),
        loaded.get_actor("tu-graz").model_copy(update={"description": "changed"}),
        _good("bad-one", **bad_fields),
        _good("good-two"),
    ]
    problems = _rejected(loaded, batch)
    assert [(p.row, p.field, p.actor_id) for p in problems] == [(3, field, "bad-one")]
    with pytest.raises(BatchRejected, match=r"row 3 \(bad-one\)"):
        loaded.upsert_actors(batch)


def test_duplicate_id_in_batch_names_the_second_row(loaded: GraphStore) -> None:
    problems = _rejected(loaded, [_good("twin"), _good("other"), _good("twin", city="Paris")])
    assert [(p.row, p.field, p.actor_id) for p in problems] == [(3, "id", "twin")]
    assert "row 1" in problems[0].message


def test_every_bad_row_is_reported(loaded: GraphStore) -> None:
    batch = [
        _good("a1", memberships=[{"cluster": "nowhere"}]),
        _good("a2"),
        _good("a3", competences=[{"concept": "mat.nothing"}]),
    ]
    problems = _rejected(loaded, batch)
    assert [(p.row, p.field) for p in problems] == [
        (1, "memberships[0].cluster"),
        (3, "competences[0].concept"),
    ]


def test_reference_to_a_cluster_demoted_in_the_same_batch_is_rejected(
    loaded: GraphStore,
) -> None:
    demoted = loaded.get_actor("cl-bavaria").model_copy(update={"kind": ActorKind.COMPANY})
    newcomer = _good("newcomer", memberships=[{"cluster": "cl-bavaria"}])
    problems = _rejected(loaded, [demoted, newcomer])
    assert (2, "memberships[0].cluster") in [(p.row, p.field) for p in problems]


def test_cluster_with_stored_members_cannot_change_kind(loaded: GraphStore) -> None:
    demoted = loaded.get_actor("cl-bavaria").model_copy(update={"kind": ActorKind.COMPANY})
    problems = _rejected(loaded, [_good("fine"), demoted])
    assert [(p.row, p.field, p.actor_id) for p in problems] == [(2, "kind", "cl-bavaria")]


def test_concepts_are_required_before_actors(store: GraphStore) -> None:
    problems = _rejected(store, sample.actors())
    assert {p.field for p in problems} >= {"competences[0].concept", "offers[0].concepts[0]"}
    assert all(p.row is not None and p.row >= 1 for p in problems)
