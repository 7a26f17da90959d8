"""Candidate retrieval over an in-process search index, for both stores.

:class:`SearchIndex` holds one compact :class:`SearchRecord` per actor (name, description, kind,
region, country and the best points of each concept it states) and inverted indexes over them
(concept -> actors with their points, token -> actors per field, coded kind, region and country
columns). It is updated incrementally: :meth:`SearchIndex.apply` replaces or removes a few
actors by touching only the postings of their concepts and tokens (a full rebuild only when a
large share of the actors changed). Scoring is vectorised with numpy and follows
:mod:`matchmaker.search.ranking` point for point; the evidence of the returned candidates is
computed by that module's functions from the full actors (fetched for the page only), and their
sum is checked against the vectorised score.

The embedded store keeps its index in step through :meth:`graph.memory.MemoryStore.search_changes`
(the ids written since a version); the Neo4j store through a write log in the database
(:mod:`graph.neo4j_search`).
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from graph.search_types import Candidate, CandidateQuery, CandidateResult, TextField
from matchmaker.errors import StoreError
from matchmaker.models import Actor, ActorKind, Concept, Facet
from matchmaker.search.expand import closure, expand
from matchmaker.search.ranking import (
    EVIDENCE_POINTS,
    LEVEL_POINTS,
    Target,
    actor_facts,
    concept_hits,
    relation_base,
    score_of,
    text_hits,
    text_points,
)
from matchmaker.search.text import max_edits, tokens

if TYPE_CHECKING:
    from graph.memory import MemoryStore

if EVIDENCE_POINTS >= LEVEL_POINTS:  # the index recovers the level as points // LEVEL_POINTS
    raise ImportError("ranking constants: EVIDENCE_POINTS must be below LEVEL_POINTS")

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FACET_OF_CONCEPTS = {Facet.PROCESS: "process", Facet.MATERIAL: "material"}
FACET_OF_CONCEPTS[Facet.VALUE_CHAIN] = "value_chain"
FULL_REBUILD_SHARE = 4
"""A batch changing more than 1/FULL_REBUILD_SHARE of the actors rebuilds the index."""

Fetch = Callable[[list[str]], dict[str, Actor]]
"""Full actors by id, for the page's evidence."""

_EMPTY = np.zeros(0, dtype=np.int64)


class OutOfStep(StoreError):
    """The index and the stored actors disagree (a write landed in between): catch up, retry."""


def raw_points(level: int, has_evidence: bool) -> int:
    """Points of a fact before the relation and the weight: level and evidence.

    Examples
    --------
    >>> raw_points(3, True)
    200
    """
    return LEVEL_POINTS * level + (EVIDENCE_POINTS if has_evidence else 0)


class SearchRecord(NamedTuple):
    """What the index knows of one actor; ``facts`` holds ``(concept, raw points)``, the best
    fact per concept (:func:`raw_points`), sorted by concept."""

    id: str
    name: str
    description: str
    kind: str
    region: str
    country: str
    facts: tuple[tuple[str, int], ...]


def record_of(actor: Actor) -> SearchRecord:
    """The :class:`SearchRecord` of ``actor``."""
    best: dict[str, int] = {}
    for concept, level, evidence, _ in actor_facts(actor):
        raw = raw_points(level, bool(evidence))
        if raw > best.get(concept, 0):
            best[concept] = raw
    return SearchRecord(
        actor.id,
        actor.name,
        actor.description,
        actor.kind.value,
        actor.region,
        actor.country,
        tuple(sorted(best.items())),
    )


class _Posting:
    __slots__ = ("idx", "level", "raw")

    def __init__(self, idx: IntArray, raw: IntArray) -> None:
        self.idx = idx
        self.raw = raw
        self.level = raw // LEVEL_POINTS


def _fields(record: SearchRecord) -> Iterable[tuple[TextField, str]]:
    return ((TextField.NAME, record.name), (TextField.DESCRIPTION, record.description))


