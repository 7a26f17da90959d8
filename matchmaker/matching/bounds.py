"""Exact top-k lists without scoring every pair: group upper bounds, then exact pair scores.

Actors are put into small groups of the same kind and value-chain stage mask with similar
concepts. A group's element-wise maximum of coverage, request and competence vectors gives an
upper bound of every member's concept components against a query; kind and value chain are
exact per group, region is bounded by the profile's largest value and the network component is
added only to groups holding an introduced actor. For a block of queries the engine scores the
few best groups of each query exactly, takes the k-th best exact score as threshold and then
scores exactly every other group whose bound reaches it. The result is the same top list as
scoring all pairs (``docs/scoring.md``, section "How it is computed fast").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matchmaker.matching.index import KINDS, FloatArray, IntArray
from matchmaker.matching.results import MatchOptions

if TYPE_CHECKING:
    from matchmaker.matching.index import MatchIndex
    from matchmaker.matching.scoring import CompiledProfile

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]

SCORE_DECIMALS = 12
"""Scores are compared rounded to this many decimals (ties, ``min_score``), so every path
agrees however it summed the components."""

_SLACK = 1e-9
"""Bounds are compared with this slack so summation order can never prune a tied partner."""

GROUP_SIZE = 8


def _expand(starts: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """For segments ``[starts[i], starts[i] + counts[i])``: owner ``i`` and position of each
    element, concatenated."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(starts, counts) + offsets


def _max_product(dense: FloatArray, support_t: FloatArray) -> FloatArray:
    """``out[i, g] = max_c dense[i, c] * support_t[c, g]``."""
    out: FloatArray = np.zeros((dense.shape[0], support_t.shape[1]))
    for c in np.flatnonzero(dense.any(axis=0)).tolist():
        rows = np.flatnonzero(dense[:, c])
        out[rows] = np.maximum(out[rows], dense[rows, c][:, None] * support_t[c][None, :])
    return out


def _split(members: IntArray, features: npt.NDArray[np.float32], size: int) -> list[IntArray]:
    """Split ``members`` recursively on the feature of largest variance until every part has
    at most ``size`` actors, so the actors of a part have similar vectors."""
    parts: list[IntArray] = []
    stack = [members]
    while stack:
        node = stack.pop()
        if len(node) <= size:
            parts.append(node)
            continue
        block = features[node]
        column = block[:, int(np.argmax(block.var(axis=0)))]
        cut = float(np.median(column))
        high = column > cut
        if not high.any() or high.all():
            high = column >= cut
        if not high.any() or high.all():
            high = np.arange(len(node)) >= len(node) // 2
        stack.extend([node[high], node[~high]])
    return parts


