"""Types exchanged between the search engine (:mod:`matchmaker.search`) and the stores.

The engine understands the user's text and sends a :class:`CandidateQuery`; the store's
``search_candidates`` retrieves the matching actors, scores them with the shared integer formula
(:mod:`matchmaker.search.ranking`), counts facets over the whole result set and returns the best
``offset + limit`` :class:`Candidate` objects with their evidence. The engine re-ranks those with
the same formula, so both stores order results identically.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from matchmaker.models import Actor, ActorKind, Concept, ConceptId, Identifier


class Relation(StrEnum):
    """How an actor's concept relates to a query concept."""

    EXACT = "exact"
    NARROWER = "narrower"  # the actor's concept lies below the query concept
    BROADER = "broader"  # the actor's concept lies above the query concept


class FactSource(StrEnum):
    """Where an actor states a concept."""

    COMPETENCE = "competence"
    OFFER = "offer"


class TextField(StrEnum):
    NAME = "name"
    DESCRIPTION = "description"


FACET_KEYS = ("region", "country", "kind", "process", "material", "value_chain")
"""Facets counted over a result set (``process``/``material``/``value_chain``: the actors' own
competence and offer concepts of that taxonomy facet)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QueryConcept(_Frozen):
    """A concept the query asks for, with the weight (percent) of its contribution."""

    id: ConceptId
    weight: int = Field(default=100, ge=1, le=100)


class CandidateQuery(_Frozen):
    """What the engine asks a store for.

    ``concepts`` and ``terms`` retrieve and score (an actor matching any of them is a hit);
    everything else filters. With neither concepts nor terms, every actor passing the filters is a
    hit with score 0.
    """

    concepts: list[QueryConcept] = Field(default_factory=list, max_length=50)
    terms: list[str] = Field(default_factory=list, max_length=20)
    kinds: list[ActorKind] = Field(default_factory=list)
    regions: list[str] = Field(
        default_factory=list, description="NUTS code prefixes ('AT12', 'AT1') or countries ('AT')"
    )
    require: list[list[ConceptId]] = Field(
        default_factory=list,
        description="each group must hold: the actor states one of its concepts or a narrower one",
    )
    min_level: int = Field(default=1, ge=1, le=3, description="facts below this level are ignored")
    broader_hops: int = Field(default=1, ge=0, le=5)
    offset: int = Field(default=0, ge=0, le=10_000)
    limit: int = Field(default=20, ge=1, le=1000)
    with_facets: bool = True


class ConceptHit(_Frozen):
    """One of the actor's facts that matched one query concept (the best one for it)."""

    query_concept: ConceptId
    concept: ConceptId
    relation: Relation
    hops: int = Field(ge=0)
    level: int = Field(ge=1, le=3)
    source: FactSource
    evidence: str = ""
    points: int


class TextHit(_Frozen):
    """A query term found (possibly with typos) in the actor's name or description."""

    term: str
    field: TextField
    matched: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    edits: int = Field(ge=0, le=2)
    points: int


class Candidate(_Frozen):
    """A hit with the evidence that made it one; ``score`` is the sum of the hits' points."""

    actor_id: Identifier
    name: str
    kind: ActorKind
    region: str
    country: str
    score: int
    concept_hits: list[ConceptHit] = Field(default_factory=list)
    text_hits: list[TextHit] = Field(default_factory=list)


class CandidateResult(BaseModel):
    """The best ``offset + limit`` candidates (by score desc, id asc), total and facet counts."""

    model_config = ConfigDict(extra="forbid")

    candidates: list[Candidate]
    total: int
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)


class SearchChanges(NamedTuple):
    """What a store's search index must apply to catch up with the writes since a version.

    ``full``: rebuild from scratch (``upserts`` then holds every actor); ``concepts``: the whole
    taxonomy when it changed, else ``None``.
    """

    version: int
    full: bool
    upserts: list[Actor]
    deletes: list[str]
    concepts: list[Concept] | None
