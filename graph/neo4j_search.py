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

:func:`search_candidates_cypher` (``Neo4jStore(search="cypher")``, ``NEO4J_SEARCH=cypher``)
answers the same question from the database alone, in one statement per query, from a search
closure that every actor write (and every concept write, for the actors under the rewritten
concepts) maintains in its transaction (:func:`refresh_closure`, ``SEARCH_CLOSURE``): for each
concept an actor states, ``(a)-[:STATES {p1, p2, p3, r}]->(c)``, and for each concept above those
(``BROADER*``), ``(a)-[:UNDER {p1, p2, p3}]->(c)``. ``p<m>`` is the best exact-or-narrower points
that concept earns as a query concept at minimum level ``m`` (relation base by distance, level,
evidence: :mod:`matchmaker.search.ranking`), ``r`` the raw points of the stated fact, so a query
concept's part of the score is one relationship per actor, read from the concept node, and a
broader concept's part one ``STATES`` relationship. Free-text terms go through the full-text index
``actor_text`` on ``:Actor(name, description)``: one Lucene query per field and number of edits
(input escaped), the best one a term matches giving its points. The statement sums each actor's
rows, filters, takes the top ``offset + limit`` (by score, then the ties by id) and counts facets
from ``a.search_key`` (region, country, kind) and ``a.search_facets`` (stated process, material
and value-chain concepts). The returned actors' evidence is rebuilt in Python from their stored
documents and must add up to the score Cypher computed. Actors stored before the closure existed
get it at the first Cypher search of a store object (:func:`ensure_closure`).
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
    TextField,
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
    text_points,
)
from matchmaker.search.text import max_edits

Runner = Callable[[str, Callable[[ManagedTransaction], Any]], Any]
KEEP_CHANGES = 1000
"""Logged writes kept in the database; an index further behind reloads every record."""
CLOSURE_CHUNK = 1000
CLOSURE_BATCH = 5000
"""Actors per transaction when building the closure of actors written before it existed."""
KEY_SEP = "\x1f"
CONCEPT_FACETS = [Facet.PROCESS.value, Facet.MATERIAL.value, Facet.VALUE_CHAIN.value]
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_indexed: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()
_closed: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def lucene_escape(text: str) -> str:
    """Escape Lucene query syntax in ``text`` (operators are also lower-cased away).

    Examples
    --------
    >>> lucene_escape('ti-6al (4v)')
    'ti\\\\-6al \\\\(4v\\\\)'
    """
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\b(AND|OR|NOT)\b", lambda m: m.group().lower(), escaped)


def lucene_queries(term: str) -> list[tuple[str, int]]:
    """Lucene queries for ``term``, one per field and number of edits, with their points.

    A term matches a token within :func:`max_edits` edits; each query accepts up to that many
    (Lucene's fuzzy distance counts a swap of neighbours as one edit, as the embedded store does).

    Examples
    --------
    >>> lucene_queries("laser")
    [('name:laser', 300), ('name:laser~1', 240), ('description:laser', 150), \
('description:laser~1', 120)]
    """
    escaped = lucene_escape(term)
    return [
        (f"{field.value}:{escaped}~{edits}" if edits else f"{field.value}:{escaped}", points)
        for field in TextField
        for edits in range(max_edits(term) + 1)
        for points in [text_points(field, edits)]
    ]


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


# ---------------------------------------------------------------- the search closure


def _bases() -> list[int]:
    """Relation base by hops below the query concept: exact, then narrower until its floor."""
    bases = [relation_base(Relation.EXACT, 0)]
    while len(bases) < 2 or bases[-1] != relation_base(Relation.NARROWER, len(bases)):
        bases.append(relation_base(Relation.NARROWER, len(bases)))
    return bases


CLOSURE_PARAMS: dict[str, Any] = {
    "bases": _bases(),
    "level_points": LEVEL_POINTS,
    "evidence_points": EVIDENCE_POINTS,
    "offer_level": OFFER_LEVEL,
    "facets": CONCEPT_FACETS,
    "sep": KEY_SEP,
}


def refresh_closure(tx: ManagedTransaction, actor_ids: Sequence[str]) -> None:
    """Rebuild the search closure (``UNDER`` relationships, ``search_key``, ``search_facets``)
    of these actors, in the writing transaction (ids not stored are skipped)."""
    ids = sorted(set(actor_ids))
    for start in range(0, len(ids), CLOSURE_CHUNK):
        chunk = ids[start : start + CLOSURE_CHUNK]
        tx.run(q.SEARCH_CLOSURE, CLOSURE_PARAMS, ids=chunk).consume()


