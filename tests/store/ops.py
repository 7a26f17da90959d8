"""Store operations as data, so one sequence can be replayed on several stores and compared."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from graph.protocol import GraphStore
from matchmaker.errors import MatchmakerError
from matchmaker.models import Actor, Concept
from tests.store import sample


@dataclass(frozen=True)
class Upsert:
    actors: tuple[Actor, ...]


@dataclass(frozen=True)
class UpsertConcepts:
    concepts: tuple[Concept, ...]


@dataclass(frozen=True)
class Delete:
    ids: tuple[str, ...]
    cascade: bool


Op = Upsert | UpsertConcepts | Delete


def apply(store: GraphStore, op: Op) -> str:
    """Run one operation; return what it reported, or the error family it raised."""
    try:
        if isinstance(op, Upsert):
            return repr(store.upsert_actors(list(op.actors)))
        if isinstance(op, UpsertConcepts):
            return repr(store.upsert_concepts(list(op.concepts)))
        return f"deleted {store.delete_actors(list(op.ids), cascade=op.cascade)}"
    except MatchmakerError as e:
        return type(e).__name__


DEFAULT_KINDS = {
    "cl-one": "cluster",
    "cl-two": "cluster",
    "org-a": "company",
    "org-b": "university",
    "ex-x": "expert",
    "ex-y": "expert",
}
ACTOR_POOL = sorted(DEFAULT_KINDS)
CONCEPT_POOL = [c.id for c in sample.concepts()]
PROJECT_POOL = ["p-x", "p-y", "p-z"]
REGIONS = ["AT12", "AT22", "DE21", "EL30", "SE11"]


@st.composite
def actors(draw: st.DrawFn) -> Actor:
    """A random actor over small pools: references mostly resolve, now and then they do not
    (an unknown concept, a membership of a non-cluster, a kind change under referrers)."""
    ident = draw(st.sampled_from(ACTOR_POOL))
    kind = DEFAULT_KINDS[ident]
    if draw(st.integers(0, 7)) == 0:
        kind = draw(st.sampled_from(sorted(set(DEFAULT_KINDS.values()))))
    cluster_pool = ["cl-one", "cl-two", "cl-one", "cl-two", "org-a"]
    clusters = draw(st.lists(st.sampled_from(cluster_pool), unique=True, max_size=2))
    concept_pool = [*CONCEPT_POOL, *CONCEPT_POOL, "zz.unknown"]
    concepts = draw(st.lists(st.sampled_from(concept_pool), unique=True, max_size=3))
    projects = draw(st.lists(st.sampled_from(PROJECT_POOL), unique=True, max_size=2))
    affiliation = draw(st.none() | st.sampled_from(["org-a", "org-b", "cl-one", "ex-y"]))
    return sample.actor(
        ident,
        kind=kind,
        region=draw(st.sampled_from(REGIONS)),
        name=draw(st.sampled_from(["Alpha", "Beta works", "Gamma AM"])),
        competences=[{"concept": c, "level": 1 + i % 3} for i, c in enumerate(concepts)],
        offers=[{"concepts": concepts[:1], "text": "offer"}] if concepts else [],
        memberships=[{"cluster": c} for c in clusters if c != ident],
        affiliation=affiliation if kind == "expert" and affiliation != ident else None,
        collaborations=[
            {"project": p, "title": f"{p} by {ident}", "year": 2000 + len(ident)} for p in projects
        ],
    )


@st.composite
def concept_batches(draw: st.DrawFn) -> UpsertConcepts:
    """Re-parent a few sample concepts; this sometimes makes a cycle."""
    ids = draw(st.lists(st.sampled_from(CONCEPT_POOL), unique=True, min_size=1, max_size=2))
    batch = []
    for ident in ids:
        parents = draw(st.lists(st.sampled_from(CONCEPT_POOL), unique=True, max_size=2))
        broader = [p for p in parents if p != ident]
        batch.append(sample.concept(ident, "process", *broader))
    return UpsertConcepts(tuple(batch))


operations: st.SearchStrategy[Op] = st.one_of(
    st.lists(actors(), min_size=1, max_size=4).map(lambda a: Upsert(tuple(a))),
    st.builds(
        Delete,
        st.lists(st.sampled_from(ACTOR_POOL), max_size=2).map(tuple),
        st.booleans(),
    ),
    concept_batches(),
)
