"""The search engine: understand the query, ask the store for candidates, rank and explain.

Ranking (:mod:`matchmaker.search.ranking`): exact concept > narrower > broader > text match,
weighted by competence level and evidence, ties by actor id. The same code orders the results of
both stores.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.protocol import GraphStore
from graph.search_types import (
    CandidateQuery,
    ConceptHit,
    QueryConcept,
    TextHit,
)
from matchmaker.errors import ValidationFailed
from matchmaker.models import ActorKind, ConceptId, Facet
from matchmaker.normalise import Normaliser, default_normaliser
from matchmaker.nuts import ISO_TO_NUTS, nuts_table
from matchmaker.search.ranking import rank
from matchmaker.search.understand import Understanding, understand

IMPLIED = {"proc.any_metal_am": (("mat.metal", 50),)}
"""Concepts a query concept implies in another facet, with their weight: asking for metal AM
also finds actors that only state metal materials (ranked below those with a metal process)."""


class SearchRequest(BaseModel):
    """A search: free text plus structured filters (all combinable, AND across filters).

    ``concepts``, ``processes``, ``materials`` and ``stages`` are hierarchy-aware filters: an actor
    passes when it states one of the listed concepts or a narrower one. ``facets`` restricts which
    concepts are read from the text (e.g. only materials).
    """

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=500)
    concepts: list[ConceptId] = Field(default_factory=list)
    processes: list[ConceptId] = Field(default_factory=list)
    materials: list[ConceptId] = Field(default_factory=list)
    stages: list[ConceptId] = Field(default_factory=list, description="value-chain stages")
    facets: list[Facet] = Field(default_factory=list)
    kinds: list[ActorKind] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list, description="NUTS codes or countries")
    min_level: int = Field(default=1, ge=1, le=3)
    broader_hops: int = Field(default=1, ge=0, le=5)
    offset: int = Field(default=0, ge=0, le=10_000)
    limit: int = Field(default=20, ge=1, le=200)

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: list[str]) -> list[str]:
        table = nuts_table()
        out = []
        for code in value:
            code = code.strip().upper()
            if code not in table and ISO_TO_NUTS.get(code, code) not in table:
                raise ValueError(f"'{code}' is neither a NUTS code nor a country")
            out.append(code)
        return out


class HitConcept(ConceptHit):
    """A concept hit with labels and the query words that asked for it."""

    label: str
    query_label: str
    query_text: str


class SearchHit(BaseModel):
    """One result: the actor, its score and the evidence behind it."""

    model_config = ConfigDict(extra="forbid")

    rank: int
    actor_id: str
    name: str
    kind: ActorKind
    region: str
    country: str
    score: int
    concepts: list[HitConcept]
    text: list[TextHit]

    @property
    def why(self) -> str:
        """The evidence in one line."""
        parts = [
            f"{h.label} ({h.relation.value}"
            + (f" of {h.query_label}" if h.relation.value != "exact" else "")
            + f", level {h.level}, {h.source.value}, from '{h.query_text}')"
            for h in self.concepts
        ]
        parts += [f"'{t.matched}' in {t.field.value} (for '{t.term}')" for t in self.text]
        return "; ".join(parts)


class SearchResponse(BaseModel):
    """A page of results with the query understanding and facet counts over all results."""

    model_config = ConfigDict(extra="forbid")

    request: SearchRequest
    understanding: Understanding
    summary: str
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    next_offset: int | None


class SearchEngine:
    """Search over one store.

    Parameters
    ----------
    store
        Any :class:`~graph.protocol.GraphStore` holding the taxonomy and actors.
    normaliser
        The taxonomy normaliser; by default ``matchmaker.normalise.default_normaliser()``.

    Examples
    --------
    >>> from graph.memory import MemoryStore
    >>> from graph.seed import seed_demo
    >>> store = MemoryStore(); _ = seed_demo(store)
    >>> result = SearchEngine(store).search(SearchRequest(text="WAAM Austria", limit=3))
    >>> result.summary.startswith("understood:")
    True
    """

    def __init__(self, store: GraphStore, normaliser: Normaliser | None = None) -> None:
        self.store = store
        self.normaliser = normaliser if normaliser is not None else default_normaliser()
        self.labels = {c.id: (c.label, c.facet.value) for c in store.list_concepts()}

    def understand(self, text: str, facets: list[Facet] | None = None) -> Understanding:
        """The understanding of ``text`` (see :func:`matchmaker.search.understand.understand`)."""
        result = understand(text, self.normaliser, self.labels)
        present = {c.concept for c in result.concepts}
        for asked in list(result.concepts):
            for implied, weight in IMPLIED.get(asked.concept, ()):
                if implied in self.labels and implied not in present:
                    present.add(implied)
                    label, facet = self.labels[implied]
                    result.concepts.append(
                        asked.model_copy(
                            update={
                                "concept": implied,
                                "label": label,
                                "facet": facet,
                                "alias": f"implied by {asked.label}",
                                "confidence": asked.confidence * weight / 100,
                            }
                        )
                    )
        if facets:
            wanted = {f.value for f in facets}
            result.concepts = [c for c in result.concepts if c.facet in wanted]
        return result

    def _check_concepts(self, request: SearchRequest) -> None:
        for field in ("concepts", "processes", "materials", "stages"):
            for i, cid in enumerate(getattr(request, field)):
                if cid not in self.labels:
                    raise ValidationFailed(f"{field}[{i}]: unknown concept '{cid}'")

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run a search.

        Raises
        ------
        ValidationFailed
            If a filter names a concept the taxonomy does not have.
        """
        self._check_concepts(request)
        understanding = self.understand(request.text, request.facets)
        regions = list(request.regions)
        for place in understanding.places:
            regions.extend(place.codes)
        require = [
            group
            for group in (request.concepts, request.processes, request.materials, request.stages)
            if group
        ]
        query = CandidateQuery(
            concepts=[QueryConcept(id=c.concept, weight=c.weight) for c in understanding.concepts],
            terms=understanding.terms,
            kinds=request.kinds,
            regions=list(dict.fromkeys(regions)),
            require=require,
            min_level=request.min_level,
            broader_hops=request.broader_hops,
            offset=request.offset,
            limit=request.limit,
        )
        result = self.store.search_candidates(query)
        ranked = rank(result.candidates)[request.offset : request.offset + request.limit]
        by_concept = {c.concept: c for c in understanding.concepts}
        hits = [
            SearchHit(
                rank=request.offset + i + 1,
                actor_id=c.actor_id,
                name=c.name,
                kind=c.kind,
                region=c.region,
                country=c.country,
                score=c.score,
                concepts=[self._hit_concept(h, by_concept) for h in c.concept_hits],
                text=c.text_hits,
            )
            for i, c in enumerate(ranked)
        ]
        matched_terms = {t.term for c in result.candidates for t in c.text_hits}
        unmatched = frozenset(t for t in understanding.terms if t not in matched_terms)
        end = request.offset + len(hits)
        return SearchResponse(
            request=request,
            understanding=understanding,
            summary=understanding.summary(unmatched),
            total=result.total,
            hits=hits,
            facets=result.facets,
            next_offset=end if end < result.total else None,
        )

    def _hit_concept(self, hit: ConceptHit, by_concept: dict[str, Any]) -> HitConcept:
        asked = by_concept[hit.query_concept]
        return HitConcept(
            **hit.model_dump(),
            label=self.labels.get(hit.concept, (hit.concept, ""))[0],
            query_label=asked.label,
            query_text=asked.text,
        )
