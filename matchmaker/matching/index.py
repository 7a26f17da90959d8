"""The snapshot index: per-actor sparse vectors over concepts with the hierarchy baked in.

Built once from a :class:`graph.protocol.Snapshot` (either store gives the same snapshot), then
queried by :class:`matchmaker.matching.scoring.MatchEngine`. Rebuild it when the store changes
(``MatchEngine.from_store`` does, on ``refresh()``). The formulas are in ``docs/scoring.md``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.protocol import Snapshot
from matchmaker.matching.profiles import EngineConfig, HierarchyParams, Stage
from matchmaker.models import Actor, ActorKind, Concept

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

KINDS: tuple[ActorKind, ...] = tuple(ActorKind)


def group_keys(actor: Actor, affiliation_targets: set[str]) -> set[str]:
    """Network groups of an actor: its projects, clusters (a cluster is in its own group) and
    organisation (an expert with its affiliation). Two actors sharing a group are partners."""
    keys = {f"p:{c.project}" for c in actor.collaborations}
    keys.update(f"c:{m.cluster}" for m in actor.memberships)
    if actor.kind is ActorKind.CLUSTER:
        keys.add(f"c:{actor.id}")
    if actor.affiliation is not None:
        keys.add(f"o:{actor.affiliation}")
    if actor.id in affiliation_targets:
        keys.add(f"o:{actor.id}")
    return keys


def supply_strengths(actor: Actor) -> dict[str, float]:
    """What an actor can supply: 1 for an offered concept, level/3 for a competence (max)."""
    strengths: dict[str, float] = {}
    for comp in actor.competences:
        strengths[comp.concept] = max(strengths.get(comp.concept, 0.0), comp.level / 3.0)
    for offer in actor.offers:
        for concept in offer.concepts:
            strengths[concept] = 1.0
    return strengths


def request_weights(actor: Actor) -> dict[str, float]:
    """Each request with concepts weighs 1/m; its weight is split evenly over its concepts."""
    requests = [list(dict.fromkeys(r.concepts)) for r in actor.requests if r.concepts]
    weights: dict[str, float] = {}
    for concepts in requests:
        share = 1.0 / (len(requests) * len(concepts))
        for concept in concepts:
            weights[concept] = weights.get(concept, 0.0) + share
    return weights


def stage_mask(actor: Actor, stages: list[Stage]) -> int:
    """Bit ``i`` is set if one of the actor's offers or competences lies in stage ``i``."""
    concepts = {c.concept for c in actor.competences}
    for offer in actor.offers:
        concepts.update(offer.concepts)
    mask = 0
    for i, stage in enumerate(stages):
        if any(stage.contains(c) for c in concepts):
            mask |= 1 << i
    return mask


@dataclass(frozen=True)
class ConceptSpace:
    """Concept ids with their hierarchy relations within ``max_distance`` levels."""

    ids: tuple[str, ...]
    pos: dict[str, int]
    labels: dict[str, str]
    facets: dict[str, str]
    coverage: dict[str, tuple[tuple[str, float], ...]]
    """``coverage[c]``: the request concepts ``r`` that supply ``c`` meets, with ``h(r, c)``."""
    kernel: dict[str, tuple[tuple[str, float], ...]]
    """``kernel[x]``: the competences related to ``x`` (itself included) with their weight."""

    @classmethod
    def build(
        cls, concepts: Iterable[Concept], extra_ids: Iterable[str], params: HierarchyParams
    ) -> ConceptSpace:
        """Index ``concepts`` plus ``extra_ids`` (ids actors use that the taxonomy lacks)."""
        parents: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        facets: dict[str, str] = {}
        for concept in concepts:
            parents[concept.id] = list(concept.broader)
            labels[concept.id] = concept.label
            facets[concept.id] = concept.facet.value
        for cid in extra_ids:
            parents.setdefault(cid, [])
        ids = tuple(sorted(parents))
        cover: dict[str, list[tuple[str, float]]] = {c: [] for c in ids}
        kern: dict[str, list[tuple[str, float]]] = {c: [] for c in ids}
        for c in ids:
            for anc, d in _ancestors(c, parents, params.max_distance).items():
                if d == 0:
                    cover[c].append((c, 1.0))
                    kern[c].append((c, 1.0))
                    continue
                cover[c].append((anc, params.specific_decay**d))
                cover[anc].append((c, params.generic_decay**d))
                kern[c].append((anc, params.similarity_decay**d))
                kern[anc].append((c, params.similarity_decay**d))
        return cls(
            ids=ids,
            pos={c: i for i, c in enumerate(ids)},
            labels=labels,
            facets=facets,
            coverage={c: tuple(v) for c, v in cover.items()},
            kernel={c: tuple(v) for c, v in kern.items()},
        )

    def label(self, concept_id: str) -> str:
        """Human label of a concept (the id if the taxonomy lacks it)."""
        return self.labels.get(concept_id, concept_id)


