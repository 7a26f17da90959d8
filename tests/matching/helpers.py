"""Hand-made taxonomy, actor builders and Hypothesis strategies for the matching tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from graph.protocol import Snapshot
from matchmaker.models import (
    Actor,
    ActorKind,
    Collaboration,
    Competence,
    Concept,
    Facet,
    Membership,
    Offer,
    Request,
)

_TREE: list[tuple[str, str, Facet, list[str]]] = [
    ("proc", "AM process", Facet.PROCESS, []),
    ("proc.pbf", "Powder bed fusion", Facet.PROCESS, ["proc"]),
    ("proc.pbf.lb_m", "L-PBF", Facet.PROCESS, ["proc.pbf"]),
    ("proc.pbf.eb_m", "EBM", Facet.PROCESS, ["proc.pbf"]),
    ("proc.ded", "DED", Facet.PROCESS, ["proc"]),
    ("proc.ded.arc_m", "WAAM", Facet.PROCESS, ["proc.ded"]),
    ("proc.coldspray", "Cold spray", Facet.PROCESS, ["proc"]),
    ("mat", "Metal", Facet.MATERIAL, []),
    ("mat.ti", "Titanium", Facet.MATERIAL, ["mat"]),
    ("mat.ti.ti64", "Ti-6Al-4V", Facet.MATERIAL, ["mat.ti"]),
    ("mat.ni", "Nickel alloys", Facet.MATERIAL, ["mat"]),
    ("mat.ni.in718", "Inconel 718", Facet.MATERIAL, ["mat.ni"]),
    ("mat.cu", "Copper", Facet.MATERIAL, ["mat"]),
    ("mat.cu.cucrzr", "CuCrZr", Facet.MATERIAL, ["mat.cu"]),
    ("vc", "Value chain", Facet.VALUE_CHAIN, []),
    ("vc.materials", "Powder production", Facet.VALUE_CHAIN, ["vc"]),
    ("vc.design", "Design for AM", Facet.VALUE_CHAIN, ["vc"]),
    ("vc.print", "Printing service", Facet.VALUE_CHAIN, ["vc"]),
    ("vc.post", "Post-processing", Facet.VALUE_CHAIN, ["vc"]),
    ("vc.post.hip", "HIP", Facet.VALUE_CHAIN, ["vc.post"]),
    ("vc.test", "CT inspection", Facet.VALUE_CHAIN, ["vc"]),
    ("app", "Application", Facet.SECTOR, []),
    ("app.aero", "Aerospace", Facet.SECTOR, ["app"]),
    ("app.medical", "Medical", Facet.SECTOR, ["app"]),
]

CONCEPTS: list[Concept] = [
    Concept(id=i, label=label, facet=facet, broader=broader) for i, label, facet, broader in _TREE
]
CONCEPT_IDS: list[str] = [c.id for c in CONCEPTS]

REGIONS: list[tuple[str, str]] = [
    ("AT12", "AT"),
    ("AT13", "AT"),
    ("BE21", "BE"),
    ("DE21", "DE"),
    ("ES51", "ES"),
]


def actor(
    actor_id: str,
    *,
    kind: str = "company",
    region: str = "AT12",
    competences: dict[str, int] | None = None,
    offers: list[list[str]] | None = None,
    requests: list[list[str]] | None = None,
    projects: list[str] | None = None,
    clusters: list[str] | None = None,
    **extra: Any,
) -> Actor:
    """An actor with short-hand competences ``{concept: level}`` and concept-list statements."""
    return Actor(
        id=actor_id,
        name=extra.pop("name", actor_id.upper()),
        kind=ActorKind(kind),
        region=region,
        country=region[:2],
        competences=[
            Competence(concept=c, level=lvl, evidence=f"{actor_id} does {c}")
            for c, lvl in (competences or {}).items()
        ],
        offers=[Offer(concepts=o, text=f"{actor_id} offers {' '.join(o)}") for o in offers or []],
        requests=[
            Request(concepts=r, text=f"{actor_id} seeks {' '.join(r)}") for r in requests or []
        ],
        collaborations=[Collaboration(project=p, year=2020) for p in projects or []],
        memberships=[Membership(cluster=c) for c in clusters or []],
        **extra,
    )


def snapshot(actors: list[Actor]) -> Snapshot:
    """A snapshot of these actors over the hand-made taxonomy."""
    return Snapshot(actors=sorted(actors, key=lambda a: a.id), concepts=CONCEPTS, projects=[])


_concept = st.sampled_from(CONCEPT_IDS)
_statements = st.lists(
    st.lists(_concept, min_size=1, max_size=3, unique=True), min_size=0, max_size=3
)


@st.composite
def ecosystems(draw: st.DrawFn, min_actors: int = 2, max_actors: int = 9) -> Snapshot:
    """Small random ecosystems: concepts, regions, kinds, projects and clusters drawn at random."""
    n = draw(st.integers(min_actors, max_actors))
    n_clusters = draw(st.integers(0, 2))
    actors: list[Actor] = []
    for i in range(n):
        region = draw(st.sampled_from(REGIONS))[0]
        kind = (
            "cluster"
            if i < n_clusters
            else draw(st.sampled_from(["company", "research", "university", "public_body"]))
        )
        clusters: list[str] = []
        if i >= n_clusters > 0:
            names = [f"a{j}" for j in range(n_clusters)]
            clusters = draw(st.lists(st.sampled_from(names), unique=True))
        actors.append(
            actor(
                f"a{i}",
                kind=kind,
                region=region,
                competences=draw(st.dictionaries(_concept, st.integers(1, 3), max_size=4)),
                offers=draw(_statements),
                requests=draw(_statements),
                projects=draw(st.lists(st.sampled_from(["p1", "p2", "p3"]), unique=True)),
                clusters=clusters,
            )
        )
    return snapshot(actors)
