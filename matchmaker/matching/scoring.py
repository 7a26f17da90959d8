"""The fast matching engine: one query is a handful of sparse column sums over all actors.

>>> from graph.protocol import Snapshot
>>> from matchmaker.models import Actor, Offer, Request
>>> a = Actor(id="a", name="A", kind="company", region="AT12", country="AT",
...           requests=[Request(concepts=["vc.post.hip"])])
>>> b = Actor(id="b", name="B", kind="company", region="BE21", country="BE",
...           offers=[Offer(concepts=["vc.post.hip"], text="HIP service")])
>>> engine = MatchEngine.from_snapshot(Snapshot(actors=[a, b], concepts=[], projects=[]))
>>> [m.partner_id for m in engine.match("a")]
['b']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from graph.protocol import GraphStore, Snapshot
from matchmaker.errors import NotFound
from matchmaker.matching.explain import explain
from matchmaker.matching.index import KINDS, FloatArray, IntArray, MatchIndex
from matchmaker.matching.profiles import (
    COMPONENTS,
    EngineConfig,
    Profile,
    default_config,
)
from matchmaker.matching.results import Match, MatchOptions

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]

_SCORE_DECIMALS = 12
"""Scores are compared rounded to this many decimals so ties break by id, not by float noise."""


@dataclass(frozen=True)
class CompiledProfile:
    """A profile turned into lookup tables over the index's integer codes."""

    profile: Profile
    weights: tuple[float, ...]
    kind_table: FloatArray
    stage_best: FloatArray
    """``stage_best[s, t]``: value-chain score of stages ``s`` and ``t``."""
    stage_bits: FloatArray
    """``stage_bits[m, t]``: 1 if mask ``m`` has stage ``t``."""

    @classmethod
    def compile(cls, profile: Profile, n_stages: int) -> CompiledProfile:
        """Build the tables for ``profile`` and ``n_stages`` value-chain stages."""
        k = len(KINDS)
        kinds = np.array(
            [[profile.kinds.score(KINDS[i], KINDS[j]) for j in range(k)] for i in range(k)]
        )
        by_distance = profile.value_chain.by_distance
        best = np.array(
            [
                [
                    by_distance[abs(s - t)] if abs(s - t) < len(by_distance) else 0.0
                    for t in range(n_stages)
                ]
                for s in range(n_stages)
            ]
        )
        masks = np.arange(1 << n_stages)
        bits = ((masks[:, None] >> np.arange(n_stages)[None, :]) & 1).astype(np.float64)
        return cls(profile, profile.weights.normalised(), kinds, best, bits)

    def value_chain_row(self, mask: int) -> FloatArray:
        """Value-chain score of an actor with stage ``mask`` against every possible mask."""
        mine = self.stage_bits[mask].astype(bool)
        if not mine.any():
            return np.zeros(len(self.stage_bits))
        best = self.stage_best[mine].max(axis=0)
        row: FloatArray = (self.stage_bits * best[None, :]).max(axis=1)
        return row


@dataclass
class Scores:
    """All components of one actor against every indexed actor (arrays over positions)."""

    query: int
    values: FloatArray
    """len(COMPONENTS) x N component values, each in [0, 1]."""
    contributions: FloatArray
    """len(COMPONENTS) x N weighted values (times the partner factor where it applies)."""
    total: FloatArray
    partnered: BoolArray
    introduced: BoolArray
    candidate: BoolArray
    """Not the actor itself, linked by a concept, and not an excluded partner."""


def _column_sum(matrix: sp.csc_array, cols: IntArray, vals: FloatArray, n: int) -> FloatArray:
    """``matrix[:, cols] @ vals`` for a CSC matrix, without copying the columns."""
    out = np.zeros(n)
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    for j, v in zip(cols.tolist(), vals.tolist(), strict=True):
        lo, hi = indptr[j], indptr[j + 1]
        out[indices[lo:hi]] += v * data[lo:hi]
    return out


def _row(matrix: sp.csr_array, i: int) -> tuple[IntArray, FloatArray]:
    lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[lo:hi], matrix.data[lo:hi]


