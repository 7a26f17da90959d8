"""The one scoring formula both stores use, in integers so every store computes the same value.

A hit's score is the sum, over query concepts, of the points of the actor's best fact for it,
plus the sum, over free-text terms, of the points of the best place the term was found.

* Relation dominates: exact (1000) > narrower (700, -50 per extra level) > broader (400, -100 per
  extra level) > text (at most 300), so an exact match at level 1 beats a narrower one at level 3.
* Within a relation: +60 per competence level (1..3) and +20 when the fact has evidence text.
* A query concept's weight (percent, from the normaliser's confidence) scales its points.
* Text: a term in the name is worth 300, in the description 150; -20 % per edit (typo).
* Ties are broken by actor id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from graph.search_types import Candidate, ConceptHit, FactSource, Relation, TextField, TextHit
from matchmaker.models import Actor
from matchmaker.search.text import edits_between, tokens_with_spans

REL_BASE = {Relation.EXACT: 1000, Relation.NARROWER: 700, Relation.BROADER: 400}
HOP_PENALTY = {Relation.EXACT: 0, Relation.NARROWER: 50, Relation.BROADER: 100}
REL_FLOOR = {Relation.EXACT: 1000, Relation.NARROWER: 500, Relation.BROADER: 200}
LEVEL_POINTS = 60
EVIDENCE_POINTS = 20
FIELD_POINTS = {TextField.NAME: 300, TextField.DESCRIPTION: 150}
EDIT_PERCENT = (100, 80, 60)
OFFER_LEVEL = 2
EVIDENCE_EXCERPT = 200


def relation_base(relation: Relation, hops: int) -> int:
    """Points of a relation at a distance of ``hops`` levels (before level and weight)."""
    penalty = HOP_PENALTY[relation] * max(hops - 1, 0)
    return max(REL_BASE[relation] - penalty, REL_FLOOR[relation])


def fact_points(relation: Relation, hops: int, level: int, has_evidence: bool, weight: int) -> int:
    """Points of one fact for one query concept.

    Examples
    --------
    >>> exact_low = fact_points(Relation.EXACT, 0, 1, False, 100)
    >>> exact_low > fact_points(Relation.NARROWER, 1, 3, True, 100)
    True
    """
    raw = relation_base(relation, hops) + LEVEL_POINTS * level
    if has_evidence:
        raw += EVIDENCE_POINTS
    return raw * weight // 100


def text_points(field: TextField, edits: int) -> int:
    """Points of a term found in ``field`` with ``edits`` typos."""
    return FIELD_POINTS[field] * EDIT_PERCENT[edits] // 100


def actor_facts(actor: Actor) -> list[tuple[str, int, str, FactSource]]:
    """``(concept, level, evidence, source)`` for every competence and offer of ``actor``.

    Requests are not facts: they say what an actor seeks, not what it can do.
    """
    facts = [(c.concept, c.level, c.evidence, FactSource.COMPETENCE) for c in actor.competences]
    for offer in actor.offers:
        facts.extend((cid, OFFER_LEVEL, offer.text, FactSource.OFFER) for cid in offer.concepts)
    return facts


Target = tuple[Relation, int]
"""How an actor concept relates to one query concept: relation and hops."""


def concept_hits(
    actor: Actor,
    targets: Mapping[str, Mapping[str, Target]],
    weights: Mapping[str, int],
    min_level: int = 1,
) -> list[ConceptHit]:
    """The best fact of ``actor`` for each query concept.

    Parameters
    ----------
    targets
        For each query concept id, the actor concepts that match it with relation and hops
        (the query concept's expansion).
    weights
        Weight (percent) of each query concept.
    min_level
        Facts below this level are ignored.

    Returns
    -------
    One hit per query concept the actor matches, in query-concept order; among equally good
    facts the one with the smallest concept id, competence before offer, wins.
    """
    facts = [f for f in actor_facts(actor) if f[1] >= min_level]
    hits: list[ConceptHit] = []
    for query_id, expansion in targets.items():
        best: tuple[int, str, int, ConceptHit] | None = None
        for concept, level, evidence, source in facts:
            target = expansion.get(concept)
            if target is None:
                continue
            relation, hops = target
            points = fact_points(relation, hops, level, bool(evidence), weights[query_id])
            hit = ConceptHit(
                query_concept=query_id,
                concept=concept,
                relation=relation,
                hops=hops,
                level=level,
                source=source,
                evidence=evidence[:EVIDENCE_EXCERPT],
                points=points,
            )
            key = (-points, concept, 0 if source is FactSource.COMPETENCE else 1, hit)
            if best is None or key[:3] < best[:3]:
                best = key
        if best is not None:
            hits.append(best[3])
    return hits


def text_hits(terms: Sequence[str], name: str, description: str) -> list[TextHit]:
    """The best place each term occurs (within typo tolerance) in the name or description.

    Examples
    --------
    >>> hits = text_hits(["fraunhofer"], "Fraunhoffer ILT", "")
    >>> [(h.term, h.field.value, h.matched, h.edits) for h in hits]
    [('fraunhofer', 'name', 'Fraunhoffer', 1)]
    """
    fields = ((TextField.NAME, name), (TextField.DESCRIPTION, description))
    spans = [(field, text, tokens_with_spans(text)) for field, text in fields]
    hits: list[TextHit] = []
    for term in dict.fromkeys(terms):
        best: TextHit | None = None
        for field, text, toks in spans:
            for token, start, end in toks:
                edits = edits_between(term, token)
                if edits is None:
                    continue
                points = text_points(field, edits)
                if best is None or points > best.points:
                    best = TextHit(
                        term=term,
                        field=field,
                        matched=text[start:end],
                        start=start,
                        end=end,
                        edits=edits,
                        points=points,
                    )
        if best is not None:
            hits.append(best)
    return hits


def score_of(concept: Iterable[ConceptHit], text: Iterable[TextHit]) -> int:
    """Score of a hit: the sum of its evidence points."""
    return sum(h.points for h in concept) + sum(h.points for h in text)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates by score (recomputed from their evidence) descending, then actor id."""
    return sorted(candidates, key=lambda c: (-score_of(c.concept_hits, c.text_hits), c.actor_id))
