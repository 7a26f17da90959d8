"""Scoring configuration as validated data: hierarchy decays, value-chain stages, weight profiles.

The shipped configuration is ``matchmaker/data/profiles.json``; :func:`default_config` reads it.
Weights can be overridden per request with :meth:`Profile.with_weights`.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matchmaker.errors import ConfigurationError, ValidationFailed
from matchmaker.models import ActorKind

COMPONENTS: tuple[str, ...] = (
    "complementarity_needs",
    "complementarity_offers",
    "similarity",
    "value_chain",
    "region",
    "kind",
    "network",
)
"""Score components in their fixed order; each lies in [0, 1]."""

TOPICAL: tuple[str, ...] = COMPONENTS[:3]
"""Components that link two actors by concepts; a partner needs at least one of them > 0."""

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HierarchyParams(_Data):
    """How the taxonomy hierarchy softens concept matches (baked into the index)."""

    max_distance: Annotated[int, Field(ge=0, le=6)] = 2
    specific_decay: Unit = 0.8
    """Per level when the offer is more specific than the request (wants PBF, offers L-PBF)."""
    generic_decay: Unit = 0.5
    """Per level when the offer is more general than the request (wants L-PBF, offers PBF)."""
    similarity_decay: Unit = 0.5
    """Per level between a competence and an ancestor or descendant of it."""


class Stage(_Data):
    """One value-chain step; a concept belongs to it if its id equals a prefix or extends it."""

    name: Annotated[str, Field(min_length=1, max_length=40)]
    label: Annotated[str, Field(min_length=1, max_length=80)]
    prefixes: list[str] = Field(min_length=1)

    def contains(self, concept_id: str) -> bool:
        """Whether ``concept_id`` is one of the prefixes or lies below one (``vc.post.hip``)."""
        return any(concept_id == p or concept_id.startswith(p + ".") for p in self.prefixes)


class Weights(_Data):
    """Relative weights of the components; normalised to sum 1 when scoring."""

    complementarity_needs: NonNegative = 0.0
    complementarity_offers: NonNegative = 0.0
    similarity: NonNegative = 0.0
    value_chain: NonNegative = 0.0
    region: NonNegative = 0.0
    kind: NonNegative = 0.0
    network: NonNegative = 0.0

    @model_validator(mode="after")
    def _some_topical_weight(self) -> Self:
        if sum(getattr(self, name) for name in TOPICAL) <= 0.0:
            raise ValueError(
                "at least one of complementarity_needs, complementarity_offers, similarity "
                "must have a positive weight"
            )
        return self

    def normalised(self) -> tuple[float, ...]:
        """The weights in :data:`COMPONENTS` order, divided by their sum."""
        raw = [getattr(self, name) for name in COMPONENTS]
        total = math.fsum(raw)
        return tuple(w / total for w in raw)


class RegionPolicy(_Data):
    """Region component by relation of the partner's region to the actor's."""

    same_region: Unit = 0.0
    same_country: Unit = 0.5
    other_country: Unit = 1.0


class ValueChainPolicy(_Data):
    """``by_distance[d]`` scores two actors whose closest stages are ``d`` steps apart."""

    by_distance: list[Unit] = Field(min_length=1, max_length=10)


class KindPair(_Data):
    a: ActorKind
    b: ActorKind
    score: Unit


class KindPolicy(_Data):
    """Score of an (actor kind, partner kind) pair, symmetric; ``default`` for unlisted pairs."""

    default: Unit = 0.5
    pairs: list[KindPair] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_duplicate_pairs(self) -> Self:
        seen: set[frozenset[str]] = set()
        for pair in self.pairs:
            key = frozenset((pair.a.value, pair.b.value))
            if key in seen:
                raise ValueError(f"kind pair {pair.a.value}/{pair.b.value} listed twice")
            seen.add(key)
        return self

    def score(self, a: ActorKind, b: ActorKind) -> float:
        """The score of a pair of kinds."""
        for pair in self.pairs:
            if {pair.a, pair.b} == {a, b}:
                return pair.score
        return self.default


class NetworkPolicy(_Data):
    """Existing partners (shared project, cluster or affiliation): exclude, down-weight or keep.

    ``introduced`` is the network component's value when a third actor is partner of both.
    """

    partners: Literal["exclude", "downweight", "keep"] = "exclude"
    partner_factor: Unit = 0.5
    introduced: Unit = 1.0


Scope = Literal["any", "same_region", "other_regions"]


class Profile(_Data):
    """A named weight profile with the policies its components use."""

    name: str = ""
    description: str = ""
    weights: Weights
    region: RegionPolicy = RegionPolicy()
    value_chain: ValueChainPolicy
    kinds: KindPolicy = KindPolicy()
    network: NetworkPolicy = NetworkPolicy()
    scope: Scope = "any"

    def with_weights(self, overrides: dict[str, float] | None) -> Profile:
        """A copy with some weights replaced; raise ``ValidationFailed`` naming a bad field.

        >>> p = default_config().profile("partnering").with_weights({"region": 0.0})
        >>> p.weights.region
        0.0
        """
        if not overrides:
            return self
        unknown = sorted(set(overrides) - set(COMPONENTS))
        if unknown:
            raise ValidationFailed(
                f"unknown weight(s) {', '.join(unknown)}; known: {', '.join(COMPONENTS)}"
            )
        merged = self.weights.model_dump() | overrides
        try:
            weights = Weights.model_validate(merged)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "weights"
            raise ValidationFailed(f"weights.{where}: {first['msg']}") from e
        return self.model_copy(update={"weights": weights})


class EngineConfig(_Data):
    """Everything the scoring model is parameterised by."""

    hierarchy: HierarchyParams = HierarchyParams()
    value_chain: list[Stage] = Field(min_length=1, max_length=16)
    profiles: dict[str, Profile] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _name_profiles(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("profiles"), dict):
            profiles = {}
            for name, profile in data["profiles"].items():
                if isinstance(profile, dict):
                    profile = {"name": name, **profile}
                profiles[name] = profile
            data = {**data, "profiles": profiles}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [s.name for s in self.value_chain]
        if len(set(names)) != len(names):
            raise ValueError("value-chain stage names must be distinct")
        for name, profile in self.profiles.items():
            if profile.name != name:
                raise ValueError(f"profile '{name}' carries the different name '{profile.name}'")
        return self

    def profile(self, name: str) -> Profile:
        """The profile called ``name``; ``ValidationFailed`` listing the known ones."""
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise ValidationFailed(f"unknown profile '{name}'; known: {known}") from None


@cache
def default_config() -> EngineConfig:
    """The shipped configuration (``matchmaker/data/profiles.json``), validated once.

    Raises
    ------
    ConfigurationError
        If the shipped file is invalid.
    """
    text = resources.files("matchmaker.data").joinpath("profiles.json").read_text("utf-8")
    try:
        return EngineConfig.model_validate(json.loads(text))
    except (ValueError, ValidationError) as e:
        raise ConfigurationError(f"matchmaker/data/profiles.json is invalid: {e}") from e
