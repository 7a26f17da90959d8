"""The metal-AM taxonomy: browse concepts and their hierarchy, normalise free text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import IdPath, StoreDep
from api.security import Reader
from matchmaker.models import Concept, Facet

router = APIRouter(tags=["taxonomy"])


class ConceptDetail(BaseModel):
    concept: Concept
    parents: list[str]
    children: list[str]
    ancestors: list[str]
    descendants: list[str]


class NormaliseRequest(BaseModel):
    text: str = Field(max_length=20_000, examples=["We print Ti64 on two EOS M290 and do HIP"])
    context: list[str] = Field(default_factory=list, max_length=50)


class MatchOut(BaseModel):
    concept: str
    label: str
    confidence: float
    start: int
    end: int
    text: str
    alias: str
    ambiguous: bool


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class NormaliseResponse(BaseModel):
    matches: list[MatchOut]
    unmatched: list[SpanOut]


@router.get("/concepts", response_model=list[Concept])
def list_concepts(
    store: StoreDep, _: Reader, facet: Annotated[Facet | None, Query()] = None
) -> list[Concept]:
    """Concepts ordered by id, optionally of one facet."""
    return store.list_concepts(facet)


@router.get("/concepts/{concept_id}", response_model=ConceptDetail)
def get_concept(concept_id: IdPath, store: StoreDep, _: Reader) -> ConceptDetail:
    """A concept with its neighbourhood in the hierarchy."""
    return ConceptDetail(
        concept=store.get_concept(concept_id),
        parents=store.broader(concept_id, transitive=False),
        children=store.narrower(concept_id, transitive=False),
        ancestors=store.broader(concept_id),
        descendants=store.narrower(concept_id),
    )


@router.post("/normalise", response_model=NormaliseResponse)
def normalise(body: NormaliseRequest, _: Reader) -> NormaliseResponse:
    """Map free text to taxonomy concepts, with confidence and the span that matched."""
    from matchmaker.normalise import default_normaliser
    from matchmaker.taxonomy import default_taxonomy

    taxonomy = default_taxonomy()
    result = default_normaliser().normalise(body.text, context=body.context)
    return NormaliseResponse(
        matches=[
            MatchOut(
                concept=m.concept,
                label=taxonomy.get(m.concept).label,
                confidence=m.confidence,
                start=m.span[0],
                end=m.span[1],
                text=m.text,
                alias=m.alias,
                ambiguous=m.ambiguous,
            )
            for m in result.matches
        ],
        unmatched=[SpanOut(start=u.start, end=u.end, text=u.text) for u in result.unmatched],
    )
