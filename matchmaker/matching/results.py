"""Request options and result records of the matching engine."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from matchmaker.matching.profiles import Scope
from matchmaker.models import ActorKind, ConceptId, Identifier


class MatchOptions(BaseModel):
    """What to match and how to filter. ``None`` means "as the profile says"."""

    model_config = ConfigDict(extra="forbid")

    profile: str = "partnering"
    weights: dict[str, float] | None = Field(
        default=None, description="per-request weight overrides, e.g. {'region': 0}"
    )
    top: Annotated[int, Field(ge=1, le=1000)] = 20
    kinds: list[ActorKind] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list, description="NUTS code prefixes")
    countries: list[str] = Field(default_factory=list, description="ISO alpha-2 codes")
    scope: Scope | None = None
    min_score: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    exclude_ids: list[Identifier] = Field(default_factory=list)
    exclude_partners: bool | None = None
    per_organisation: Annotated[int, Field(ge=1)] | None = None
    per_region: Annotated[int, Field(ge=1)] | None = None


Relation = Literal["meets_your_request", "wants_your_offer", "shared_competence"]


class ConceptPair(BaseModel):
    """What of the actor meets what of the partner, with the partner's (or actor's) evidence."""

    model_config = ConfigDict(extra="forbid")

    relation: Relation
    yours: ConceptId
    yours_label: str
    theirs: ConceptId
    theirs_label: str
    strength: float
    evidence: str = ""


class Match(BaseModel):
    """One proposed partner; ``contributions`` add up to ``score``."""

    model_config = ConfigDict(extra="forbid")

    actor_id: Identifier
    partner_id: Identifier
    partner_name: str
    partner_kind: ActorKind
    partner_region: str
    partner_country: str
    score: float
    components: dict[str, float] = Field(description="each component's value in [0, 1]")
    contributions: dict[str, float] = Field(description="weighted components; they sum to score")
    pairs: list[ConceptPair]
    reason: str
    partnered: bool = False
    introduced_by: Identifier | None = None
