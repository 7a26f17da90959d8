"""Candidate retrieval for the Neo4j store.

:func:`search_candidates` (what ``Neo4jStore.search_candidates`` uses) answers from a
:class:`~graph.memory_search.SearchIndex` kept in step with the database: every actor or concept
write through :class:`~graph.neo4j_store.Neo4jStore` calls :func:`record_write` in its
transaction, which bumps a version counter (``(:SearchState)``) and logs the written ids
(``(:SearchChange)``, the last :data:`KEEP_CHANGES` writes). Each search reads the counter in its
read transaction; when it moved, the index replays the logged ids (fetching their compact records:
properties and ``[concept, level, evidence]`` of their competence and offer relationships) or,
when the log no longer reaches back, reloads every record. The page's evidence is computed from
the actors' stored documents, read in the same transaction. Writes made around
``Neo4jStore`` (plain Cypher) are not seen until the next logged write or a new store object.

:func:`search_candidates_cypher` answers the same question in one Cypher statement (kept as the
database-only reference; its cost grows with the number of hits):
concept expansion walks ``BROADER*`` in Cypher; free-text terms go through the full-text index
``actor_text`` on ``:Actor(name, description)`` (Lucene fuzzy terms, input escaped), and the
exact text evidence of those candidates is then computed by :mod:`matchmaker.search.ranking`, as
the embedded store does. Scoring, filters, top ``offset + limit`` and facet counts run in one
Cypher statement with the shared integer formula; the returned candidates' evidence is rebuilt in
Python from their stored documents and must add up to the score Cypher computed.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph import queries as q
from graph.memory_search import OutOfStep, SearchIndex, SearchRecord, raw_points
from graph.search_types import (
    FACET_KEYS,
    Candidate,
    CandidateQuery,
    CandidateResult,
    Relation,
)
from matchmaker.errors import StoreError
from matchmaker.models import Actor, Concept, Facet
from matchmaker.search.ranking import (
    EVIDENCE_POINTS,
    LEVEL_POINTS,
    OFFER_LEVEL,
    Target,
    concept_hits,
    relation_base,
    score_of,
    text_hits,
)
from matchmaker.search.text import max_edits

Runner = Callable[[str, Callable[[ManagedTransaction], Any]], Any]
KEEP_CHANGES = 1000
"""Logged writes kept in the database; an index further behind reloads every record."""
TEXT_CANDIDATES = 20_000
CONCEPT_FACETS = [Facet.PROCESS.value, Facet.MATERIAL.value, Facet.VALUE_CHAIN.value]
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_indexed: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def lucene_escape(text: str) -> str:
    """Escape Lucene query syntax in ``text`` (operators are also lower-cased away).

    Examples
    --------
    >>> lucene_escape('ti-6al (4v)')
    'ti\\\\-6al \\\\(4v\\\\)'
    """
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\b(AND|OR|NOT)\b", lambda m: m.group().lower(), escaped)


def lucene_query(terms: list[str]) -> str:
    """A Lucene query matching any term within its typo tolerance (:func:`max_edits`).

    Examples
    --------
    >>> lucene_query(["fraunhofer", "ilt"])
    'fraunhofer~2 OR ilt'
    """
    parts = []
    for term in terms:
        edits = max_edits(term)
        parts.append(f"{lucene_escape(term)}~{edits}" if edits else lucene_escape(term))
    return " OR ".join(parts)


def ensure_index(store: Any, write: Runner) -> None:
    """Create the full-text index ``actor_text`` and the write log's constraint and index once
    per store object (idempotent)."""
    if _indexed.get(store):
        return

    def work(tx: ManagedTransaction) -> None:
        tx.run(q.SEARCH_FULLTEXT_INDEX).consume()

    write("create search index", work)
    for statement in q.SEARCH_STATE_SCHEMA:

        def schema(tx: ManagedTransaction, statement: str = statement) -> None:
            tx.run(statement).consume()

        write("create search log schema", schema)
    write("await search index", lambda tx: tx.run(q.SEARCH_AWAIT_INDEX).consume())
    _indexed[store] = True


def _expansion(
    tx: ManagedTransaction, query: CandidateQuery
) -> tuple[dict[str, dict[str, Target]], list[list[str]]]:
    ids = list(dict.fromkeys(c.id for c in query.concepts))
    groups = [list(dict.fromkeys(g)) for g in query.require]
    down: dict[str, dict[str, int]] = {}
    wanted = list(dict.fromkeys(ids + [c for g in groups for c in g]))
    for row in tx.run(q.SEARCH_NARROWER, concepts=wanted):
        down.setdefault(row["q"], {})[row["concept"]] = row["hops"]
    targets: dict[str, dict[str, Target]] = {}
    for cid in ids:
        if cid not in down:
            continue
        targets[cid] = {
            c: (Relation.EXACT if hops == 0 else Relation.NARROWER, hops)
            for c, hops in sorted(down[cid].items(), key=lambda kv: (kv[1], kv[0]))
        }
    if query.broader_hops and targets:
        rows = tx.run(q.SEARCH_BROADER, concepts=list(targets), hops=query.broader_hops)
        for row in rows:
            targets[row["q"]].setdefault(row["concept"], (Relation.BROADER, row["hops"]))
    closed = [sorted({c for g_id in g for c in down.get(g_id, {g_id: 0})}) for g in groups]
    return targets, closed


def search_candidates_cypher(
    store: Any, read: Runner, write: Runner, query: CandidateQuery
) -> CandidateResult:
    """Answer ``query`` on Neo4j in one Cypher statement (see the module docstring).

    Parameters
    ----------
    store
        The :class:`~graph.neo4j_store.Neo4jStore` (identifies it for the one-time index setup).
    read, write
        The store's ``_read`` / ``_write`` transaction runners ``(action, work) -> result``.
    """
    ensure_index(store, write)
    weights = {c.id: c.weight for c in query.concepts}
    terms = list(dict.fromkeys(query.terms))

    def work(tx: ManagedTransaction) -> tuple[dict[str, dict[str, Target]], Any, dict[str, Any]]:
        targets, closed = _expansion(tx, query)
        text_rows: list[dict[str, Any]] = []
        docs: dict[str, tuple[str, str]] = {}
        if terms:
            rows = tx.run(q.SEARCH_TEXT, lucene=lucene_query(terms), limit=TEXT_CANDIDATES)
            for row in rows:
                points = score_of((), text_hits(terms, row["name"], row["description"]))
                if points:
                    text_rows.append({"id": row["id"], "points": points})
                    docs[row["id"]] = (row["name"], row["description"])
        flat = [
            {
                "q": cid,
                "concept": concept,
                "base": relation_base(rel, hops),
                "weight": weights[cid],
            }
            for cid, expansion in targets.items()
            for concept, (rel, hops) in expansion.items()
        ]
        record = tx.run(
            q.SEARCH_RANK,
            targets=flat,
            text=text_rows,
            match_all=not query.concepts and not terms,
            offer_level=OFFER_LEVEL,
            level_points=LEVEL_POINTS,
            evidence_points=EVIDENCE_POINTS,
            min_level=query.min_level,
            kinds=[k.value for k in query.kinds],
            regions=[r.strip().upper() for r in query.regions],
            require=closed,
            k=query.offset + query.limit,
            with_facets=query.with_facets,
            concept_facets=CONCEPT_FACETS,
        ).single()
        return targets, record, docs

    targets, record, _ = read("search", work)
    if record is None:
        raise StoreError("search returned no result row")
    candidates: list[Candidate] = []
    for row in record["top"]:
        actor = Actor.model_validate_json(row["doc"])
        chits = concept_hits(actor, targets, weights, query.min_level)
        thits = text_hits(terms, actor.name, actor.description)
        score = score_of(chits, thits)
        if score != row["score"]:
            raise StoreError(f"search score mismatch for '{actor.id}': {score} != {row['score']}")
        candidates.append(
            Candidate(
                actor_id=actor.id,
                name=actor.name,
                kind=actor.kind,
                region=actor.region,
                country=actor.country,
                score=score,
                concept_hits=chits,
                text_hits=thits,
            )
        )
    facets: dict[str, dict[str, int]] = {}
    if query.with_facets:
        facets = {key: {} for key in FACET_KEYS}
        for facet, key, n in sorted([*record["basic"], *record["concepts"]]):
            facets[facet][key] = n
    return CandidateResult(candidates=candidates, total=record["total"], facets=facets)


# ---------------------------------------------------------------- the synchronised index


def record_write(
    tx: ManagedTransaction,
    actor_ids: Sequence[str],
    *,
    concepts: bool = False,
    reset: bool = False,
) -> None:
    """Log a write for the search index, in the writing transaction.

    Parameters
    ----------
    actor_ids
        Actors created, replaced or deleted.
    concepts
        Whether concepts were written.
    reset
        Everything may have changed (e.g. the store was cleared): indexes reload.
    """
    tx.run(
        q.SEARCH_RECORD_WRITE,
        ids=sorted(set(actor_ids)),
        concepts=concepts,
        reset=reset,
        keep=KEEP_CHANGES,
    ).consume()


class _Mirror:
    def __init__(self) -> None:
        self.epoch: str | None = None
        self.version: int | None = None
        self.index = SearchIndex()
        self.lock = threading.Lock()


_mirrors: weakref.WeakKeyDictionary[Any, _Mirror] = weakref.WeakKeyDictionary()
_mirrors_lock = threading.Lock()


def _records(rows: Any) -> list[SearchRecord]:
    records = []
    for row in rows:
        best: dict[str, int] = {}
        for concept, level, evidence in row["facts"]:
            raw = raw_points(level, evidence)
            if raw > best.get(concept, 0):
                best[concept] = raw
        records.append(
            SearchRecord(
                row["id"],
                row["name"],
                row["description"],
                row["kind"],
                row["region"],
                row["country"],
                tuple(sorted(best.items())),
            )
        )
    return records


def _concepts(tx: ManagedTransaction) -> list[Concept]:
    return [Concept.model_validate_json(doc) for doc in tx.run(q.ALL_CONCEPTS).value("doc")]


def _refresh(tx: ManagedTransaction, mirror: _Mirror, epoch: str, version: int) -> None:
    """Bring ``mirror`` to ``version`` (or later) from the write log, or reload it all."""
    if mirror.epoch != epoch:
        mirror.version = None
    mirror.epoch = epoch
    if mirror.version == version:
        return
    since = mirror.version
    rows = [] if since is None else tx.run(q.SEARCH_CHANGES, since=since).data()
    revs = [row["rev"] for row in rows]
    full = (
        since is None
        or since > version
        or revs != list(range(since + 1, since + 1 + len(revs)))
        or not revs
        or revs[-1] < version
        or any(row["reset"] for row in rows)
    )
    if full:
        index = SearchIndex(_concepts(tx))
        index.apply(_records(tx.run(q.SEARCH_ALL_RECORDS, offer_level=OFFER_LEVEL)), [])
        mirror.index, mirror.version = index, version
        return
    ids = sorted({i for row in rows for i in row["ids"]})
    if any(row["concepts"] for row in rows):
        mirror.index.set_concepts(_concepts(tx))
    if ids:
        found = _records(tx.run(q.SEARCH_RECORDS, ids=ids, offer_level=OFFER_LEVEL))
        present = {r.id for r in found}
        mirror.index.apply(found, [i for i in ids if i not in present])
    mirror.version = revs[-1]


def search_candidates(
    store: Any, read: Runner, write: Runner, query: CandidateQuery
) -> CandidateResult:
    """Answer ``query`` on Neo4j from the synchronised index (see the module docstring).

    Parameters
    ----------
    store
        The :class:`~graph.neo4j_store.Neo4jStore` (identifies its index).
    read, write
        The store's ``_read`` / ``_write`` transaction runners ``(action, work) -> result``.

    Raises
    ------
    StoreError
        If the database cannot be read, or the index stays out of step with it.
    """
    ensure_index(store, write)
    with _mirrors_lock:
        mirror = _mirrors.setdefault(store, _Mirror())

    def work(tx: ManagedTransaction) -> CandidateResult | None:
        state = tx.run(q.SEARCH_VERSION).single(strict=True)
        if state["version"] is None:
            return None
        _refresh(tx, mirror, state["epoch"], state["version"])

        def fetch(ids: list[str]) -> dict[str, Actor]:
            docs = tx.run(q.GET_ACTORS, ids=ids).value("doc")
            return {a.id: a for a in (Actor.model_validate_json(d) for d in docs)}

        return mirror.index.search(query, fetch)

    with mirror.lock:
        for attempt in range(3):
            try:
                result: CandidateResult | None = read("search", work)
            except OutOfStep:
                if attempt == 2:
                    raise
                mirror.version = None
                continue
            if result is not None:
                return result
            write("start search log", lambda tx: record_write(tx, [], reset=True))
    raise StoreError("search: the write log of the search index cannot be started")
