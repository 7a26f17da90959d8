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
from matchmaker.errors import NotFound, ValidationFailed
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
        keep = scores.candidate & self._allowed(scores.query, None, options, profile)
        if options.exclude_partners:
            keep &= ~scores.partnered
        if options.min_score > 0:
            keep &= scores.total >= options.min_score
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

    def _transposed(self, name: str) -> sp.csr_array:
        key = name + ".T"
        if key not in self.index._csc:
            self.index._csc[key] = sp.csr_array(self.index.csc(name).T)
        return self.index._csc[key]

    def _exact_at(
        self, a: int, at: IntArray, compiled: CompiledProfile, options: MatchOptions
    ) -> tuple[FloatArray, BoolArray]:
        """Totals at positions ``at`` and whether each is a kept candidate: the same formulas as
        :meth:`scores`, evaluated row-wise for a few positions."""
        ix = self.index
        profile = compiled.profile
        c = len(ix.space.ids)
        w = compiled.weights

        def dense(matrix: sp.csr_array) -> FloatArray:
            vec = np.zeros(c)
            cols, vals = _row(matrix, a)
            vec[cols] = vals
            return vec

        needs = ix.cov[at] @ dense(ix.req)
        offers = ix.req[at] @ dense(ix.cov)
        similarity = np.minimum(ix.comp[at] @ dense(ix.comp_kernel), 1.0)
        value_chain = compiled.value_chain_row(int(ix.masks[a]))[ix.masks[at]]
        policy = profile.region
        region = np.where(
            ix.region_codes[at] == ix.region_codes[a],
            policy.same_region,
            np.where(
                ix.country_codes[at] == ix.country_codes[a],
                policy.same_country,
                policy.other_country,
            ),
        )
        kind = compiled.kind_table[ix.kind_codes[a]][ix.kind_codes[at]]
        partners = self._partners(a)
        partnered = np.isin(at, partners)
        reach = np.zeros(ix.groups.shape[1])
        if len(partners):
            reach[np.unique(ix.groups[partners].indices)] = 1.0
        introduced = ((ix.groups[at] @ reach) > 0) & ~partnered & (at != a)
        network = np.where(introduced, profile.network.introduced, 0.0)
        factor = np.ones(len(at))
        if profile.network.partners == "downweight":
            factor[partnered] = profile.network.partner_factor
        total = np.zeros(len(at))
        for weight, values in zip(
            w, (needs, offers, similarity, value_chain, region, kind, network), strict=True
        ):
            total += values * (weight * factor)
        keep = ((needs + offers + similarity) > 0) & (at != a)
        if profile.network.partners == "exclude" or options.exclude_partners:
            keep &= ~partnered
        keep &= self._allowed(a, at, options, profile)
        if options.min_score > 0:
            keep &= total >= options.min_score
        return total, keep

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
        sample: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[str, list[tuple[str, float]]]]:
        """Top partners ``(id, score)`` for many actors, without explanations.

        Scores a block of actors at once with sparse products for the concept components, then
        evaluates exactly only the partners whose upper bound can still reach the top list: the
        ``sample`` best by bound set a threshold, the rest is pruned by it. Gives the same lists
        as :meth:`top_ids` (diversity limits are not supported here).

        Raises
        ------
        ValidationFailed
            If ``options`` asks for diversity limits.
        """
        options = options or MatchOptions()
        if options.per_organisation is not None or options.per_region is not None:
            raise ValidationFailed("top_all does not apply diversity limits; use match_many")
        compiled = self.resolve(options)
        ix = self.index
        w = compiled.weights
        coeff = [max(x, 1e-12) for x in w[:3]]
        region_best = max(
            compiled.profile.region.same_region,
            compiled.profile.region.same_country,
            compiled.profile.region.other_country,
        )
        context_fixed = w[4] * region_best + w[6] * compiled.profile.network.introduced
        k = options.top
        sample = sample if sample is not None else max(4 * k, 64)
        positions = [self.position(i) for i in actor_ids]
        for start in range(0, len(positions), block):
            q = np.array(positions[start : start + block], dtype=np.int64)
            sim = ix.comp_kernel[q] @ self._transposed("comp")
            sim.data = np.minimum(sim.data, 1.0)
            bound = sp.csr_array(
                coeff[0] * (ix.req[q] @ self._transposed("cov"))
                + coeff[1] * (ix.cov[q] @ self._transposed("req"))
                + coeff[2] * sim
            )
            for r, a in enumerate(q.tolist()):
                cols = bound.indices[bound.indptr[r] : bound.indptr[r + 1]].astype(np.int64)
                ub = bound.data[bound.indptr[r] : bound.indptr[r + 1]]
                context = (
                    context_fixed
                    + w[3] * float(compiled.value_chain_row(int(ix.masks[a])).max())
                    + w[5] * float(compiled.kind_table[ix.kind_codes[a]].max())
                )
                if len(cols) > sample:
                    first = np.argpartition(-ub, sample)[:sample]
                    total, keep = self._exact_at(a, cols[first], compiled, options)
                    kept = np.sort(total[keep])
                    threshold = kept[-k] if len(kept) >= k else 0.0
                    cols = cols[ub + context >= threshold - 1e-9]
                total, keep = self._exact_at(a, cols, compiled, options)
                cols, total = cols[keep], total[keep]
                order = np.lexsort((cols, -np.round(total, _SCORE_DECIMALS)))[:k]
                yield ix.ids[a], [(ix.ids[int(cols[i])], float(total[i])) for i in order]
                if progress is not None:
                    progress(1)

    def top_ids(self, actor_id: str, options: MatchOptions | None = None) -> list[str]:
        """Ids of :meth:`match` without building explanations (for bulk runs)."""
        options = options or MatchOptions()
        if options.per_organisation is not None or options.per_region is not None:
            return [m.partner_id for m in self.match(actor_id, options)]
        compiled = self.resolve(options)
        scores = self.scores(actor_id, compiled)
        keep = self._filter(scores, options, compiled.profile)
        return [self.index.ids[int(p)] for p in self.ranked(scores, keep, options.top)]
