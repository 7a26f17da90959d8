"""Candidate retrieval for the Neo4j store.

Concept expansion walks ``BROADER*`` in Cypher; free-text terms go through the full-text index
``actor_text`` on ``:Actor(name, description)`` (Lucene fuzzy terms, input escaped), and the
exact text evidence of those candidates is then computed by :mod:`matchmaker.search.ranking`, as
the embedded store does. Scoring, filters, top ``offset + limit`` and facet counts run in one
Cypher statement with the shared integer formula; the returned candidates' evidence is rebuilt in
Python from their stored documents and must add up to the score Cypher computed.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any

from neo4j import ManagedTransaction

from graph import queries as q
from graph.search_types import (
    FACET_KEYS,
    Candidate,
    CandidateQuery,
    CandidateResult,
    Relation,
)
from matchmaker.errors import StoreError
from matchmaker.models import Actor, Facet
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
    """Create the full-text index ``actor_text`` once per store object (idempotent)."""
    if _indexed.get(store):
        return

    def work(tx: ManagedTransaction) -> None:
        tx.run(q.SEARCH_FULLTEXT_INDEX).consume()

    write("create search index", work)
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


def search_candidates(
    store: Any, read: Runner, write: Runner, query: CandidateQuery
) -> CandidateResult:
    """Answer ``query`` on Neo4j (see the module docstring).

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
