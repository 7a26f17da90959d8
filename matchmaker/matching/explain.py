"""Explanations: the matched concept pairs behind a score and a one-sentence reason."""

from __future__ import annotations

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


def _evidence_of_supply(actor: Actor, concept: str) -> str:
    for offer in actor.offers:
        if concept in offer.concepts and offer.text:
            return offer.text
    for comp in actor.competences:
        if comp.concept == concept:
            return comp.evidence
    return ""


def _evidence_of_request(actor: Actor, concept: str) -> str:
    for request in actor.requests:
        if concept in request.concepts and request.text:
            return request.text
    return ""


def _supply_pairs(
    index: MatchIndex, seeker: Actor, supplier: Actor, relation: Relation
) -> list[ConceptPair]:
    """For each concept ``seeker`` requests, the supplier concept that meets it best."""
    space = index.space
    supply = supply_strengths(supplier)
    pairs: list[ConceptPair] = []
    for wanted in sorted(request_weights(seeker)):
        best: tuple[float, str] | None = None
        for concept, strength in sorted(supply.items()):
            h = dict(space.coverage[concept]).get(wanted, 0.0)
            if h > 0 and (best is None or strength * h > best[0]):
                best = (strength * h, concept)
        if best is None:
            continue
        strength, concept = best
        if relation == "meets_your_request":
            yours, theirs, evidence = wanted, concept, _evidence_of_supply(supplier, concept)
        else:
            yours, theirs, evidence = concept, wanted, _evidence_of_request(seeker, wanted)
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


def _shared_pairs(index: MatchIndex, me: Actor, partner: Actor) -> list[ConceptPair]:
    space = index.space
    a, b = index.pos[me.id], index.pos[partner.id]
    mine = dict(zip(_row_ids(index, a), index.comp[[a], :].data.tolist(), strict=True))
    theirs = dict(zip(_row_ids(index, b), index.comp[[b], :].data.tolist(), strict=True))
    pairs: list[ConceptPair] = []
    for x, ux in sorted(mine.items()):
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
                        evidence=_evidence_of_supply(partner, y),
                    )
                )
    return _strongest(pairs)


def _row_ids(index: MatchIndex, i: int) -> list[str]:
    lo, hi = index.comp.indptr[i], index.comp.indptr[i + 1]
    return [index.space.ids[j] for j in index.comp.indices[lo:hi].tolist()]


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
    index: MatchIndex,
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
    needs = _supply_pairs(index, me, partner, "meets_your_request")
    offers = _supply_pairs(index, partner, me, "wants_your_offer")
    shared = _shared_pairs(index, me, partner) if components["similarity"] > 0 else []
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
