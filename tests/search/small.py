"""A small hand-made ecosystem whose search, path and map answers are checked by hand."""

from __future__ import annotations

from matchmaker.models import Actor, Concept


def c(ident: str, facet: str, broader: list[str] | None = None, label: str = "") -> Concept:
    return Concept.model_validate(
        {"id": ident, "label": label or ident, "facet": facet, "broader": broader or []}
    )


CONCEPTS = [
    c("proc.any_metal_am", "process", label="Metal AM"),
    c("proc.pbf", "process", ["proc.any_metal_am"], "Powder bed fusion"),
    c("proc.pbf.lb_m", "process", ["proc.pbf"], "L-PBF"),
    c("proc.pbf.eb_m", "process", ["proc.pbf"], "EBM"),
    c("proc.ded", "process", ["proc.any_metal_am"], "DED"),
    c("proc.ded.arc_m", "process", ["proc.ded"], "WAAM"),
    c("mat.metal", "material", label="Metals"),
    c("mat.ti", "material", ["mat.metal"], "Titanium"),
    c("mat.ti.ti64", "material", ["mat.ti"], "Ti-6Al-4V"),
    c("mat.ni.in718", "material", ["mat.metal"], "Inconel 718"),
    c("vc.post", "value_chain", label="Post-processing"),
    c("vc.post.hip", "value_chain", ["vc.post"], "HIP"),
]


def a(ident: str, kind: str, region: str, comps: dict[str, int], **extra: object) -> Actor:
    data: dict[str, object] = {
        "id": ident,
        "name": extra.pop("name", ident.title()),
        "kind": kind,
        "region": region,
        "country": region[:2] if region[:2] != "EL" else "GR",
        "competences": [{"concept": k, "level": v} for k, v in comps.items()],
    }
    data.update(extra)
    return Actor.model_validate(data)


ACTORS = [
    a("clu-at", "cluster", "AT12", {}, name="Mechatronics Cluster"),
    a("clu-be", "cluster", "BE21", {}, name="Flanders Make"),
    a(
        "fotec",
        "research",
        "AT12",
        {"proc.pbf.lb_m": 3, "mat.ti.ti64": 2, "vc.post.hip": 1},
        name="FOTEC Forschungs GmbH",
        description="Laser powder bed fusion lab in Wiener Neustadt",
        memberships=[{"cluster": "clu-at"}],
        collaborations=[{"project": "p-amaze", "year": 2013}],
    ),
    a(
        "rhp",
        "company",
        "AT12",
        {"vc.post.hip": 3, "mat.ti": 2},
        name="RHP Technology",
        description="Hot pressing and HIP services",
        memberships=[{"cluster": "clu-at"}],
    ),
    a(
        "waamco",
        "company",
        "AT31",
        {"proc.ded.arc_m": 3, "mat.ni.in718": 1},
        name="Waam Works",
        collaborations=[{"project": "p-waam", "year": 2020}],
    ),
    a(
        "kul",
        "university",
        "BE24",
        {"proc.pbf": 2, "mat.metal": 1},
        name="KU Leuven",
        description="Research on powder bed fusion of metals",
        memberships=[{"cluster": "clu-be"}],
        collaborations=[{"project": "p-amaze", "year": 2013}, {"project": "p-waam", "year": 2020}],
    ),
    a(
        "ebmlab",
        "research",
        "SE22",
        {"proc.pbf.eb_m": 2, "mat.ti.ti64": 3},
        name="EBM Lab Lund",
        offers=[{"concepts": ["vc.post.hip"], "text": "HIP after EBM"}],
    ),
    a("lonely", "expert", "RO21", {}, name="Ana Popescu", description="Welding expert"),
]