def _ancestors(start: str, parents: dict[str, list[str]], limit: int) -> dict[str, int]:
    """Shortest upward distance to every ancestor within ``limit`` (``start`` at 0)."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if dist[node] == limit:
            continue
        for parent in parents.get(node, ()):
            if parent in parents and parent not in dist:
                dist[parent] = dist[node] + 1
                queue.append(parent)
    return dist


def _csr(
    rows: list[int], cols: list[int], vals: list[float], shape: tuple[int, int]
) -> sp.csr_array:
    return sp.csr_array(
        (np.asarray(vals, dtype=np.float64), (np.asarray(rows), np.asarray(cols))), shape=shape
    )


@dataclass
class MatchIndex:
    """Everything the fast engine needs, as arrays over actor positions (actor-id order)."""

    config: EngineConfig
    actors: list[Actor]
    ids: list[str]
    pos: dict[str, int]
    space: ConceptSpace
    cov: sp.csr_array
    """N x C: how well each actor's supply meets a request for each concept."""
    req: sp.csr_array
    """N x C: request weights (rows sum to 1, or 0 for actors without requests)."""
    comp: sp.csr_array
    """N x C: L2-normalised IDF-weighted competence vectors."""
    comp_kernel: sp.csr_array
    """N x C: ``comp`` times the hierarchy kernel."""
    idf: dict[str, float]
    masks: IntArray
    kind_codes: IntArray
    region_codes: IntArray
    country_codes: IntArray
    org_codes: IntArray
    regions: list[str]
    countries: list[str]
    groups: sp.csr_array
    """N x G: 1 where the actor belongs to the network group."""
    group_names: list[str]
    _csc: dict[str, sp.csc_array] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        """Number of indexed actors."""
        return len(self.ids)

    def csc(self, name: str) -> sp.csc_array:
        """Column-major copy of one of the N x C / N x G matrices (built on first use)."""
        if name not in self._csc:
            self._csc[name] = sp.csc_array(getattr(self, name))
        return self._csc[name]

    @classmethod
    def build(cls, snapshot: Snapshot, config: EngineConfig) -> MatchIndex:
        """Index a snapshot.

        Parameters
        ----------
        snapshot:
            Actors and concepts from a store (``store.snapshot()``).
        config:
            Hierarchy decays and value-chain stages (profiles are applied at query time).

        Returns
        -------
        The index; its actor order is by id.
        """
        actors = sorted(snapshot.actors, key=lambda a: a.id)
        ids = [a.id for a in actors]
        used: set[str] = set()
        for actor in actors:
            used.update(actor.concept_ids())
        space = ConceptSpace.build(snapshot.concepts, used, config.hierarchy)
        n, c = len(actors), len(space.ids)
        cpos = space.pos

        df: dict[str, int] = {}
        for actor in actors:
            for comp in actor.competences:
                df[comp.concept] = df.get(comp.concept, 0) + 1
        idf = {x: math.log((1.0 + n) / (1.0 + k)) for x, k in df.items()}

        cov_r: list[int] = []
        cov_c: list[int] = []
        cov_v: list[float] = []
        req_r: list[int] = []
        req_c: list[int] = []
        req_v: list[float] = []
        comp_r: list[int] = []
        comp_c: list[int] = []
        comp_v: list[float] = []
        ker_r: list[int] = []
        ker_c: list[int] = []
        ker_v: list[float] = []
        for i, actor in enumerate(actors):
            cover: dict[str, float] = {}
            for concept, strength in supply_strengths(actor).items():
                for r, h in space.coverage[concept]:
                    value = strength * h
                    if value > cover.get(r, 0.0):
                        cover[r] = value
            for r, value in cover.items():
                cov_r.append(i)
                cov_c.append(cpos[r])
                cov_v.append(value)
            for r, w in request_weights(actor).items():
                req_r.append(i)
                req_c.append(cpos[r])
                req_v.append(w)
            vec = {x.concept: x.level / 3.0 * idf[x.concept] for x in actor.competences}
            norm = math.sqrt(math.fsum(v * v for v in vec.values()))
            if norm == 0.0:
                continue
            expanded: dict[str, float] = {}
            for x, v in vec.items():
                if v == 0.0:
                    continue
                comp_r.append(i)
                comp_c.append(cpos[x])
                comp_v.append(v / norm)
                for y, k in space.kernel[x]:
                    expanded[y] = expanded.get(y, 0.0) + v / norm * k
            for y, v in expanded.items():
                ker_r.append(i)
                ker_c.append(cpos[y])
                ker_v.append(v)

        stages = config.value_chain
        regions = sorted({a.region for a in actors})
        countries = sorted({a.country for a in actors})
        region_pos = {r: i for i, r in enumerate(regions)}
        country_pos = {r: i for i, r in enumerate(countries)}
        kind_pos = {k: i for i, k in enumerate(KINDS)}
        orgs: dict[str, int] = {}
        org_codes = [orgs.setdefault(a.affiliation or a.id, len(orgs)) for a in actors]

        targets = {a.affiliation for a in actors if a.affiliation is not None}
        group_pos: dict[str, int] = {}
        g_rows: list[int] = []
        g_cols: list[int] = []
        for i, actor in enumerate(actors):
            for key in sorted(group_keys(actor, targets)):
                g_rows.append(i)
                g_cols.append(group_pos.setdefault(key, len(group_pos)))
        groups = _csr(g_rows, g_cols, [1.0] * len(g_rows), (n, len(group_pos)))

        return cls(
            config=config,
            actors=actors,
            ids=ids,
            pos={a: i for i, a in enumerate(ids)},
            space=space,
            cov=_csr(cov_r, cov_c, cov_v, (n, c)),
            req=_csr(req_r, req_c, req_v, (n, c)),
            comp=_csr(comp_r, comp_c, comp_v, (n, c)),
            comp_kernel=_csr(ker_r, ker_c, ker_v, (n, c)),
            idf=idf,
            masks=np.array([stage_mask(a, stages) for a in actors], dtype=np.int64),
            kind_codes=np.array([kind_pos[a.kind] for a in actors], dtype=np.int64),
            region_codes=np.array([region_pos[a.region] for a in actors], dtype=np.int64),
            country_codes=np.array([country_pos[a.country] for a in actors], dtype=np.int64),
            org_codes=np.array(org_codes, dtype=np.int64),
            regions=regions,
            countries=countries,
            groups=groups,
            group_names=sorted(group_pos, key=group_pos.__getitem__),
        )
