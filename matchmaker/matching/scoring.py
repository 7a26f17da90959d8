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

import gc
import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from graph.protocol import GraphStore, Snapshot
from matchmaker.errors import NotFound, ValidationFailed
from matchmaker.matching.bounds import (
    GROUP_SIZE,
    SCORE_DECIMALS,
    BlockScorer,
    GroupBounds,
    PairScores,
    column_filter,
    value_chain_table,
)
from matchmaker.matching.explain import ExplainCache, explain
from matchmaker.matching.index import KINDS, FloatArray, IntArray, MatchIndex
from matchmaker.matching.profiles import (
    COMPONENTS,
    EngineConfig,
    Profile,
    default_config,
)
from matchmaker.matching.results import Match, MatchOptions

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]

"""Scores are compared rounded to this many decimals so ties break by id, not by float noise."""

_CHUNKS_PER_PROCESS = 16
"""``top_all`` with worker processes: chunks per process, for balance and steady progress."""


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

    def __init__(self, index: MatchIndex, group_size: int = GROUP_SIZE) -> None:
        self.index = index
        self.bounds = GroupBounds.build(index, group_size)
        self._compiled: dict[str, CompiledProfile] = {}
        self._vc: dict[int, FloatArray] = {}
        self._explain = ExplainCache(index)
        places = np.stack([index.region_codes, index.country_codes], axis=1)
        unique_places, place_codes = np.unique(places, axis=0, return_inverse=True)
        self._place_codes: IntArray = place_codes.reshape(-1).astype(np.int64)
        self._place_region: IntArray = unique_places[:, 0].astype(np.int64)
        self._place_country: IntArray = unique_places[:, 1].astype(np.int64)
        n_masks = len(self.bounds.masks)
        self._class_codes: IntArray = index.kind_codes * n_masks + self.bounds.actor_mask_code

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
        keep = scores.candidate & self._allowed(scores.query, None, options, profile)
        if options.exclude_partners:
            keep &= ~scores.partnered
        if options.min_score > 0:
            keep &= np.round(scores.total, SCORE_DECIMALS) >= options.min_score
        return keep

    def _allowed(
        self, a: int, at: IntArray | None, options: MatchOptions, profile: Profile
    ) -> BoolArray:
        """The request's kind, region, country, scope and id filters at positions ``at``
        (all positions for ``None``)."""
        ix = self.index
        kinds = ix.kind_codes if at is None else ix.kind_codes[at]
        regions = ix.region_codes if at is None else ix.region_codes[at]
        countries = ix.country_codes if at is None else ix.country_codes[at]
        keep: BoolArray = np.ones(len(kinds), dtype=bool)
        if options.kinds:
            wanted = np.array([k in options.kinds for k in KINDS])
            keep &= wanted[kinds]
        if options.regions:
            prefixes = tuple(r.strip().upper() for r in options.regions)
            keep &= np.array([r.startswith(prefixes) for r in ix.regions])[regions]
        if options.countries:
            wanted_c = {c.strip().upper() for c in options.countries}
            keep &= np.array([c in wanted_c for c in ix.countries])[countries]
        scope = options.scope or profile.scope
        if scope == "same_region":
            keep &= regions == ix.region_codes[a]
        elif scope == "other_regions":
            keep &= regions != ix.region_codes[a]
        excluded = [ix.pos[other] for other in options.exclude_ids if other in ix.pos]
        if excluded:
            positions = np.arange(ix.size) if at is None else at
            keep &= ~np.isin(positions, excluded)
        return keep

    def ranked(self, scores: Scores, keep: BoolArray, limit: int | None) -> IntArray:
        """Positions of kept actors by score (descending), ties by id; the first ``limit``."""
        idx = np.flatnonzero(keep)
        rounded = np.round(scores.total[idx], SCORE_DECIMALS)
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
        if options.per_organisation is not None or options.per_region is not None:
            scores = self.scores(actor_id, compiled)
            keep = self._filter(scores, options, compiled.profile)
            positions = self._diversify(self.ranked(scores, keep, None), options)
            return [self._record_full(scores, int(p)) for p in positions]
        a = self.position(actor_id)
        cols, totals, network = self._top_one(a, compiled, options)
        block = BlockScorer(
            self.index,
            self.bounds,
            np.array([a], dtype=np.int64),
            compiled,
            options,
            None,
            self._vc_table(compiled),
            network,
        )
        scored = block.pairs(np.zeros(len(cols), dtype=np.int64), cols)
        return [self._record(a, scored, i, float(t)) for i, t in enumerate(totals.tolist())]

    def _vc_table(self, compiled: CompiledProfile) -> FloatArray:
        key = id(compiled)
        if key not in self._vc:
            self._vc[key] = value_chain_table(compiled, self.bounds)
        return self._vc[key]

    def _block(
        self, queries: IntArray, compiled: CompiledProfile, options: MatchOptions
    ) -> BlockScorer:
        allowed = column_filter(self.index, options)
        return BlockScorer(
            self.index, self.bounds, queries, compiled, options, allowed, self._vc_table(compiled)
        )

    def _top_one(
        self, a: int, compiled: CompiledProfile, options: MatchOptions
    ) -> tuple[IntArray, FloatArray, tuple[IntArray, IntArray]]:
        """One query's best kept partners (positions, totals) by a full scan: concept column
        sums over all actors, context by two table lookups, network by a few scatters. Also
        the sorted positions of its partners and of the actors they introduce."""
        ix, profile = self.index, compiled.profile
        n, w = ix.size, compiled.weights
        needs = _column_sum(ix.csc("cov"), *_row(ix.req, a), n)
        offers = _column_sum(ix.csc("req"), *_row(ix.cov, a), n)
        similarity = np.minimum(_column_sum(ix.csc("comp"), *_row(ix.comp_kernel, a), n), 1.0)
        keep = needs > 0
        keep |= offers > 0
        keep |= similarity > 0
        total = needs
        total *= w[0]
        total += w[1] * offers
        total += w[2] * similarity
        masks = self.bounds.masks
        kinds = np.arange(len(KINDS))
        context = (
            w[5] * compiled.kind_table[ix.kind_codes[a]][kinds][:, None]
            + w[3] * (self._vc_table(compiled)[self.bounds.actor_mask_code[a]][None, : len(masks)])
        )
        total += context.reshape(-1)[self._class_codes]
        policy = profile.region
        region = np.where(
            self._place_region == ix.region_codes[a],
            policy.same_region,
            np.where(
                self._place_country == ix.country_codes[a],
                policy.same_country,
                policy.other_country,
            ),
        )
        total += w[4] * region[self._place_codes]
        partners = self._partners(a)
        introduced = np.zeros(0, dtype=np.int64)
        if len(partners):
            reach = np.unique(ix.groups[partners].indices)
            groups = ix.csc("groups")
            members = np.unique(
                np.concatenate(
                    [groups.indices[groups.indptr[g] : groups.indptr[g + 1]] for g in reach]
                )
            )
            introduced = np.setdiff1d(members, partners)
            introduced = introduced[introduced != a]
            total[introduced] += w[6] * profile.network.introduced
            if profile.network.partners == "downweight":
                total[partners] *= profile.network.partner_factor
            if profile.network.partners == "exclude" or options.exclude_partners:
                keep[partners] = False
        keep[a] = False
        allowed = column_filter(ix, options)
        if allowed is not None:
            keep &= allowed
        scope = options.scope or profile.scope
        if scope == "same_region":
            keep &= ix.region_codes == ix.region_codes[a]
        elif scope == "other_regions":
            keep &= ix.region_codes != ix.region_codes[a]
        if options.min_score > 0:
            keep &= np.round(total, SCORE_DECIMALS) >= options.min_score
        k = options.top
        masked = np.where(keep, total, -np.inf)
        if n > k:
            kth = np.partition(masked, n - k)[n - k]
            idx = np.flatnonzero(masked >= kth - 10.0**-SCORE_DECIMALS)
        else:
            idx = np.arange(n)
        idx = idx[keep[idx]]
        rounded = np.round(total[idx], SCORE_DECIMALS)
        order = np.lexsort((idx, -rounded))[:k]
        return idx[order], total[idx[order]], (partners, introduced)

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

    def _record_full(self, scores: Scores, p: int) -> Match:
        return self._build_match(
            scores.query,
            p,
            scores.values[:, p],
            scores.contributions[:, p],
            float(scores.total[p]),
            partnered=bool(scores.partnered[p]),
            introduced=bool(scores.introduced[p]),
        )

    def _record(self, a: int, scored: PairScores, i: int, total: float) -> Match:
        return self._build_match(
            a,
            int(scored.cols[i]),
            scored.values[:, i],
            scored.contributions[:, i],
            total,
            partnered=bool(scored.partnered[i]),
            introduced=bool(scored.introduced[i]),
        )

    def _build_match(
        self,
        a: int,
        p: int,
        values_at: FloatArray,
        contributions_at: FloatArray,
        total: float,
        *,
        partnered: bool,
        introduced: bool,
    ) -> Match:
        ix = self.index
        me, partner = ix.actors[a], ix.actors[p]
        values = dict(zip(COMPONENTS, values_at.tolist(), strict=True))
        contributions = dict(zip(COMPONENTS, contributions_at.tolist(), strict=True))
        introduced_by = self._introducer(a, p) if introduced else None
        pairs, reason = explain(
            self._explain, me, partner, values, partnered=partnered, introduced_by=introduced_by
        )
        return Match(
            actor_id=me.id,
            partner_id=partner.id,
            partner_name=partner.name,
            partner_kind=partner.kind,
            partner_region=partner.region,
            partner_country=partner.country,
            score=total,
            components=values,
            contributions=contributions,
            pairs=pairs,
            reason=reason,
            partnered=partnered,
            introduced_by=introduced_by,
        )

    def _introducer(self, a: int, b: int) -> str | None:
        """The smallest id of an actor that is partner of both ``a`` and ``b``."""
        common = np.intersect1d(self._partners(a), self._partners(b))
        common = common[(common != a) & (common != b)]
        return self.index.ids[int(common.min())] if len(common) else None

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

    def _partners(self, a: int) -> IntArray:
        groups = self.index.csc("groups")
        cols, _ = _row(self.index.groups, a)
        members = [groups.indices[groups.indptr[g] : groups.indptr[g + 1]] for g in cols.tolist()]
        if not members:
            return np.zeros(0, dtype=np.int64)
        found = np.unique(np.concatenate(members))
        result: IntArray = found[found != a]
        return result

    def top_all(
        self,
        actor_ids: Iterable[str],
        options: MatchOptions | None = None,
        *,
        block: int = 256,
        bounded: bool = False,
        processes: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[str, list[tuple[str, float]]]]:
        """Top partners ``(id, score)`` for many actors, without explanations.

        By default each actor is ranked by the same full scan as :meth:`match`. With
        ``bounded=True``, ``block`` actors at a time are ranked with group upper bounds and
        exact scores of the groups that can reach each top list
        (:mod:`matchmaker.matching.bounds`); same lists, but on the generated benchmark data
        the bounds prune too little to be faster. Diversity limits are not supported.

        With ``processes > 1`` contiguous chunks of ``actor_ids`` are ranked by that many
        forked worker processes (the index arrays are shared copy-on-write, never pickled);
        results come back as compact arrays and are yielded in input order, identical to
        ``processes=1``. Where ``fork`` is unavailable the actors are ranked in this process.
        ``progress(count)`` after each actor (each block when bounded, each chunk when forked).

        Raises
        ------
        ValidationFailed
            If ``options`` asks for diversity limits or ``processes`` is below 1.
        NotFound
            If an actor is not indexed.
        """
        options = options or MatchOptions()
        if options.per_organisation is not None or options.per_region is not None:
            raise ValidationFailed("top_all does not apply diversity limits; use match_many")
        if processes < 1:
            raise ValidationFailed(f"processes must be at least 1, got {processes}")
        compiled = self.resolve(options)
        self._vc_table(compiled)
        ids = self.index.ids
        positions = np.array([self.position(i) for i in actor_ids], dtype=np.int64)
        if processes == 1 or len(positions) < 2 or "fork" not in mp.get_all_start_methods():
            for a, cols, totals, count in self._scan(positions, compiled, options, bounded, block):
                yield (
                    ids[a],
                    list(zip([ids[c] for c in cols.tolist()], totals.tolist(), strict=True)),
                )
                if progress is not None and count:
                    progress(count)
            return
        n_chunks = min(len(positions), processes * _CHUNKS_PER_PROCESS)
        chunks = np.array_split(positions, n_chunks)
        state = (self, compiled, options, bounded, block)
        gc.freeze()
        try:
            pool = mp.get_context("fork").Pool(
                min(processes, n_chunks), initializer=_init_worker, initargs=(state,)
            )
        finally:
            gc.unfreeze()
        with pool:
            for chunk, (counts, cols, totals) in zip(
                chunks, pool.imap(_scan_chunk, chunks), strict=True
            ):
                ends = np.cumsum(counts).tolist()
                names = [ids[c] for c in cols.tolist()]
                values = totals.tolist()
                start = 0
                for a, end in zip(chunk.tolist(), ends, strict=True):
                    yield ids[a], list(zip(names[start:end], values[start:end], strict=True))
                    start = end
                if progress is not None:
                    progress(len(chunk))

    def _scan(
        self,
        positions: IntArray,
        compiled: CompiledProfile,
        options: MatchOptions,
        bounded: bool,
        block: int,
    ) -> Iterator[tuple[int, IntArray, FloatArray, int]]:
        """``(position, partner positions, totals, progress count)`` per actor, in order."""
        if not bounded:
            for a in positions.tolist():
                cols, totals, _ = self._top_one(a, compiled, options)
                yield a, cols, totals, 1
            return
        allowed = column_filter(self.index, options)
        vc = self._vc_table(compiled)
        for start in range(0, len(positions), block):
            q = positions[start : start + block]
            scorer = BlockScorer(self.index, self.bounds, q, compiled, options, allowed, vc)
            tops = scorer.top(options.top)
            for i, (a, (cols, totals)) in enumerate(zip(q.tolist(), tops, strict=True)):
                yield a, cols, totals, len(q) if i == len(q) - 1 else 0

    def top_ids(self, actor_id: str, options: MatchOptions | None = None) -> list[str]:
        """Ids of :meth:`match` without building explanations (for bulk runs)."""
        options = options or MatchOptions()
        if options.per_organisation is not None or options.per_region is not None:
            return [m.partner_id for m in self.match(actor_id, options)]
        compiled = self.resolve(options)
        cols, _, _ = self._top_one(self.position(actor_id), compiled, options)
        return [self.index.ids[c] for c in cols.tolist()]


_worker_state: tuple[Any, ...] | None = None


def _init_worker(state: tuple[Any, ...]) -> None:
    global _worker_state
    _worker_state = state


def _scan_chunk(positions: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """In a forked worker: per-actor list lengths, then all partner positions and totals."""
    assert _worker_state is not None
    engine, compiled, options, bounded, block = _worker_state
    counts: list[int] = []
    cols: list[IntArray] = []
    totals: list[FloatArray] = []
    for _, c, t, _ in engine._scan(positions, compiled, options, bounded, block):
        counts.append(len(c))
        cols.append(c)
        totals.append(t)
    return (
        np.array(counts, dtype=np.int32),
        np.concatenate(cols).astype(np.int32) if cols else np.zeros(0, dtype=np.int32),
        np.concatenate(totals).astype(np.float64) if totals else np.zeros(0),
    )