def refresh_closure_of_concepts(tx: ManagedTransaction, concept_ids: Sequence[str]) -> None:
    """Rebuild the closure of every actor at or below these (rewritten) concepts, before or after
    the write."""
    if concept_ids:
        touched = tx.run(q.SEARCH_CLOSURE_TOUCHED, ids=sorted(set(concept_ids))).value("id")
        refresh_closure(tx, touched)


def ensure_closure(store: Any, write: Runner) -> None:
    """Build the closure of actors written before it existed, once per store object."""
    if _closed.get(store):
        return
    missing: list[str] = write(
        "find actors without search closure",
        lambda tx: tx.run(q.SEARCH_CLOSURE_MISSING).value("id"),
    )
    for start in range(0, len(missing), CLOSURE_BATCH):

        def work(
            tx: ManagedTransaction, chunk: list[str] = missing[start : start + CLOSURE_BATCH]
        ) -> None:
            refresh_closure(tx, chunk)

        write("build search closure", work)
    _closed[store] = True


def _expansion(tx: ManagedTransaction, query: CandidateQuery) -> dict[str, dict[str, Target]]:
    ids = list(dict.fromkeys(c.id for c in query.concepts))
    down: dict[str, dict[str, int]] = {}
    for row in tx.run(q.SEARCH_NARROWER, concepts=ids):
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
    return targets


def _rank_statement(
    query: CandidateQuery, targets: dict[str, dict[str, Target]], terms: list[str]
) -> tuple[str, dict[str, Any]] | None:
    """The search statement and its parameters; ``None`` when nothing can match."""
    weights = {c.id: c.weight for c in query.concepts}
    broader = [
        {"q": cid, "concept": c, "base": relation_base(rel, hops), "w": weights[cid]}
        for cid, expansion in targets.items()
        for c, (rel, hops) in expansion.items()
        if rel is Relation.BROADER
    ]
    text = [
        {"term": term, "lucene": lucene, "points": points}
        for term in terms
        for lucene, points in lucene_queries(term)
    ]
    require = [list(dict.fromkeys(g)) for g in query.require]
    sources = [
        name
        for name, present in (("concepts", targets), ("broader", broader), ("text", text))
        if present
    ]
    match_all = not query.concepts and not terms
    if match_all:
        sources = ["required" if require else "all"]
    if not sources:
        return None
    summed = len(sources) > 1 or len(targets) > 1 or sources == ["text"]
    statement = q.search_rank(
        sources, summed=summed, check_required=bool(require) and not match_all
    )
    params = {
        "concepts": [{"id": cid, "w": weights[cid]} for cid in targets],
        "broader": broader,
        "text": text,
        "min_level": query.min_level,
        "min_raw": LEVEL_POINTS * query.min_level,
        "kinds": [k.value for k in query.kinds],
        "regions": [r.strip().upper() for r in query.regions],
        "require": require,
        "k": query.offset + query.limit,
        "with_facets": query.with_facets,
    }
    return statement, params


def search_candidates_cypher(
    store: Any, read: Runner, write: Runner, query: CandidateQuery
) -> CandidateResult:
    """Answer ``query`` on Neo4j in Cypher (see the module docstring).

    Parameters
    ----------
    store
        The :class:`~graph.neo4j_store.Neo4jStore` (identifies it for the one-time setup).
    read, write
        The store's ``_read`` / ``_write`` transaction runners ``(action, work) -> result``.

    Raises
    ------
    StoreError
        If the database cannot be read, or a returned actor does not score as Cypher scored it.
    """
    ensure_index(store, write)
    ensure_closure(store, write)
    weights = {c.id: c.weight for c in query.concepts}
    terms = list(dict.fromkeys(query.terms))

    def work(tx: ManagedTransaction) -> tuple[dict[str, dict[str, Target]], Any]:
        targets = _expansion(tx, query)
        ranked = _rank_statement(query, targets, terms)
        if ranked is None:
            return targets, False
        record = tx.run(ranked[0], ranked[1]).single()
        return targets, record

    targets, record = read("search", work)
    if record is False:
        empty: dict[str, dict[str, int]] = (
            {key: {} for key in FACET_KEYS} if query.with_facets else {}
        )
        return CandidateResult(candidates=[], total=0, facets=empty)
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
        counted = []
        for facet, key, n in record["facets"]:
            if KEY_SEP in key:
                region, country, kind = key.split(KEY_SEP)
                counted += [("region", region, n), ("country", country, n), ("kind", kind, n)]
            elif facet in facets:
                counted.append((facet, key, n))
        for facet, key, n in sorted(counted):
            facets[facet][key] = facets[facet].get(key, 0) + n
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
