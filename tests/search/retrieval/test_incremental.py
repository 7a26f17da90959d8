"""After writes, each store's search index catches up and answers as a fresh build does."""

from __future__ import annotations

import random

from graph.memory import MemoryStore
from graph.memory_search import SearchIndex, record_of, search_index
from graph.protocol import GraphStore
from graph.search_types import CandidateQuery, CandidateResult, QueryConcept
from graph.seed import seed_demo
from matchmaker.models import Actor, ActorKind, Competence, Concept, Offer

QUERIES = [
    CandidateQuery(concepts=[QueryConcept(id="proc.any_metal_am")], limit=30),
    CandidateQuery(concepts=[QueryConcept(id="proc.pbf")], terms=["laser"], limit=10, offset=3),
    CandidateQuery(concepts=[QueryConcept(id="mat.ti", weight=60)], kinds=[ActorKind.RESEARCH]),
    CandidateQuery(terms=["fraunhofer", "additive", "zephyrium"], limit=15),
    CandidateQuery(regions=["AT", "SE2"], require=[["proc.pbf", "proc.ded"]], limit=50),
    CandidateQuery(concepts=[QueryConcept(id="proc.pbf.lb_m")], min_level=3),
]


def _fresh(store: GraphStore, query: CandidateQuery) -> CandidateResult:
    snapshot = store.snapshot()
    index = SearchIndex(snapshot.concepts)
    index.apply([record_of(a) for a in snapshot.actors], [])
    actors = {a.id: a for a in snapshot.actors}
    return index.search(query, lambda ids: {i: actors[i] for i in ids})


def _assert_in_step(store: GraphStore, step: str) -> None:
    for query in QUERIES:
        got, want = store.search_candidates(query), _fresh(store, query)
        assert got.candidates == want.candidates, (step, query)
        assert (got.total, got.facets) == (want.total, want.facets), (step, query)


def _writes(store: GraphStore, seed: int) -> list[str]:
    """A seeded sequence of small writes, applied one by one; returns their names."""
    rng = random.Random(seed)
    actors = store.snapshot().actors
    concepts = [c.id for c in store.list_concepts()]
    done = []
    for step in range(6):
        actor = rng.choice(actors)
        if step % 3 == 0:
            competences = [
                Competence(concept=rng.choice(concepts), level=rng.randint(1, 3), evidence="x")
            ]
            store.upsert_actor(
                actor.model_copy(
                    update={
                        "name": f"Zephyrium {actor.name}",
                        "competences": competences,
                        "offers": [Offer(concepts=[rng.choice(concepts)], text="")],
                    }
                )
            )
            done.append(f"replace {actor.id}")
        elif step % 3 == 1:
            new = Actor(
                id=f"{actor.id}-b{step}",
                name="Additive Zephyrium Lab",
                kind=ActorKind.RESEARCH,
                region=actor.region,
                country=actor.country,
                description="laser powder bed fusion of titanium",
                competences=[Competence(concept="proc.pbf.lb_m", level=3)],
            )
            store.upsert_actor(new)
            actors.append(new)
            done.append(f"add {new.id}")
        else:
            store.delete_actor(actor.id, cascade=True)
            actors = list(store.snapshot().actors)
            done.append(f"delete {actor.id}")
        _assert_in_step(store, done[-1])
    return done


def test_memory_index_is_updated_in_place() -> None:
    store = MemoryStore()
    seed_demo(store)
    index = search_index(store)
    _assert_in_step(store, "seeded")
    _writes(store, seed=3)
    assert search_index(store) is index


def test_both_stores_follow_writes(any_store: GraphStore) -> None:
    seed_demo(any_store)
    _assert_in_step(any_store, "seeded")
    _writes(any_store, seed=5)
    parent = any_store.get_concept("proc.pbf")
    any_store.upsert_concepts(
        [Concept(id="proc.pbf.zz", label="Zephyr PBF", facet=parent.facet, broader=[parent.id])]
    )
    first = any_store.snapshot().actors[0]
    any_store.upsert_actor(
        first.model_copy(update={"competences": [Competence(concept="proc.pbf.zz", level=2)]})
    )
    _assert_in_step(any_store, "new concept")
    any_store.clear()
    _assert_in_step(any_store, "cleared")
