"""The same operations give the same results and the same snapshot as the oracle MemoryStore."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.memory import MemoryStore
from graph.protocol import GraphStore
from tests.store import sample
from tests.store.invariants import check_invariants
from tests.store.ops import Delete, Op, Upsert, UpsertConcepts, apply, operations


def _replay(store: GraphStore, oracle: MemoryStore, ops: list[Op]) -> None:
    for step, op in enumerate(ops, start=1):
        assert apply(store, op) == apply(oracle, op), f"step {step}: {op}"
    assert store.snapshot() == oracle.snapshot()
    assert store.counts() == oracle.counts()
    check_invariants(store)


def test_scripted_sequence_matches_the_oracle(store: GraphStore, oracle: MemoryStore) -> None:
    actors = {a.id: a for a in sample.actors()}
    ops: list[Op] = [
        Upsert(tuple(sample.actors())),
        UpsertConcepts(tuple(sample.concepts())),
        Upsert(tuple(sample.actors())),
        Upsert(tuple(sample.actors())),
        Upsert((actors["tu-graz"].model_copy(update={"description": "updated"}),)),
        Delete(("cl-bavaria",), False),
        Delete(("cl-bavaria", "ghost"), True),
        Upsert((sample.actor("x-new", memberships=[{"cluster": "cl-bavaria"}]),)),
        UpsertConcepts((sample.concept("mat", "material", "mat.ni.in718"),)),
        UpsertConcepts((sample.concept("mat.ni.in718", "material", "mat.ti"),)),
        Delete(("acme-additive", "tu-graz"), True),
        Upsert((actors["acme-additive"].model_copy(update={"memberships": []}),)),
    ]
    _replay(store, oracle, ops)
    assert [a.id for a in store.snapshot().actors] == [
        "acme-additive",
        "cl-am-austria",
        "ded-works",
        "expert-anna",
        "fraunhofer-x",
        "metal-hellas",
        "styria-region",
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(ops=st.lists(operations, min_size=1, max_size=8))
def test_random_sequences_match_the_oracle(store: GraphStore, ops: list[Op]) -> None:
    store.clear()
    oracle = MemoryStore()
    setup: list[Op] = [
        UpsertConcepts(tuple(sample.concepts())),
        Upsert((sample.actor("cl-one", "cluster"), sample.actor("org-a"))),
    ]
    _replay(store, oracle, [*setup, *ops])