@dataclass(frozen=True)
class GroupBounds:
    """Actor groups with their element-wise maximum vectors (built once per index)."""

    size: int
    """The largest group size."""
    order: IntArray
    """Actor positions, group after group."""
    starts: IntArray
    """Group ``g`` is ``order[starts[g]:starts[g + 1]]``."""
    group_of: IntArray
    """Group of each actor position."""
    kind: IntArray
    """Kind code of each group (groups are kind-homogeneous)."""
    mask_code: IntArray
    """Code of each group's stage mask in ``masks`` (groups are mask-homogeneous)."""
    masks: IntArray
    """The distinct stage masks of the index."""
    actor_mask_code: IntArray
    max_cov_t: FloatArray
    """C x G: each group's largest coverage per concept."""
    max_req_t: FloatArray
    max_comp_t: FloatArray
    req_support_t: FloatArray
    """C x G: 1 where some member of the group requests the concept."""
    comp_support_t: FloatArray
    """C x G: 1 where some member of the group has the competence."""
    cov_dense: FloatArray
    """N x C dense copy of ``index.cov`` (exact needs of many pairs by gathering)."""

    @property
    def count(self) -> int:
        """Number of groups."""
        return len(self.starts) - 1

    @classmethod
    def build(cls, index: MatchIndex, size: int = GROUP_SIZE) -> GroupBounds:
        """Group the actors of ``index`` into groups of at most ``size``.

        Order within a (kind, stage mask) class is by strongest requested, competence and
        supplied concept, so neighbours share concepts and the group maxima stay tight.
        """
        n, c = index.size, len(index.space.ids)
        masks, actor_mask_code = np.unique(index.masks, return_inverse=True)
        actor_mask_code = actor_mask_code.astype(np.int64)
        cov = index.cov.toarray() if n else np.zeros((0, c))
        req = index.req.toarray() if n else np.zeros((0, c))
        comp = index.comp.toarray() if n else np.zeros((0, c))
        features = np.hstack([cov, req, comp]).astype(np.float32)
        classes = np.lexsort((np.arange(n), actor_mask_code, index.kind_codes)).astype(np.int64)
        cls_key = index.kind_codes[classes] * (len(masks) + 1) + actor_mask_code[classes]
        class_starts: list[int] = (
            np.flatnonzero(np.r_[True, cls_key[1:] != cls_key[:-1]]).tolist() if n else []
        )
        pieces: list[IntArray] = []
        for lo, hi in zip(class_starts, [*class_starts[1:], n], strict=True):
            pieces.extend(_split(classes[lo:hi], features, size))
        order = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        starts = np.cumsum([0, *(len(p) for p in pieces)]).astype(np.int64)
        sizes = np.diff(starts)
        group_of = np.empty(n, dtype=np.int64)
        group_of[order] = np.repeat(np.arange(len(sizes)), sizes)
        heads = order[starts[:-1]]

        def maxima(dense: FloatArray) -> FloatArray:
            if not len(sizes):
                return np.zeros((c, 0))
            return np.ascontiguousarray(np.maximum.reduceat(dense[order], starts[:-1], axis=0).T)

        return cls(
            size=size,
            order=order,
            starts=starts,
            group_of=group_of,
            kind=index.kind_codes[heads],
            mask_code=actor_mask_code[heads],
            masks=masks.astype(np.int64),
            actor_mask_code=actor_mask_code,
            max_cov_t=maxima(cov),
            max_req_t=maxima(req),
            max_comp_t=maxima(comp),
            req_support_t=(maxima(req) > 0).astype(np.float64),
            comp_support_t=(maxima(comp) > 0).astype(np.float64),
            cov_dense=cov,
        )


def value_chain_table(compiled: CompiledProfile, bounds: GroupBounds) -> FloatArray:
    """U x U: the value-chain component between the index's distinct stage masks."""
    if not len(bounds.masks):
        return np.zeros((0, 0))
    rows = np.array([compiled.value_chain_row(int(m)) for m in bounds.masks])
    table: FloatArray = rows[:, bounds.masks]
    return table


def column_filter(index: MatchIndex, options: MatchOptions) -> BoolArray | None:
    """Partners the request's kind, region, country and id filters allow (``None``: all)."""
    if not (options.kinds or options.regions or options.countries or options.exclude_ids):
        return None
    keep: BoolArray = np.ones(index.size, dtype=bool)
    if options.kinds:
        keep &= np.array([k in options.kinds for k in KINDS])[index.kind_codes]
    if options.regions:
        prefixes = tuple(r.strip().upper() for r in options.regions)
        keep &= np.array([r.startswith(prefixes) for r in index.regions])[index.region_codes]
    if options.countries:
        wanted = {c.strip().upper() for c in options.countries}
        keep &= np.array([c in wanted for c in index.countries])[index.country_codes]
    excluded = [index.pos[other] for other in options.exclude_ids if other in index.pos]
    keep[excluded] = False
    return keep


@dataclass(frozen=True)
class PairScores:
    """Exact components of pairs ``(queries[rows[p]], cols[p])`` (the same formulas as
    :meth:`matchmaker.matching.scoring.MatchEngine.scores`)."""

    rows: IntArray
    cols: IntArray
    values: FloatArray
    """len(COMPONENTS) x P."""
    contributions: FloatArray
    total: FloatArray
    partnered: BoolArray
    introduced: BoolArray
    keep: BoolArray
    """A candidate that passes the request's filters."""


