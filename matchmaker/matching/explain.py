"""Explanations: the matched concept pairs behind a score and a one-sentence reason."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.matching.index import MatchIndex, request_weights, supply_strengths
from matchmaker.matching.results import ConceptPair, Relation
from matchmaker.models import Actor
from matchmaker.nuts import nuts2_region

PAIRS_PER_RELATION = 5


def join_words(words: list[str]) -> str:
    """``["a"]`` -> ``"a"``; ``["a", "b", "c"]`` -> ``"a, b and c"``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass
class _ActorFacts:
    supply: list[tuple[str, float]]
    """Supplied concepts with strength, sorted by concept id."""
    wanted: list[str]
    """Requested concepts, sorted."""
    supply_evidence: dict[str, str]
    request_evidence: dict[str, str]
    competences: list[tuple[str, float]]
    """Normalised competence weights, sorted by concept id."""


class ExplainCache:
    """Per-actor facts and hierarchy lookups an explanation needs, computed once per actor."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self._facts: dict[int, _ActorFacts] = {}
        self._coverage: dict[str, dict[str, float]] = {}

    def coverage(self, concept: str) -> dict[str, float]:
        """``h(r, concept)`` for every request concept ``r`` the concept meets."""
        found = self._coverage.get(concept)
        if found is None:
            found = self._coverage[concept] = dict(self.index.space.coverage[concept])
        return found

    def facts(self, position: int) -> _ActorFacts:
        """The explanation facts of the actor at ``position``."""
        found = self._facts.get(position)
        if found is None:
            found = self._facts[position] = self._build(position)
        return found

    def _build(self, position: int) -> _ActorFacts:
        index = self.index
        actor = index.actors[position]
        supply_evidence: dict[str, str] = {}
        for comp in actor.competences:
            supply_evidence.setdefault(comp.concept, comp.evidence)
        for offer in reversed(actor.offers):
            if offer.text:
                for concept in offer.concepts:
                    supply_evidence[concept] = offer.text
        request_evidence: dict[str, str] = {}
        for request in reversed(actor.requests):
            if request.text:
                for concept in request.concepts:
                    request_evidence[concept] = request.text
        lo, hi = index.comp.indptr[position], index.comp.indptr[position + 1]
        ids = index.space.ids
        competences = sorted(
            (ids[j], v)
            for j, v in zip(
                index.comp.indices[lo:hi].tolist(), index.comp.data[lo:hi].tolist(), strict=True
            )
        )
        return _ActorFacts(
            supply=sorted(supply_strengths(actor).items()),
            wanted=sorted(request_weights(actor)),
            supply_evidence=supply_evidence,
            request_evidence=request_evidence,
            competences=competences,
        )


def _supply_pairs(
    cache: ExplainCache, seeker: int, supplier: int, relation: Relation
) -> list[ConceptPair]:
    """For each concept ``seeker`` requests, the supplier concept that meets it best."""
    space = cache.index.space
    seeker_facts, supplier_facts = cache.facts(seeker), cache.facts(supplier)
    supply = [
        (concept, strength, cache.coverage(concept)) for concept, strength in supplier_facts.supply
    ]
    pairs: list[ConceptPair] = []
    for wanted in seeker_facts.wanted:
        best: tuple[float, str] | None = None
        for concept, strength, cover in supply:
            h = cover.get(wanted, 0.0)
            if h > 0 and (best is None or strength * h > best[0]):
                best = (strength * h, concept)
        if best is None:
            continue
        strength, concept = best
        if relation == "meets_your_request":
            yours, theirs = wanted, concept
            evidence = supplier_facts.supply_evidence.get(concept, "")
        else:
            yours, theirs = concept, wanted
            evidence = seeker_facts.request_evidence.get(wanted, "")
        pairs.append(
            ConceptPair(
                relation=relation,
                yours=yours,
                yours_label=space.label(yours),
                theirs=theirs,
                theirs_label=space.label(theirs),
                strength=strength,
                evidence=evidence,
            )
        )
    return _strongest(pairs)


def _shared_pairs(cache: ExplainCache, me: int, partner: int) -> list[ConceptPair]:
    space = cache.index.space
    partner_facts = cache.facts(partner)
    theirs = dict(partner_facts.competences)
    pairs: list[ConceptPair] = []
    for x, ux in cache.facts(me).competences:
        for y, k in space.kernel[x]:
            if y in theirs:
                pairs.append(
                    ConceptPair(
                        relation="shared_competence",
                        yours=x,
                        yours_label=space.label(x),
                        theirs=y,
                        theirs_label=space.label(y),
                        strength=ux * k * theirs[y],
                        evidence=partner_facts.supply_evidence.get(y, ""),
                    )
                )
    return _strongest(pairs)


def _strongest(pairs: list[ConceptPair]) -> list[ConceptPair]:
    pairs.sort(key=lambda p: (-p.strength, p.yours, p.theirs))
    return pairs[:PAIRS_PER_RELATION]


def _phrase(index: MatchIndex, concepts: list[str]) -> str:
    """``HIP and CT inspection for Ti-6Al-4V``: materials after the processes and services."""
    unique = list(dict.fromkeys(concepts))[:4]
    materials = [c for c in unique if index.space.facets.get(c) == "material"]
    others = [c for c in unique if c not in materials]
    label = index.space.label
    if others and materials:
        what = join_words([label(c) for c in others])
        return f"{what} for {join_words([label(c) for c in materials])}"
    return join_words([label(c) for c in unique])


def explain(
    cache: ExplainCache,
    me: Actor,
    partner: Actor,
    components: dict[str, float],
    *,
    partnered: bool,
    introduced_by: str | None,
) -> tuple[list[ConceptPair], str]:
    """The concept pairs behind a match and a sentence a cluster manager can read.

    Returns
    -------
    ``(pairs, reason)``, e.g. ``"Offers HIP and CT inspection for Ti-6Al-4V, which you seek;
    other region (Prov. Antwerpen)."``
    """
    index = cache.index
    a, b = index.pos[me.id], index.pos[partner.id]
    needs = _supply_pairs(cache, a, b, "meets_your_request")
    offers = _supply_pairs(cache, b, a, "wants_your_offer")
    shared = _shared_pairs(cache, a, b) if components["similarity"] > 0 else []
    parts: list[str] = []
    if needs:
        parts.append(f"offers {_phrase(index, [p.theirs for p in needs])}, which you seek")
    if offers:
        parts.append(f"seeks {_phrase(index, [p.theirs for p in offers])}, which you offer")
    if shared and len(parts) < 2:
        parts.append(f"shares your work on {_phrase(index, [p.theirs for p in shared])}")
    if partner.region == me.region:
        parts.append("same region")
    else:
        region = nuts2_region(partner.region)
        name = region.name if region is not None else partner.region
        where = "other region" if partner.country == me.country else "other country"
        parts.append(f"{where} ({name}, {partner.country})")
    if partnered:
        parts.append("already a partner")
    elif introduced_by is not None:
        who = index.actors[index.pos[introduced_by]].name
        parts.append(f"introduced by {who}")
    sentence = "; ".join(parts)
    return needs + offers + shared, sentence[0].upper() + sentence[1:] + "."
