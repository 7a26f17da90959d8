"""Candidate retrieval for the embedded store, over prebuilt inverted indexes.

The index (concept -> actors with their best level, token -> actors per field, and coded kind,
region and country columns) is built lazily from the store's snapshot and rebuilt after any write
(the store's write counter changes). Scoring is vectorised with numpy but follows
:mod:`matchmaker.search.ranking` point for point; the evidence of the returned candidates is
computed by that module's functions, and their sum is checked against the vectorised score.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from graph.protocol import Snapshot
from graph.search_types import Candidate, CandidateQuery, CandidateResult, TextField
from matchmaker.errors import StoreError
from matchmaker.models import ActorKind, Facet
from matchmaker.search.expand import closure, expand
from matchmaker.search.ranking import (
    EVIDENCE_POINTS,
    LEVEL_POINTS,
    actor_facts,
    concept_hits,
    relation_base,
    score_of,
    text_hits,
    text_points,
)
from matchmaker.search.text import max_edits, tokens

if EVIDENCE_POINTS >= LEVEL_POINTS:  # the index recovers the level as points // LEVEL_POINTS
    raise ImportError("ranking constants: EVIDENCE_POINTS must be below LEVEL_POINTS")

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FACET_OF_CONCEPTS = {Facet.PROCESS: "process", Facet.MATERIAL: "material"}
FACET_OF_CONCEPTS[Facet.VALUE_CHAIN] = "value_chain"


class _Versioned(Protocol):
    @property
    def search_version(self) -> int: ...

    def snapshot(self) -> Snapshot: ...


class _Posting:
    __slots__ = ("idx", "level", "raw")

    def __init__(self, idx: IntArray, raw: IntArray, level: IntArray) -> None:
        self.idx = idx
        self.raw = raw
        self.level = level


class MemorySearchIndex:
    """Inverted indexes over one snapshot; :meth:`search` answers a :class:`CandidateQuery`."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.actors = snapshot.actors
        self.parents = {c.id: list(c.broader) for c in snapshot.concepts}
        self.facet_of = {c.id: c.facet for c in snapshot.concepts}
        n = len(self.actors)
        self.kinds = list(ActorKind)
        kind_pos = {k: i for i, k in enumerate(self.kinds)}
        self.regions = sorted({a.region for a in self.actors})
        region_pos = {r: i for i, r in enumerate(self.regions)}
        self.countries = sorted({a.country for a in self.actors})
        country_pos = {c: i for i, c in enumerate(self.countries)}
        self.kind_code = np.fromiter((kind_pos[a.kind] for a in self.actors), np.int64, n)
        self.region_code = np.fromiter((region_pos[a.region] for a in self.actors), np.int64, n)
        self.country_code = np.fromiter((country_pos[a.country] for a in self.actors), np.int64, n)

        best: dict[str, dict[int, int]] = defaultdict(dict)
        text: dict[str, dict[TextField, set[int]]] = defaultdict(lambda: defaultdict(set))
        for i, actor in enumerate(self.actors):
            for concept, level, evidence, _ in actor_facts(actor):
                raw = LEVEL_POINTS * level + (EVIDENCE_POINTS if evidence else 0)
                if raw > best[concept].get(i, 0):
                    best[concept][i] = raw
            fields = ((TextField.NAME, actor.name), (TextField.DESCRIPTION, actor.description))
            for field, value in fields:
                for token in tokens(value):
                    text[token][field].add(i)
        self.postings: dict[str, _Posting] = {}
        for concept, per_actor in best.items():
            idx = np.fromiter(sorted(per_actor), np.int64, len(per_actor))
            points = np.fromiter((per_actor[int(i)] for i in idx), np.int64, len(idx))
            self.postings[concept] = _Posting(idx, points, points // LEVEL_POINTS)
        self.text: dict[str, dict[TextField, IntArray]] = {
            token: {f: np.fromiter(sorted(s), np.int64, len(s)) for f, s in fields.items()}
            for token, fields in text.items()
        }
        self.vocab_by_length: dict[int, list[str]] = defaultdict(list)
        for token in sorted(self.text):
            self.vocab_by_length[len(token)].append(token)

    def _vocab_matches(self, term: str) -> list[tuple[str, int]]:
        limit = max_edits(term)
        if limit == 0:
            return [(term, 0)] if term in self.text else []
        found: list[tuple[str, int]] = []
        for length in range(len(term) - limit, len(term) + limit + 1):
            choices = self.vocab_by_length.get(length)
            if not choices:
                continue
            for token, dist, _ in process.extract(
                term, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                found.append((token, int(dist)))
        return found

    def _filter_mask(self, query: CandidateQuery) -> BoolArray:
        n = len(self.actors)
        mask = np.ones(n, dtype=bool)
        if query.kinds:
            codes = [self.kinds.index(k) for k in query.kinds]
            mask &= np.isin(self.kind_code, codes)
        if query.regions:
            prefixes = [p.strip().upper() for p in query.regions]
            regions = [i for i, r in enumerate(self.regions) if r.startswith(tuple(prefixes))]
            countries = [i for i, c in enumerate(self.countries) if c in prefixes]
            mask &= np.isin(self.region_code, regions) | np.isin(self.country_code, countries)
        for group in query.require:
            ok = np.zeros(n, dtype=bool)
            for concept in closure(group, self.parents):
                posting = self.postings.get(concept)
                if posting is not None:
                    ok[posting.idx[posting.level >= query.min_level]] = True
            mask &= ok
        return mask

    def search(self, query: CandidateQuery) -> CandidateResult:
        """Score, filter, count facets and return the best ``offset + limit`` candidates."""
        n = len(self.actors)
        score = np.zeros(n, dtype=np.int64)
        weights = {c.id: c.weight for c in query.concepts}
        targets = expand(weights, self.parents, broader_hops=query.broader_hops)
        for q, expansion in targets.items():
            best = np.zeros(n, dtype=np.int64)
            for concept, (relation, hops) in expansion.items():
                posting = self.postings.get(concept)
                if posting is None:
                    continue
                idx, raw = posting.idx, posting.raw
                if query.min_level > 1:
                    keep = posting.level >= query.min_level
                    idx, raw = idx[keep], raw[keep]
                points = (relation_base(relation, hops) + raw) * weights[q] // 100
                best[idx] = np.maximum(best[idx], points)
            score += best
        terms = list(dict.fromkeys(query.terms))
        for term in terms:
            best = np.zeros(n, dtype=np.int64)
            for token, edits in self._vocab_matches(term):
                for field, idx in self.text[token].items():
                    best[idx] = np.maximum(best[idx], text_points(field, edits))
            score += best
        mask = self._filter_mask(query)
        if query.concepts or terms:
            mask &= score > 0
        hit_idx = np.flatnonzero(mask)
        top = self._top(hit_idx, score, query.offset + query.limit)
        candidates = [self._candidate(int(i), int(score[i]), targets, weights, query) for i in top]
        facets = self._facets(mask, hit_idx) if query.with_facets else {}
        return CandidateResult(candidates=candidates, total=len(hit_idx), facets=facets)

    @staticmethod
    def _top(hit_idx: IntArray, score: IntArray, k: int) -> IntArray:
        keys = -score[hit_idx]
        if len(hit_idx) > k:
            kth = np.partition(keys, k - 1)[k - 1]
            keep = keys <= kth
            hit_idx, keys = hit_idx[keep], keys[keep]
        order = np.lexsort((hit_idx, keys))
        result: IntArray = hit_idx[order][:k]
        return result

    def _candidate(
        self,
        i: int,
        expected: int,
        targets: dict[str, Any],
        weights: dict[str, int],
        query: CandidateQuery,
    ) -> Candidate:
        actor = self.actors[i]
        chits = concept_hits(actor, targets, weights, query.min_level)
        thits = text_hits(query.terms, actor.name, actor.description)
        score = score_of(chits, thits)
        if score != expected:
            raise StoreError(f"search index out of step for '{actor.id}': {score} != {expected}")
        return Candidate(
            actor_id=actor.id,
            name=actor.name,
            kind=actor.kind,
            region=actor.region,
            country=actor.country,
            score=score,
            concept_hits=chits,
            text_hits=thits,
        )

    def _facets(self, mask: BoolArray, hit_idx: IntArray) -> dict[str, dict[str, int]]:
        def counted(codes: IntArray, names: Sequence[str]) -> dict[str, int]:
            counts = np.bincount(codes[hit_idx], minlength=len(names))
            return {names[i]: int(c) for i, c in enumerate(counts) if c}

        facets = {
            "region": counted(self.region_code, self.regions),
            "country": counted(self.country_code, self.countries),
            "kind": counted(self.kind_code, [k.value for k in self.kinds]),
        }
        for key in FACET_OF_CONCEPTS.values():
            facets[key] = {}
        for concept in sorted(self.postings):
            facet_key = FACET_OF_CONCEPTS.get(self.facet_of.get(concept, Facet.SECTOR))
            if facet_key is None:
                continue
            count = int(np.count_nonzero(mask[self.postings[concept].idx]))
            if count:
                facets[facet_key][concept] = count
        return facets


_lock = threading.Lock()
_cache: weakref.WeakKeyDictionary[Any, tuple[int, MemorySearchIndex]] = weakref.WeakKeyDictionary()


def search_index(store: _Versioned) -> MemorySearchIndex:
    """The store's index, rebuilt when the store was written since it was built."""
    version = store.search_version
    with _lock:
        cached = _cache.get(store)
        if cached is not None and cached[0] == version:
            return cached[1]
    index = MemorySearchIndex(store.snapshot())
    with _lock:
        _cache[store] = (version, index)
    return index


def search_candidates(store: _Versioned, query: CandidateQuery) -> CandidateResult:
    """Answer ``query`` over the embedded store's data (see :class:`MemorySearchIndex`)."""
    return search_index(store).search(query)
