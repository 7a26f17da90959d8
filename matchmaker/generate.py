"""Seeded synthetic ecosystems that look statistically like the demo ecosystem.

:func:`generate_actors` streams :class:`~matchmaker.models.Actor` objects: clusters first, then
the other actors, each referring only to clusters and organisations already emitted. Memory stays
bounded (a few small per-region buffers plus the cluster ids), so a million actors can be written
to a file in one pass. The distributions (kind mix, regions, numbers of competences, offers,
requests, memberships and collaborations per kind, competence levels, concept frequencies) come
from ``matchmaker/data/generator_profile.json``, which :func:`measure` computes from
``fixtures/demo/actors.json`` (regenerate with ``python fixtures/demo/measure_demo.py``).
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any

from matchmaker.errors import ConfigurationError
from matchmaker.models import Actor, ActorKind
from matchmaker.nuts import country_of

Profile = dict[str, Any]

_ORG_KINDS = (ActorKind.COMPANY, ActorKind.RESEARCH, ActorKind.UNIVERSITY)
_BUFFER = 64
_ACTIVE_PROJECTS = 24

_NAME_STEMS = ("Alder", "Birch", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris",
               "Juniper", "Kestrel", "Linden", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quartz",
               "Riverside", "Summit", "Tundra", "Umber", "Vale", "Willow", "Zenith")  # fmt: skip
_NAME_FORMS: Mapping[ActorKind, tuple[str, ...]] = {
    ActorKind.COMPANY: ("{stem} Additive {n}", "{stem} Metal Works {n}", "{stem} Precision {n}"),
    ActorKind.RESEARCH: ("{stem} Institute for Manufacturing {n}", "{stem} Materials Lab {n}"),
    ActorKind.UNIVERSITY: ("{stem} Technical University {n}",),
    ActorKind.EXPERT: ("Expert {stem} {n}",),
    ActorKind.CLUSTER: ("{stem} Manufacturing Cluster {n}",),
    ActorKind.PUBLIC_BODY: ("{stem} Regional Agency {n}",),
}
_OFFER_FRAMES = ("We offer {what}.", "Wir bieten {what}.", "Nous proposons {what}.",
                 "Offriamo {what}.", "{what} - prototypes to small series")  # fmt: skip
_REQUEST_FRAMES = ("Looking for a partner for {what}.", "Suchen Partner für {what}.",
                   "Recherche partenaire pour {what}.", "Cerchiamo {what}.",
                   "Need {what}")  # fmt: skip


_LABELS = {
    "proc.pbf.lb_m": "LPBF / SLM", "proc.pbf.eb_m": "EBM", "proc.ded.arc_m": "WAAM",
    "proc.ded.lb_m.powder": "laser DED", "proc.bjt.metal": "metal binder jetting",
    "proc.ded.repair": "DED repair", "vc.materials": "metal powder", "vc.print": "AM production",
    "vc.post.hip": "HIP", "vc.post.ht": "heat treatment", "vc.post.machining": "CNC machining",
    "vc.post.surface": "surface finishing", "vc.post.removal": "support removal",
    "vc.test": "CT and testing", "vc.qual": "qualification", "vc.sim": "process simulation",
    "vc.design": "DfAM", "vc.design.topopt": "topology optimisation", "vc.software": "software",
    "vc.equipment": "AM machines", "vc.training": "training", "vc.infra": "pilot line access",
    "vc.monitoring": "in-situ monitoring", "vc.policy": "matchmaking", "vc.repair": "repair",
    "vc.ehs": "powder safety", "mat.ti.ti64": "Ti64", "mat.ni.in718": "IN718",
    "mat.fe.316l": "316L", "mat.fe.174ph": "17-4PH", "mat.al.alsi10mg": "AlSi10Mg",
    "mat.fe.maraging": "maraging steel", "mat.co.cocr": "CoCr", "mat.ni.in625": "IN625",
}  # fmt: skip


def _label(concept: str) -> str:
    return _LABELS.get(concept) or concept.rsplit(".", 1)[-1].replace("_", " ")


@dataclass(frozen=True, slots=True)
class _Dist:
    """A discrete distribution sampled by bisection on cumulative weights."""

    values: tuple[Any, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[Any, float]) -> _Dist:
        items = [(k, w) for k, w in weights.items() if w > 0]
        if not items:
            raise ConfigurationError("generator profile has an empty distribution")
        return cls(tuple(k for k, _ in items), tuple(accumulate(w for _, w in items)))

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


def _hist(values: Iterable[int]) -> dict[int, float]:
    counts = Counter(values)
    total = sum(counts.values())
    return {k: round(v / total, 4) for k, v in sorted(counts.items())}


def _shares(values: Iterable[str]) -> dict[str, float]:
    counts = Counter(values)
    total = sum(counts.values())
    return {k: round(v / total, 4) for k, v in sorted(counts.items())}


def measure(actors: Iterable[Actor]) -> Profile:
    """Measure the distributions the generator reproduces.

    Parameters
    ----------
    actors: the ecosystem to measure (normally the demo ecosystem).

    Returns
    -------
    A JSON-compatible profile: kind and region shares, and per kind the histograms of
    competence, offer, request, membership and collaboration counts, competence levels and
    concept frequencies; plus statement shapes, the expert affiliation rate and project sizes.
    """
    items = list(actors)
    by_kind: dict[str, list[Actor]] = {}
    for actor in items:
        by_kind.setdefault(actor.kind.value, []).append(actor)
    statements = [s for a in items for s in (*a.offers, *a.requests)]
    projects = Counter(c.project for a in items for c in a.collaborations)
    experts = by_kind.get(ActorKind.EXPERT.value, [])
    profile: Profile = {
        "kinds": _shares(a.kind.value for a in items),
        "regions": _shares(a.region for a in items),
        "affiliation_rate": round(
            sum(a.affiliation is not None for a in experts) / max(1, len(experts)), 4
        ),
        "statement_concepts": _hist(len(s.concepts) for s in statements),
        "text_only": round(sum(not s.concepts for s in statements) / len(statements), 4),
        "concepts_only": round(sum(not s.text for s in statements) / len(statements), 4),
        "project_size": _hist(projects.values()),
        "by_kind": {},
    }
    for kind, group in sorted(by_kind.items()):
        profile["by_kind"][kind] = {
            "competences": _hist(len(a.competences) for a in group),
            "levels": _hist(c.level for a in group for c in a.competences),
            "offers": _hist(len(a.offers) for a in group),
            "requests": _hist(len(a.requests) for a in group),
            "memberships": _hist(len(a.memberships) for a in group),
            "collaborations": _hist(len(a.collaborations) for a in group),
            "concepts": _shares(c for a in group for c in sorted(a.concept_ids())),
        }
    return json.loads(json.dumps(profile))  # type: ignore[no-any-return]


@cache
def demo_profile() -> Profile:
    """The profile measured on the demo ecosystem, shipped as package data."""
    text = resources.files("matchmaker.data").joinpath("generator_profile.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _int_dist(hist: Mapping[str, float]) -> _Dist:
    return _Dist.of({int(k): v for k, v in hist.items()})


@dataclass(frozen=True, slots=True)
class _KindModel:
    competences: _Dist
    levels: _Dist
    offers: _Dist
    requests: _Dist
    memberships: _Dist
    collaborations: _Dist
    concepts: _Dist


def _models(profile: Profile, concept_ids: Sequence[str] | None) -> dict[ActorKind, _KindModel]:
    allowed = set(concept_ids) if concept_ids is not None else None
    if allowed is not None and not allowed:
        raise ConfigurationError("concept_ids is empty")
    models = {}
    for kind, spec in profile["by_kind"].items():
        weights: dict[str, float] = dict(spec["concepts"])
        if allowed is not None:
            weights = {c: w for c, w in weights.items() if c in allowed}
            weights = weights or dict.fromkeys(sorted(allowed), 1.0)
        models[ActorKind(kind)] = _KindModel(
            competences=_int_dist(spec["competences"]),
            levels=_int_dist(spec["levels"]),
            offers=_int_dist(spec["offers"]),
            requests=_int_dist(spec["requests"]),
            memberships=_int_dist(spec["memberships"]),
            collaborations=_int_dist(spec["collaborations"]),
            concepts=_Dist.of(weights),
        )
    return models


def generate_actors(
    n: int,
    *,
    seed: int = 0,
    concept_ids: Sequence[str] | None = None,
    profile: Profile | None = None,
) -> Iterator[Actor]:
    """Stream ``n`` synthetic actors that resemble the demo ecosystem.

    Parameters
    ----------
    n: number of actors (>= 0).
    seed: random seed; the same seed (and arguments) gives the same actors.
    concept_ids: restrict concepts to these ids (e.g. a taxonomy's); ``None`` uses the demo's.
    profile: distributions to follow; defaults to :func:`demo_profile`.

    Returns
    -------
    An iterator of valid actors. Clusters come first; memberships point only at clusters
    already emitted and affiliations only at organisations already emitted.

    Raises
    ------
    ConfigurationError: ``n`` is negative, ``concept_ids`` is empty or the profile is unusable.

    Examples
    --------
    >>> actors = list(generate_actors(50, seed=1))
    >>> len(actors), len({a.id for a in actors})
    (50, 50)
    """
    if n < 0:
        raise ConfigurationError(f"number of actors must be >= 0, got {n}")
    prof = profile if profile is not None else demo_profile()
    rng = random.Random(seed)
    models = _models(prof, concept_ids)
    kinds = {ActorKind(k): w for k, w in prof["kinds"].items()}
    regions = _Dist.of(prof["regions"])
    n_clusters = min(n, max(1, round(n * kinds.get(ActorKind.CLUSTER, 0.0)))) if n else 0
    others = _Dist.of({k: w for k, w in kinds.items() if k is not ActorKind.CLUSTER})
    project_size = _int_dist(prof["project_size"])
    stmt_concepts = _int_dist(prof["statement_concepts"])
    text_only, concepts_only = float(prof["text_only"]), float(prof["concepts_only"])
    affiliation_rate = float(prof["affiliation_rate"])

    clusters: list[str] = []
    orgs: dict[str, deque[str]] = {}
    projects: list[list[Any]] = []
    project_count = 0

    def statement(model: _KindModel, frames: tuple[str, ...]) -> dict[str, Any]:
        ids = list(dict.fromkeys(model.concepts.draw(rng) for _ in range(stmt_concepts.draw(rng))))
        ids = ids or [model.concepts.draw(rng)]
        text = rng.choice(frames).format(what=", ".join(_label(c) for c in ids))
        roll = rng.random()
        if roll < text_only:
            return {"text": text}
        if roll < text_only + concepts_only:
            return {"concepts": ids}
        return {"concepts": ids, "text": text}

    def collaborations(k: int) -> list[dict[str, Any]]:
        nonlocal project_count
        out: dict[str, dict[str, Any]] = {}
        for _ in range(k):
            if len(projects) < _ACTIVE_PROJECTS or rng.random() < 0.05:
                project_count += 1
                year = rng.randint(2010, 2024)
                projects.append([f"s{seed}-p{project_count}", year, project_size.draw(rng)])
            slot = rng.randrange(len(projects))
            ident, year, left = projects[slot]
            out.setdefault(ident, {"project": ident, "title": f"Project {ident}", "year": year})
            if left <= 1:
                projects[slot] = projects[-1]
                projects.pop()
            else:
                projects[slot][2] = left - 1
        return list(out.values())

    for i in range(n):
        kind = ActorKind.CLUSTER if i < n_clusters else others.draw(rng)
        model = models[kind]
        region = str(regions.draw(rng))
        ident = f"s{seed}-{kind.value[:2]}-{i}"
        competences: dict[str, dict[str, Any]] = {}
        wanted = model.competences.draw(rng)
        for _ in range(3 * wanted):
            if len(competences) >= wanted:
                break
            concept = model.concepts.draw(rng)
            competences.setdefault(concept, {"concept": concept, "level": model.levels.draw(rng)})
        data: dict[str, Any] = {
            "id": ident,
            "name": rng.choice(_NAME_FORMS[kind]).format(stem=rng.choice(_NAME_STEMS), n=i),
            "kind": kind,
            "region": region,
            "country": country_of(region),
            "competences": list(competences.values()),
            "offers": [statement(model, _OFFER_FRAMES) for _ in range(model.offers.draw(rng))],
            "requests": [
                statement(model, _REQUEST_FRAMES) for _ in range(model.requests.draw(rng))
            ],
        }
        if clusters:
            chosen = {rng.choice(clusters) for _ in range(model.memberships.draw(rng))}
            data["memberships"] = [{"cluster": c} for c in sorted(chosen)]
        if kind is not ActorKind.CLUSTER:
            data["collaborations"] = collaborations(model.collaborations.draw(rng))
        if kind is ActorKind.EXPERT and rng.random() < affiliation_rate:
            pool = orgs.get(region) or next(iter(orgs.values()), None)
            if pool:
                data["affiliation"] = rng.choice(pool)
        if kind is ActorKind.CLUSTER:
            clusters.append(ident)
        elif kind in _ORG_KINDS:
            orgs.setdefault(region, deque(maxlen=_BUFFER)).append(ident)
        yield Actor.model_validate(data)