class SearchIndex:
    """Inverted indexes over actor records; :meth:`search` answers a :class:`CandidateQuery`.

    Examples
    --------
    >>> from matchmaker.models import Actor, Competence, Concept
    >>> index = SearchIndex([Concept(id="proc.waam", label="WAAM", facet="process")])
    >>> acme = Actor(id="acme", name="Acme", kind="company", region="AT12", country="AT",
    ...              competences=[Competence(concept="proc.waam", level=2)])
    >>> index.apply([record_of(acme)], [])
    >>> result = index.search(CandidateQuery(concepts=[{"id": "proc.waam"}]),
    ...                       lambda ids: {acme.id: acme})
    >>> [(c.actor_id, c.score) for c in result.candidates], result.facets["process"]
    ([('acme', 1120)], {'proc.waam': 1})
    """

    def __init__(self, concepts: Iterable[Concept] = ()) -> None:
        self.kinds = list(ActorKind)
        self._kind_pos = {k.value: i for i, k in enumerate(self.kinds)}
        self.set_concepts(concepts)
        self._build([])

    # ---------------------------------------------------------------- updates

    def set_concepts(self, concepts: Iterable[Concept]) -> None:
        """Replace the taxonomy (hierarchy and facets) the index expands and counts with."""
        listed = list(concepts)
        self.parents = {c.id: list(c.broader) for c in listed}
        self.facet_of = {c.id: c.facet for c in listed}
        self._concepts_cache: dict[Any, Any] = {}
        self._flat: tuple[IntArray, IntArray, list[str]] | None = None

    def _build(self, records: Sequence[SearchRecord]) -> None:
        ordered = sorted(records, key=lambda r: r.id)
        n = len(ordered)
        self.records: list[SearchRecord | None] = list(ordered)
        self.ids: list[str] = [r.id for r in ordered]
        self.slot_of = {r.id: i for i, r in enumerate(ordered)}
        self.regions: list[str] = []
        self._region_pos: dict[str, int] = {}
        self.countries: list[str] = []
        self._country_pos: dict[str, int] = {}
        self.kind_code = np.fromiter((self._kind_pos[r.kind] for r in ordered), np.int64, n)
        self.region_code = np.fromiter((self._region(r.region) for r in ordered), np.int64, n)
        self.country_code = np.fromiter((self._country(r.country) for r in ordered), np.int64, n)
        self.alive = np.ones(n, dtype=bool)
        self.rank = np.arange(n, dtype=np.int64)
        facts: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        text: dict[str, dict[TextField, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, record in enumerate(ordered):
            for concept, raw in record.facts:
                slots, points = facts[concept]
                slots.append(i)
                points.append(raw)
            for field, value in _fields(record):
                for token in dict.fromkeys(tokens(value)):
                    text[token][field].append(i)
        self.postings: dict[str, _Posting] = {
            concept: _Posting(np.array(slots, dtype=np.int64), np.array(points, dtype=np.int64))
            for concept, (slots, points) in facts.items()
        }
        self.text: dict[str, dict[TextField, IntArray]] = {
            token: {f: np.array(s, dtype=np.int64) for f, s in fields.items()}
            for token, fields in text.items()
        }
        self.vocab_by_length: dict[int, list[str]] = defaultdict(list)
        for token in sorted(self.text):
            self.vocab_by_length[len(token)].append(token)
        self._vocab_cache: dict[str, list[tuple[str, int]]] = {}
        self._flat = None

    def _region(self, region: str) -> int:
        pos = self._region_pos.get(region)
        if pos is None:
            pos = self._region_pos[region] = len(self.regions)
            self.regions.append(region)
        return pos

    def _country(self, country: str) -> int:
        pos = self._country_pos.get(country)
        if pos is None:
            pos = self._country_pos[country] = len(self.countries)
            self.countries.append(country)
        return pos

    def __len__(self) -> int:
        return len(self.slot_of)

    def apply(self, upserts: Sequence[SearchRecord], deletes: Iterable[str]) -> None:
        """Replace or add the ``upserts`` and remove the actors with ids ``deletes``.

        Only the postings of the concepts and tokens of the changed actors are touched; when more
        than a quarter of the actors change, the index is rebuilt (which also compacts it).
        """
        gone = [i for i in dict.fromkeys(deletes) if i in self.slot_of]
        latest = {r.id: r for r in upserts}
        if len(latest) + len(gone) > max(len(self.slot_of) // FULL_REBUILD_SHARE, 64):
            records = {r.id: r for r in self.records if r is not None}
            for ident in gone:
                records.pop(ident, None)
            records.update(latest)
            self._build(list(records.values()))
            return
        touched_concepts: set[str] = set()
        touched_tokens: set[str] = set()
        changed: list[int] = []
        added_facts: dict[str, list[tuple[int, int]]] = defaultdict(list)
        added_text: dict[str, dict[TextField, list[int]]] = defaultdict(lambda: defaultdict(list))

        def forget(slot: int) -> None:
            old = self.records[slot]
            if old is not None:
                touched_concepts.update(c for c, _ in old.facts)
                touched_tokens.update(t for _, v in _fields(old) for t in tokens(v))
            changed.append(slot)

        for ident in gone:
            slot = self.slot_of.pop(ident)
            forget(slot)
            self.records[slot] = None
            self.alive[slot] = False
        new_slots: list[SearchRecord] = []
        for record in latest.values():
            slot_or_none = self.slot_of.get(record.id)
            if slot_or_none is None:
                slot = len(self.records) + len(new_slots)
                new_slots.append(record)
                self.slot_of[record.id] = slot
            else:
                slot = slot_or_none
                forget(slot)
                self.records[slot] = record
                self.kind_code[slot] = self._kind_pos[record.kind]
                self.region_code[slot] = self._region(record.region)
                self.country_code[slot] = self._country(record.country)
            for concept, raw in record.facts:
                added_facts[concept].append((slot, raw))
                touched_concepts.add(concept)
            for field, value in _fields(record):
                for token in dict.fromkeys(tokens(value)):
                    added_text[token][field].append(slot)
                    touched_tokens.add(token)
        if new_slots:
            self._append(new_slots)
        stale = np.array(sorted(changed), dtype=np.int64)
        for concept in touched_concepts:
            self._update_posting(concept, stale, added_facts.get(concept, []))
        for token in touched_tokens:
            self._update_text(token, stale, added_text.get(token, {}))
        self._flat = None

    def _append(self, records: list[SearchRecord]) -> None:
        n = len(records)
        self.records.extend(records)
        self.ids.extend(r.id for r in records)
        codes = [
            np.fromiter((self._kind_pos[r.kind] for r in records), np.int64, n),
            np.fromiter((self._region(r.region) for r in records), np.int64, n),
            np.fromiter((self._country(r.country) for r in records), np.int64, n),
        ]
        self.kind_code = np.concatenate([self.kind_code, codes[0]])
        self.region_code = np.concatenate([self.region_code, codes[1]])
        self.country_code = np.concatenate([self.country_code, codes[2]])
        self.alive = np.concatenate([self.alive, np.ones(n, dtype=bool)])
        order = np.argsort(np.array(self.ids), kind="stable")
        rank = np.empty(len(self.ids), dtype=np.int64)
        rank[order] = np.arange(len(self.ids), dtype=np.int64)
        self.rank = rank

    def _update_posting(self, concept: str, stale: IntArray, added: list[tuple[int, int]]) -> None:
        posting = self.postings.get(concept)
        idx, raw = (posting.idx, posting.raw) if posting is not None else (_EMPTY, _EMPTY)
        if stale.size and idx.size:
            keep = ~np.isin(idx, stale)
            idx, raw = idx[keep], raw[keep]
        if added:
            pairs = np.array(added, dtype=np.int64)
            idx = np.concatenate([idx, pairs[:, 0]])
            raw = np.concatenate([raw, pairs[:, 1]])
        if idx.size:
            self.postings[concept] = _Posting(idx, raw)
        else:
            self.postings.pop(concept, None)

    def _update_text(self, token: str, stale: IntArray, added: dict[TextField, list[int]]) -> None:
        fields = dict(self.text.get(token, {}))
        for field in TextField:
            idx = fields.get(field, _EMPTY)
            if stale.size and idx.size:
                idx = idx[~np.isin(idx, stale)]
            if field in added:
                idx = np.concatenate([idx, np.array(added[field], dtype=np.int64)])
            if idx.size:
                fields[field] = idx
            else:
                fields.pop(field, None)
        if fields:
            if token not in self.text:
                bisect.insort(self.vocab_by_length[len(token)], token)
                self._vocab_cache.clear()
            self.text[token] = fields
        elif token in self.text:
            del self.text[token]
            self.vocab_by_length[len(token)].remove(token)
            self._vocab_cache.clear()

    # ---------------------------------------------------------------- queries

    def _expansion(self, weights: dict[str, int], hops: int) -> dict[str, dict[str, Target]]:
        key = ("expand", tuple(weights), hops)
        cached = self._concepts_cache.get(key)
        if cached is None:
            cached = self._concepts_cache[key] = expand(weights, self.parents, broader_hops=hops)
        result: dict[str, dict[str, Target]] = cached
        return result

    def _closure(self, group: Sequence[str]) -> set[str]:
        key = ("closure", tuple(group))
        cached = self._concepts_cache.get(key)
        if cached is None:
            cached = self._concepts_cache[key] = closure(group, self.parents)
        result: set[str] = cached
        return result

    def _vocab_matches(self, term: str) -> list[tuple[str, int]]:
        cached = self._vocab_cache.get(term)
        if cached is not None:
            return cached
        limit = max_edits(term)
        found: list[tuple[str, int]] = []
        if limit == 0:
            found = [(term, 0)] if term in self.text else []
        else:
            for length in range(len(term) - limit, len(term) + limit + 1):
                choices = self.vocab_by_length.get(length)
                if not choices:
                    continue
                for token, dist, _ in process.extract(
                    term, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
                ):
                    found.append((token, int(dist)))
        self._vocab_cache[term] = found
        return found

    def _filter_mask(self, query: CandidateQuery) -> BoolArray:
        n = len(self.records)
        mask = self.alive.copy()
        if query.kinds:
            codes = [self._kind_pos[k.value] for k in query.kinds]
            mask &= np.isin(self.kind_code, codes)
        if query.regions:
            prefixes = tuple(p.strip().upper() for p in query.regions)
            regions = [i for i, r in enumerate(self.regions) if r.startswith(prefixes)]
            countries = [i for i, c in enumerate(self.countries) if c in prefixes]
            mask &= np.isin(self.region_code, regions) | np.isin(self.country_code, countries)
        for group in query.require:
            ok = np.zeros(n, dtype=bool)
            for concept in self._closure(group):
                posting = self.postings.get(concept)
                if posting is not None:
                    ok[posting.idx[posting.level >= query.min_level]] = True
            mask &= ok
        return mask

    def search(self, query: CandidateQuery, fetch: Fetch) -> CandidateResult:
        """Score, filter, count facets and return the best ``offset + limit`` candidates.

        Parameters
        ----------
        fetch
            Returns the full actors of the given ids (only the returned page is fetched).

        Raises
        ------
        OutOfStep
            If a fetched actor does not score as its record did (index out of step).
        """
        n = len(self.records)
        score = np.zeros(n, dtype=np.int64)
        weights = {c.id: c.weight for c in query.concepts}
        targets = self._expansion(weights, query.broader_hops)
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
        ids = [self.ids[int(i)] for i in top]
        actors = fetch(ids) if ids else {}
        candidates = []
        for i, ident in zip(top, ids, strict=True):
            actor = actors.get(ident)
            if actor is None:
                raise OutOfStep(f"search index out of step: actor '{ident}' is gone")
            candidates.append(self._candidate(actor, int(score[i]), targets, weights, query))
        facets = self._facets(mask, hit_idx) if query.with_facets else {}
        return CandidateResult(candidates=candidates, total=len(hit_idx), facets=facets)

    def _top(self, hit_idx: IntArray, score: IntArray, k: int) -> IntArray:
        keys = -score[hit_idx]
        if len(hit_idx) > k:
            kth = np.partition(keys, k - 1)[k - 1]
            keep = keys <= kth
            hit_idx, keys = hit_idx[keep], keys[keep]
        order = np.lexsort((self.rank[hit_idx], keys))
        result: IntArray = hit_idx[order][:k]
        return result

    @staticmethod
    def _candidate(
        actor: Actor,
        expected: int,
        targets: dict[str, dict[str, Target]],
        weights: dict[str, int],
        query: CandidateQuery,
    ) -> Candidate:
        chits = concept_hits(actor, targets, weights, query.min_level)
        thits = text_hits(query.terms, actor.name, actor.description)
        score = score_of(chits, thits)
        if score != expected:
            raise OutOfStep(f"search index out of step for '{actor.id}': {score} != {expected}")
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

    def _concept_columns(self) -> tuple[IntArray, IntArray, list[str]]:
        if self._flat is None:
            names = sorted(
                c
                for c in self.postings
                if FACET_OF_CONCEPTS.get(self.facet_of.get(c, Facet.SECTOR)) is not None
            )
            slots = [self.postings[c].idx for c in names]
            codes = [np.full(len(s), i, dtype=np.int64) for i, s in enumerate(slots)]
            self._flat = (
                np.concatenate(slots) if slots else _EMPTY,
                np.concatenate(codes) if codes else _EMPTY,
                names,
            )
        return self._flat

    def _facets(self, mask: BoolArray, hit_idx: IntArray) -> dict[str, dict[str, int]]:
        def counted(codes: IntArray, names: Sequence[str]) -> dict[str, int]:
            counts = np.bincount(codes[hit_idx], minlength=len(names))
            order = sorted(range(len(names)), key=names.__getitem__)
            return {names[i]: int(counts[i]) for i in order if counts[i]}

        facets = {
            "region": counted(self.region_code, self.regions),
            "country": counted(self.country_code, self.countries),
            "kind": counted(self.kind_code, [k.value for k in self.kinds]),
        }
        for key in FACET_OF_CONCEPTS.values():
            facets[key] = {}
        slots, codes, names = self._concept_columns()
        counts = np.bincount(codes[mask[slots]], minlength=len(names))
        for i in np.flatnonzero(counts):
            concept = names[int(i)]
            facets[FACET_OF_CONCEPTS[self.facet_of[concept]]][concept] = int(counts[i])
        return facets


class _Entry:
    def __init__(self, version: int, index: SearchIndex) -> None:
        self.version = version
        self.index = index


_lock = threading.Lock()
_cache: weakref.WeakKeyDictionary[Any, _Entry] = weakref.WeakKeyDictionary()


def search_index(store: MemoryStore) -> SearchIndex:
    """The store's index, brought up to date with the writes since it was last used."""
    with _lock:
        entry = _cache.get(store)
        changes = store.search_changes(entry.version if entry is not None else None)
        if entry is None or changes.full:
            entry = _Entry(changes.version, SearchIndex())
            _cache[store] = entry
        index = entry.index
        if changes.concepts is not None:
            index.set_concepts(changes.concepts)
        if changes.full or changes.upserts or changes.deletes:
            index.apply([record_of(a) for a in changes.upserts], changes.deletes)
        entry.version = changes.version
        return index


def search_candidates(store: MemoryStore, query: CandidateQuery) -> CandidateResult:
    """Answer ``query`` over the embedded store's data (see :class:`SearchIndex`)."""
    with store.search_lock():
        index = search_index(store)

        def fetch(ids: list[str]) -> dict[str, Actor]:
            return {a.id: a for a in store.get_actors(ids)}

        return index.search(query, fetch)