class MatchEngine:
    """Ranks partners for actors of one snapshot; thread-safe for queries once built."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self._compiled: dict[str, CompiledProfile] = {}

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, config: EngineConfig | None = None) -> MatchEngine:
        """Build the index of ``snapshot`` (with the shipped configuration by default)."""
        return cls(MatchIndex.build(snapshot, config or default_config()))

    @classmethod
    def from_store(cls, store: GraphStore, config: EngineConfig | None = None) -> MatchEngine:
        """Build the index of everything in ``store``; build a new engine after writes."""
        return cls.from_snapshot(store.snapshot(), config)

    @property
    def config(self) -> EngineConfig:
        return self.index.config

    def resolve(self, options: MatchOptions) -> CompiledProfile:
        """The compiled profile of ``options`` (profile name plus weight overrides)."""
        profile = self.config.profile(options.profile).with_weights(options.weights)
        key = profile.model_dump_json()
        if key not in self._compiled:
            self._compiled[key] = CompiledProfile.compile(profile, len(self.config.value_chain))
        return self._compiled[key]

    def position(self, actor_id: str) -> int:
        """Index position of an actor; ``NotFound`` if it is not in the snapshot."""
        try:
            return self.index.pos[actor_id]
        except KeyError:
            raise NotFound("actor", actor_id) from None

    def scores(self, actor_id: str, compiled: CompiledProfile) -> Scores:
        """Every component of ``actor_id`` against every actor.

        Raises
        ------
        NotFound
            If the actor is not indexed.
        """
        ix = self.index
        a = self.position(actor_id)
        n = ix.size
        profile = compiled.profile

        needs = _column_sum(ix.csc("cov"), *_row(ix.req, a), n)
        offers = _column_sum(ix.csc("req"), *_row(ix.cov, a), n)
        similarity = np.minimum(_column_sum(ix.csc("comp"), *_row(ix.comp_kernel, a), n), 1.0)
        value_chain = compiled.value_chain_row(int(ix.masks[a]))[ix.masks]
        policy = profile.region
        region = np.where(
            ix.region_codes == ix.region_codes[a],
            policy.same_region,
            np.where(
                ix.country_codes == ix.country_codes[a], policy.same_country, policy.other_country
            ),
        )
        kind = compiled.kind_table[ix.kind_codes[a]][ix.kind_codes]

        groups_of_a, _ = _row(ix.groups, a)
        partnered = _column_sum(ix.csc("groups"), groups_of_a, np.ones(len(groups_of_a)), n) > 0
        partnered[a] = False
        reached = ix.groups @ ((ix.groups.T @ partnered.astype(np.float64)) > 0).astype(np.float64)
        introduced = (reached > 0) & ~partnered
        introduced[a] = False
        network = np.where(introduced, profile.network.introduced, 0.0)

        values = np.vstack([needs, offers, similarity, value_chain, region, kind, network])
        factor = np.ones(n)
        if profile.network.partners == "downweight":
            factor[partnered] = profile.network.partner_factor
        contributions = values * (np.asarray(compiled.weights)[:, None] * factor[None, :])
        total = np.zeros(n)
        for row in contributions:
            total += row
        candidate = (needs + offers + similarity) > 0
        candidate[a] = False
        if profile.network.partners == "exclude":
            candidate &= ~partnered
        return Scores(a, values, contributions, total, partnered, introduced, candidate)

    def _filter(self, scores: Scores, options: MatchOptions, profile: Profile) -> BoolArray:
        ix = self.index
        keep = scores.candidate.copy()
        a = scores.query
        if options.exclude_partners:
            keep &= ~scores.partnered
        if options.kinds:
            wanted = np.array([k in options.kinds for k in KINDS])
            keep &= wanted[ix.kind_codes]
        if options.regions:
            prefixes = tuple(r.strip().upper() for r in options.regions)
            ok = np.array([r.startswith(prefixes) for r in ix.regions])
            keep &= ok[ix.region_codes]
        if options.countries:
            wanted_c = {c.strip().upper() for c in options.countries}
            ok = np.array([c in wanted_c for c in ix.countries])
            keep &= ok[ix.country_codes]
        scope = options.scope or profile.scope
        if scope == "same_region":
            keep &= ix.region_codes == ix.region_codes[a]
        elif scope == "other_regions":
            keep &= ix.region_codes != ix.region_codes[a]
        for other in options.exclude_ids:
            if other in ix.pos:
                keep[ix.pos[other]] = False
        if options.min_score > 0:
            keep &= scores.total >= options.min_score
        return keep

    def ranked(self, scores: Scores, keep: BoolArray, limit: int | None) -> IntArray:
        """Positions of kept actors by score (descending), ties by id; the first ``limit``."""
        idx = np.flatnonzero(keep)
        rounded = np.round(scores.total[idx], _SCORE_DECIMALS)
        if limit is not None and len(idx) > limit:
            kth = np.partition(rounded, len(rounded) - limit)[len(rounded) - limit]
            chosen = rounded >= kth
            idx, rounded = idx[chosen], rounded[chosen]
        order = np.lexsort((idx, -rounded))
        result: IntArray = idx[order]
        return result if limit is None else result[:limit]

    def match(self, actor_id: str, options: MatchOptions | None = None) -> list[Match]:
        """The best partners for one actor, best first, each with contributions and a reason.

        Parameters
        ----------
        actor_id:
            The actor to find partners for.
        options:
            Profile, weight overrides, filters, diversity limits; defaults to ``MatchOptions()``.

        Returns
        -------
        At most ``options.top`` matches ordered by score (descending), ties by partner id.

        Raises
        ------
        NotFound
            Unknown actor.
        ValidationFailed
            Unknown profile or invalid weights.
        """
        options = options or MatchOptions()
        compiled = self.resolve(options)
        scores = self.scores(actor_id, compiled)
        keep = self._filter(scores, options, compiled.profile)
        diverse = options.per_organisation is not None or options.per_region is not None
        positions = self.ranked(scores, keep, None if diverse else options.top)
        if diverse:
            positions = self._diversify(positions, options)
        return [self._record(scores, int(p)) for p in positions]

    def _diversify(self, positions: IntArray, options: MatchOptions) -> IntArray:
        ix = self.index
        per_org: dict[int, int] = {}
        per_region: dict[int, int] = {}
        chosen: list[int] = []
        for p in positions.tolist():
            org, region = int(ix.org_codes[p]), int(ix.region_codes[p])
            if (
                options.per_organisation is not None
                and per_org.get(org, 0) >= options.per_organisation
            ):
                continue
            if options.per_region is not None and per_region.get(region, 0) >= options.per_region:
                continue
            per_org[org] = per_org.get(org, 0) + 1
            per_region[region] = per_region.get(region, 0) + 1
            chosen.append(p)
            if len(chosen) == options.top:
                break
        return np.array(chosen, dtype=np.int64)

    def _record(self, scores: Scores, p: int) -> Match:
        ix = self.index
        me, partner = ix.actors[scores.query], ix.actors[p]
        values = {name: float(scores.values[i, p]) for i, name in enumerate(COMPONENTS)}
        contributions = {
            name: float(scores.contributions[i, p]) for i, name in enumerate(COMPONENTS)
        }
        introduced_by = self._introducer(scores.query, p) if scores.introduced[p] else None
        pairs, reason = explain(
            ix,
            me,
            partner,
            values,
            partnered=bool(scores.partnered[p]),
            introduced_by=introduced_by,
        )
        return Match(
            actor_id=me.id,
            partner_id=partner.id,
            partner_name=partner.name,
            partner_kind=partner.kind,
            partner_region=partner.region,
            partner_country=partner.country,
            score=float(scores.total[p]),
            components=values,
            contributions=contributions,
            pairs=pairs,
            reason=reason,
            partnered=bool(scores.partnered[p]),
            introduced_by=introduced_by,
        )

    def _introducer(self, a: int, b: int) -> str | None:
        """The smallest id of an actor that is partner of both ``a`` and ``b``."""
        ix = self.index
        groups = ix.csc("groups")
        n = ix.size

        def partners(i: int) -> set[int]:
            cols, _ = _row(ix.groups, i)
            hit = _column_sum(groups, cols, np.ones(len(cols)), n) > 0
            hit[i] = False
            return set(np.flatnonzero(hit).tolist())

        common = (partners(a) & partners(b)) - {a, b}
        return ix.ids[min(common)] if common else None

    def match_many(
        self,
        actor_ids: Iterable[str],
        options: MatchOptions | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Iterator[tuple[str, list[Match]]]:
        """:meth:`match` for several actors in turn; ``progress(actor_id)`` after each."""
        options = options or MatchOptions()
        self.resolve(options)
        for actor_id in actor_ids:
            result = self.match(actor_id, options)
            if progress is not None:
                progress(actor_id)
            yield actor_id, result

    def top_ids(self, actor_id: str, options: MatchOptions | None = None) -> list[str]:
        """Ids of :meth:`match` without building explanations (for bulk runs)."""
        options = options or MatchOptions()
        if options.per_organisation is not None or options.per_region is not None:
            return [m.partner_id for m in self.match(actor_id, options)]
        compiled = self.resolve(options)
        scores = self.scores(actor_id, compiled)
        keep = self._filter(scores, options, compiled.profile)
        return [self.index.ids[int(p)] for p in self.ranked(scores, keep, options.top)]