class BlockScorer:
    """Scores a block of query actors against partners under one profile and request."""

    def __init__(
        self,
        index: MatchIndex,
        bounds: GroupBounds,
        queries: IntArray,
        compiled: CompiledProfile,
        options: MatchOptions,
        allowed: BoolArray | None,
        vc: FloatArray | None = None,
        network: tuple[IntArray, IntArray] | None = None,
    ) -> None:
        self.ix = index
        self.bounds = bounds
        self.q = queries
        self.compiled = compiled
        self.options = options
        self.allowed = allowed
        profile = compiled.profile
        self.cov_q = index.cov[queries].toarray()
        self.kernel_q = index.comp_kernel[queries].toarray()
        self.vc = value_chain_table(compiled, bounds) if vc is None else vc
        """U x U: value-chain score between distinct stage masks."""
        if network is not None:
            self.partner_keys, self.introduced_keys = network
        else:
            self.partner_keys, self.introduced_keys = self._network(index, queries)
        self.exclude_partners = profile.network.partners == "exclude" or bool(
            options.exclude_partners
        )

    @classmethod
    def _network(cls, index: MatchIndex, queries: IntArray) -> tuple[IntArray, IntArray]:
        """Sorted keys ``row * N + position`` of each query's partners and introduced actors."""
        n, groups = index.size, index.groups
        self_keys = np.arange(len(queries), dtype=np.int64) * n + queries
        shared = cls._keys(sp.csr_array(groups[queries] @ groups.T), n)
        partner_keys = np.setdiff1d(shared, self_keys)
        partner_rows, partner_cols = np.divmod(partner_keys, n)
        partners = sp.csr_array(
            (np.ones(len(partner_rows)), (partner_rows, partner_cols)), shape=(len(queries), n)
        )
        reach = cls._keys(sp.csr_array((partners @ groups) @ groups.T), n)
        introduced_keys = np.setdiff1d(reach, np.concatenate([partner_keys, self_keys]))
        return partner_keys, introduced_keys

    @staticmethod
    def _keys(matrix: sp.csr_array, n: int) -> IntArray:
        rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
        keys: IntArray = np.sort(rows * n + matrix.indices.astype(np.int64))
        return keys

    @staticmethod
    def _member(keys: IntArray, sorted_keys: IntArray) -> BoolArray:
        if not len(sorted_keys):
            return np.zeros(len(keys), dtype=bool)
        at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
        hit: BoolArray = sorted_keys[at] == keys
        return hit

    def pairs(self, rows: IntArray, cols: IntArray) -> PairScores:
        """Exact scores of the pairs ``(queries[rows], cols)``."""
        ix, profile = self.ix, self.compiled.profile
        n, p = ix.size, len(rows)
        a = self.q[rows]
        req, comp = ix.req, ix.comp

        owner, at = _expand(req.indptr[a], np.diff(req.indptr)[a])
        needs = np.bincount(
            owner,
            weights=req.data[at] * self.bounds.cov_dense[cols[owner], req.indices[at]],
            minlength=p,
        )
        owner, at = _expand(req.indptr[cols], np.diff(req.indptr)[cols])
        offers = np.bincount(
            owner, weights=req.data[at] * self.cov_q[rows[owner], req.indices[at]], minlength=p
        )
        owner, at = _expand(comp.indptr[cols], np.diff(comp.indptr)[cols])
        similarity = np.minimum(
            np.bincount(
                owner,
                weights=comp.data[at] * self.kernel_q[rows[owner], comp.indices[at]],
                minlength=p,
            ),
            1.0,
        )
        codes = self.bounds.actor_mask_code
        value_chain = self.vc[codes[a], codes[cols]]
        policy = profile.region
        region = np.where(
            ix.region_codes[cols] == ix.region_codes[a],
            policy.same_region,
            np.where(
                ix.country_codes[cols] == ix.country_codes[a],
                policy.same_country,
                policy.other_country,
            ),
        )
        kind = self.compiled.kind_table[ix.kind_codes[a], ix.kind_codes[cols]]
        keys = rows.astype(np.int64) * n + cols
        partnered = self._member(keys, self.partner_keys)
        introduced = self._member(keys, self.introduced_keys)
        network = np.where(introduced, profile.network.introduced, 0.0)

        values = np.vstack([needs, offers, similarity, value_chain, region, kind, network])
        factor = np.ones(p)
        if profile.network.partners == "downweight":
            factor[partnered] = profile.network.partner_factor
        contributions = values * (np.asarray(self.compiled.weights)[:, None] * factor[None, :])
        total = np.zeros(p)
        for row in contributions:
            total += row
        keep = ((needs + offers + similarity) > 0) & (cols != a)
        if self.exclude_partners:
            keep &= ~partnered
        if self.allowed is not None:
            keep &= self.allowed[cols]
        scope = self.options.scope or profile.scope
        if scope == "same_region":
            keep &= ix.region_codes[cols] == ix.region_codes[a]
        elif scope == "other_regions":
            keep &= ix.region_codes[cols] != ix.region_codes[a]
        if self.options.min_score > 0:
            keep &= np.round(total, SCORE_DECIMALS) >= self.options.min_score
        return PairScores(rows, cols, values, contributions, total, partnered, introduced, keep)

    def group_bounds(self) -> FloatArray:
        """B x G upper bounds of the best total in each group (``-inf``: no candidate)."""
        ix, b, profile = self.ix, self.bounds, self.compiled.profile
        w = self.compiled.weights
        q = self.q
        needs = ix.req[q] @ b.max_cov_t
        offers = np.minimum(self.cov_q @ b.max_req_t, _max_product(self.cov_q, b.req_support_t))
        similarity = self.kernel_q @ b.max_comp_t
        linked = (needs + offers + similarity) > 0
        similarity = np.minimum(similarity, np.sqrt((self.kernel_q**2) @ b.comp_support_t))
        policy = profile.region
        region_best = max(policy.same_region, policy.same_country, policy.other_country)
        if (self.options.scope or profile.scope) == "same_region":
            region_best = policy.same_region
        ub = w[0] * needs + w[1] * offers + w[2] * np.minimum(similarity, 1.0)
        ub += w[3] * self.vc[b.actor_mask_code[q]][:, b.mask_code]
        ub += w[5] * self.compiled.kind_table[ix.kind_codes[q]][:, b.kind]
        ub += w[4] * region_best
        if len(self.introduced_keys):
            n = ix.size
            rows, cols = np.divmod(self.introduced_keys, n)
            ub[rows, b.group_of[cols]] += w[6] * profile.network.introduced
        ub += _SLACK
        ub[~linked] = -np.inf
        if self.options.kinds:
            wanted = np.array([k in self.options.kinds for k in KINDS])
            ub[:, ~wanted[b.kind]] = -np.inf
        bound: FloatArray = ub
        return bound

    def _members(self, rows: IntArray, groups: IntArray) -> tuple[IntArray, IntArray]:
        b = self.bounds
        owner, at = _expand(b.starts[groups], np.diff(b.starts)[groups])
        return rows[owner], b.order[at]

    def top(self, k: int) -> list[tuple[IntArray, FloatArray]]:
        """Each query's ``k`` best kept partners (positions, totals), best first, ties by id."""
        nq = len(self.q)
        ub = self.group_bounds()
        g = ub.shape[1]
        first = min(g, max(1, -(-3 * k // self.bounds.size) + 1))
        if first < g:
            pick = np.argpartition(-ub, first - 1, axis=1)[:, :first]
        else:
            pick = np.broadcast_to(np.arange(g), (nq, g))
        rows = np.repeat(np.arange(nq, dtype=np.int64), pick.shape[1])
        groups = pick.reshape(-1).astype(np.int64)
        finite = np.isfinite(ub[rows, groups])
        rows, groups = rows[finite], groups[finite]
        done = np.zeros_like(ub, dtype=bool)
        done[rows, groups] = True
        scored = self.pairs(*self._members(rows, groups))
        threshold = self._kth(scored, k, nq)
        more_r, more_g = np.nonzero((ub >= threshold[:, None]) & ~done & np.isfinite(ub))
        if len(more_r):
            extra = self.pairs(*self._members(more_r.astype(np.int64), more_g.astype(np.int64)))
            rows_all = np.concatenate([scored.rows[scored.keep], extra.rows[extra.keep]])
            cols_all = np.concatenate([scored.cols[scored.keep], extra.cols[extra.keep]])
            total_all = np.concatenate([scored.total[scored.keep], extra.total[extra.keep]])
        else:
            rows_all = scored.rows[scored.keep]
            cols_all = scored.cols[scored.keep]
            total_all = scored.total[scored.keep]
        order = np.lexsort((cols_all, -np.round(total_all, SCORE_DECIMALS), rows_all))
        rows_all, cols_all, total_all = rows_all[order], cols_all[order], total_all[order]
        bounds = np.searchsorted(rows_all, np.arange(nq + 1))
        return [
            (cols_all[lo : min(hi, lo + k)], total_all[lo : min(hi, lo + k)])
            for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        ]

    @staticmethod
    def _kth(scored: PairScores, k: int, nq: int) -> FloatArray:
        """Per query the k-th best kept total (``-inf`` with fewer than ``k``)."""
        rows, total = scored.rows[scored.keep], scored.total[scored.keep]
        order = np.lexsort((-total, rows))
        rows, total = rows[order], total[order]
        starts = np.searchsorted(rows, np.arange(nq))
        counts = np.bincount(rows, minlength=nq)
        result: FloatArray = np.full(nq, -np.inf)
        enough = counts >= k
        result[enough] = total[starts[enough] + k - 1]
        return result
