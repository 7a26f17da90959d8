"""A plain reference search: scan every actor, walk the taxonomy, compare strings.

It shares only the point values (:mod:`matchmaker.search.ranking`) with the stores, not their
indexes, numpy code or Cypher, so agreeing with it checks retrieval, filters, order and facets.
"""

from __future__ import annotations

from graph.protocol import Snapshot
from graph.search_types import FACET_KEYS, CandidateQuery, Relation
from matchmaker.search.ranking import Target, actor_facts, concept_hits, score_of, text_hits
from matchmaker.taxonomy import Taxonomy


def _targets(taxonomy: Taxonomy, query: CandidateQuery) -> dict[str, dict[str, Target]]:
    out: dict[str, dict[str, Target]] = {}
    for qc in query.concepts:
        if qc.id not in taxonomy:
            continue
        found: dict[str, Target] = {qc.id: (Relation.EXACT, 0)}
        frontier, hops = {qc.id}, 0
        while frontier:
            hops += 1
            frontier = {c for f in frontier for c in taxonomy.children(f)} - set(found)
            found.update(dict.fromkeys(frontier, (Relation.NARROWER, hops)))
        frontier, hops = {qc.id}, 0
        while frontier and hops < query.broader_hops:
            hops += 1
            frontier = {p for f in frontier for p in taxonomy.parents(f)} - set(found)
            found.update(dict.fromkeys(frontier, (Relation.BROADER, hops)))
        out[qc.id] = found
    return out


def plain_search(
    snapshot: Snapshot, taxonomy: Taxonomy, query: CandidateQuery
) -> tuple[list[tuple[str, int]], dict[str, dict[str, int]]]:
    """All hits as ``(actor id, score)`` in rank order, and the facet counts."""
    targets = _targets(taxonomy, query)
    weights = {c.id: c.weight for c in query.concepts}
    hits: list[tuple[str, int]] = []
    facets: dict[str, dict[str, int]] = {k: {} for k in FACET_KEYS}
    for actor in snapshot.actors:
        if query.kinds and actor.kind not in query.kinds:
            continue
        if query.regions and not any(
            actor.region.startswith(r) or actor.country == r for r in query.regions
        ):
            continue
        stated = {c for c, level, _, _ in actor_facts(actor) if level >= query.min_level}
        if not all(
            any(s == g or taxonomy.subsumes(g, s) for s in stated for g in group)
            for group in query.require
        ):
            continue
        score = score_of(
            concept_hits(actor, targets, weights, query.min_level),
            text_hits(query.terms, actor.name, actor.description),
        )
        if (query.concepts or query.terms) and score == 0:
            continue
        hits.append((actor.id, score))
        for key, value in (("region", actor.region), ("country", actor.country)):
            facets[key][value] = facets[key].get(value, 0) + 1
        facets["kind"][actor.kind.value] = facets["kind"].get(actor.kind.value, 0) + 1
        for concept in {c for c, *_ in actor_facts(actor)}:
            facet = taxonomy.facet(concept).value
            if facet in facets:
                facets[facet][concept] = facets[facet].get(concept, 0) + 1
    hits.sort(key=lambda h: (-h[1], h[0]))
    return hits, facets
