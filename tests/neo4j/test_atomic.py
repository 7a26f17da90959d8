"""Batches are single transactions: validation failures and mid-write failures store nothing."""

from __future__ import annotations

import pytest

from graph.memory import MemoryStore
from graph.neo4j_store import CHUNK, Neo4jStore, _write_actors
from matchmaker.errors import BatchRejected, StoreError
from matchmaker.models import Actor
from tests.store import sample

pytestmark = pytest.mark.neo4j


def _many(n: int) -> list[Actor]:
    cluster = sample.actor("cl-big", "cluster", "DE21")
    members = [
        sample.actor(
            f"co-{i:05d}",
            competences=[{"concept": "proc.pbf.lb_m", "level": 1 + i % 3}],
            memberships=[{"cluster": "cl-big"}],
            collaborations=[{"project": f"p-{i % 7}", "year": 2020 + i % 5}],
        )
        for i in range(n - 1)
    ]
    return [*members, cluster]


def test_multi_chunk_batch_matches_the_oracle(neo4j_store: Neo4jStore) -> None:
    actors = _many(2 * CHUNK + 17)
    oracle = MemoryStore()
    for store in (neo4j_store, oracle):
        store.upsert_concepts(sample.concepts())
        report = store.upsert_actors(actors)
        assert len(report.created) == len(actors)
    assert neo4j_store.counts() == oracle.counts()
    assert neo4j_store.snapshot() == oracle.snapshot()
    again = neo4j_store.upsert_actors(actors)
    assert (len(again.unchanged), again.created, again.updated) == (len(actors), [], [])


def test_dangling_reference_in_last_row_rejects_the_whole_batch(
    neo4j_store: Neo4jStore,
) -> None:
    neo4j_store.upsert_concepts(sample.concepts())
    actors = _many(CHUNK + 5)
    actors.append(sample.actor("lost", memberships=[{"cluster": "cl-nowhere"}]))
    with pytest.raises(BatchRejected) as caught:
        neo4j_store.upsert_actors(actors)
    [problem] = caught.value.problems
    assert (problem.row, problem.field, problem.actor_id) == (
        len(actors),
        "memberships[0].cluster",
        "lost",
    )
    assert neo4j_store.counts().actors == 0


def test_failure_after_writes_rolls_the_transaction_back(neo4j_store: Neo4jStore) -> None:
    neo4j_store.upsert_concepts(sample.concepts())
    neo4j_store.upsert_actors(sample.actors())
    before = neo4j_store.snapshot()

    def write_then_fail(tx: object) -> None:
        _write_actors(tx, _many(CHUNK + 3))  # type: ignore[arg-type]
        raise StoreError("simulated failure after the rows were written")

    with pytest.raises(StoreError, match="simulated"):
        neo4j_store._write("test", write_then_fail)
    assert neo4j_store.snapshot() == before
