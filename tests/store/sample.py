"""A small hand-made taxonomy and ecosystem shared by the store contract tests.

Taxonomy (``broader`` links point up)::

    proc ── proc.pbf ── proc.pbf.lb_m, proc.pbf.eb_m
        └── proc.ded ── proc.ded.waam
        proc.hybrid (broader: proc.ded and proc.pbf)
    mat ── mat.ti ── mat.ti.ti64 ── mat.ti.ti64_eli
       └── mat.ni ── mat.ni.in718
    svc ── svc.testing

Ecosystem: two clusters, companies, a university, a research institute, an expert, a public body,
and two projects (``p-amnet`` with three participants, ``p-waam`` with two).
"""

from __future__ import annotations

from typing import Any

from graph.protocol import GraphStore
from matchmaker.models import Actor, Concept, Facet


def concept(ident: str, facet: str, *broader: str, label: str | None = None) -> Concept:
    """A concept with a label derived from its id."""
    return Concept(
        id=ident,
        label=label or ident.rsplit(".", 1)[-1].upper(),
        facet=Facet(facet),
        broader=list(broader),
    )


def concepts() -> list[Concept]:
    """The sample taxonomy, parents before children."""
    return [
        concept("proc", "process"),
        concept("proc.pbf", "process", "proc"),
        concept("proc.pbf.lb_m", "process", "proc.pbf"),
        concept("proc.pbf.eb_m", "process", "proc.pbf"),
        concept("proc.ded", "process", "proc"),
        concept("proc.ded.waam", "process", "proc.ded"),
        concept("proc.hybrid", "process", "proc.ded", "proc.pbf"),
        concept("mat", "material"),
        concept("mat.ti", "material", "mat"),
        concept("mat.ti.ti64", "material", "mat.ti"),
        concept("mat.ti.ti64_eli", "material", "mat.ti.ti64"),
        concept("mat.ni", "material", "mat"),
        concept("mat.ni.in718", "material", "mat.ni"),
        concept("svc", "service"),
        concept("svc.testing", "service", "svc"),
    ]


def actor(ident: str, kind: str = "company", region: str = "AT12", **fields: Any) -> Actor:
    """An actor with a name derived from its id; the country follows the region."""
    country = {"EL": "GR"}.get(region[:2], region[:2])
    fields.setdefault("name", ident.replace("-", " ").title())
    return Actor.model_validate(
        {"id": ident, "kind": kind, "region": region, "country": country, **fields}
    )


def actors() -> list[Actor]:
    """The sample ecosystem, in an order where clusters come after some of their members."""
    return [
        actor(
            "acme-additive",
            "company",
            "AT12",
            name="ACME Additive GmbH",
            competences=[
                {"concept": "proc.pbf.lb_m", "level": 3, "evidence": "six LPBF machines"},
                {"concept": "mat.ti.ti64"},
            ],
            offers=[{"concepts": ["proc.pbf.lb_m"], "text": "contract printing in Ti64"}],
            memberships=[{"cluster": "cl-am-austria", "since": 2019}],
            collaborations=[{"project": "p-amnet", "title": "AM network", "year": 2020}],
        ),
        actor("cl-am-austria", "cluster", "AT13", name="AM Austria Cluster"),
        actor("cl-bavaria", "cluster", "DE21", name="Bavarian AM Cluster"),
        actor(
            "ded-works",
            "company",
            "DE21",
            competences=[{"concept": "proc.ded.waam"}, {"concept": "mat.ni.in718", "level": 1}],
            requests=[{"concepts": ["svc.testing"], "text": "CT scanning of large parts"}],
            memberships=[{"cluster": "cl-bavaria"}, {"cluster": "cl-am-austria"}],
            collaborations=[{"project": "p-waam", "title": "Wire arc", "year": 2022}],
        ),
        actor(
            "expert-anna",
            "expert",
            "AT22",
            name="Anna Berger",
            affiliation="tu-graz",
            competences=[{"concept": "svc.testing", "level": 3}],
        ),
        actor(
            "fraunhofer-x",
            "research",
            "DE21",
            name="Fraunhofer Institute X",
            competences=[{"concept": "proc.pbf.eb_m"}, {"concept": "mat.ti.ti64"}],
            memberships=[{"cluster": "cl-bavaria", "role": "board"}],
            collaborations=[{"project": "p-amnet", "title": "AM network (FhG copy)", "year": 2021}],
        ),
        actor(
            "metal-hellas",
            "company",
            "EL30",
            name="Metal Hellas SA",
            offers=[{"concepts": ["mat.ti.ti64", "svc.testing"], "text": "powder testing"}],
        ),
        actor("styria-region", "public_body", "AT22", name="Land Steiermark"),
        actor(
            "tu-graz",
            "university",
            "AT22",
            name="Graz University of Technology",
            competences=[{"concept": "proc.pbf.lb_m"}, {"concept": "proc.ded"}],
            memberships=[{"cluster": "cl-am-austria"}],
            collaborations=[
                {"project": "p-amnet", "title": "AM network", "year": 2020},
                {"project": "p-waam", "title": "Wire arc", "year": 2022},
            ],
        ),
    ]


ACTOR_IDS = sorted(a.id for a in actors())


def load(store: GraphStore) -> None:
    """Write the sample taxonomy and ecosystem into ``store``."""
    store.upsert_concepts(concepts())
    store.upsert_actors(actors())
