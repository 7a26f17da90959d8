"""Domain model: actors of the metal-AM ecosystem and the concepts they are described with.

All models are pydantic v2, strict about unknown fields, and validated on construction and on
assignment. Error messages name the field; batch helpers add the row (see
:func:`matchmaker.importing.validate_rows`).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from matchmaker.nuts import country_of, nuts2_region

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,127}$"
CONCEPT_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=128)]
"""Stable slug of an actor, cluster or project: lower-case letters, digits, ``.``, ``_``, ``-``."""

ConceptId = Annotated[str, StringConstraints(pattern=CONCEPT_PATTERN, max_length=80)]
"""Taxonomy concept id such as ``proc.pbf.lb_m`` or ``mat.ti.ti64``."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class Strict(BaseModel):
    """Base for every domain model: unknown fields are errors, assignments are validated."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, str_strip_whitespace=True, frozen=False
    )


class ActorKind(StrEnum):
    """What an actor is. Values align with CORDIS activity types where one exists."""

    COMPANY = "company"  # CORDIS PRC
    RESEARCH = "research"  # research organisation, CORDIS REC
    UNIVERSITY = "university"  # CORDIS HES
    EXPERT = "expert"  # an individual person
    CLUSTER = "cluster"  # cluster organisation / network
    PUBLIC_BODY = "public_body"  # CORDIS PUB: agencies, regional councils


class Facet(StrEnum):
    """The taxonomy's facets (after the Vanguard Initiative's mapping axes plus process)."""

    PROCESS = "process"
    MATERIAL = "material"
    VALUE_CHAIN = "value_chain"
    SECTOR = "sector"
    SERVICE = "service"
    FEEDSTOCK = "feedstock"


class Concept(Strict):
    """A node of the metal-AM taxonomy.

    ``broader`` names the parent concepts (a DAG; the root has none). ``aliases`` maps an ISO 639-1
    language code (``"en"``, ``"de"`` ... or ``"xx"`` for language-neutral acronyms and trade names)
    to surface forms. ``ambiguous`` lists aliases that need context (e.g. ``"HIP"``).
    """

    id: ConceptId
    label: Name
    facet: Facet
    broader: list[ConceptId] = Field(default_factory=list)
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    ambiguous: list[str] = Field(default_factory=list)
    description: LongText = ""
    source: ShortText = ""

    @field_validator("broader")
    @classmethod
    def _no_self_parent(cls, value: list[str], info: Any) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("broader lists a concept twice")
        return value

    @model_validator(mode="after")
    def _not_own_parent(self) -> Self:
        if self.id in self.broader:
            raise ValueError(f"concept '{self.id}' cannot be its own broader concept")
        return self

    def all_aliases(self) -> list[str]:
        """Label plus every alias, in a stable order, without duplicates."""
        seen: dict[str, None] = {self.label: None}
        for lang in sorted(self.aliases):
            for alias in self.aliases[lang]:
                seen.setdefault(alias, None)
        return list(seen)


Level = Annotated[int, Field(ge=1, le=3)]
"""Competence level: 1 = basic / some experience, 2 = proficient, 3 = leading / expert."""


def _check_utc(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("must be timezone-aware (UTC)")
    if offset.total_seconds() != 0:
        raise ValueError("must be in UTC")
    return value


UtcDateTime = Annotated[datetime, AfterValidator(_check_utc)]


class Provenance(Strict):
    """Where a fact came from: a source (``"file:members-at.csv"``, ``"api:ops"``,
    ``"merge:other-id"``), the 1-based data row when there is one, and when it was recorded."""

    source: ShortText
    row: int | None = None
    at: UtcDateTime


class Competence(Strict):
    """What an actor can do, at what level, and the text that shows it."""

    concept: ConceptId
    level: Level = 2
    evidence: LongText = ""
    provenance: list[Provenance] = Field(default_factory=list, max_length=50)


class Statement(Strict):
    """An offer or a request: the concepts it is about plus the free text people wrote."""

    concepts: list[ConceptId] = Field(default_factory=list, max_length=50)
    text: LongText = ""
    provenance: list[Provenance] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.concepts and not self.text:
            raise ValueError("needs at least one concept or some text")
        return self


class Offer(Statement):
    """Something an actor offers (a service, equipment access, a material)."""


class Request(Statement):
    """Something an actor seeks."""


class Membership(Strict):
    """Membership of a cluster (an actor of kind ``cluster``)."""

    cluster: Identifier
    since: Annotated[int, Field(ge=1900, le=2100)] | None = None
    role: ShortText = ""
    provenance: list[Provenance] = Field(default_factory=list, max_length=50)


class Collaboration(Strict):
    """Participation in a project with other actors."""

    project: Identifier
    title: ShortText = ""
    year: Annotated[int, Field(ge=1950, le=2100)]
    role: ShortText = ""
    provenance: list[Provenance] = Field(default_factory=list, max_length=50)


class NameVariant(Strict):
    """A name under which a source knows the actor."""

    name: Name
    provenance: list[Provenance] = Field(default_factory=list, max_length=50)


class Repointed(Strict):
    """A reference of a third actor that a merge moved from the merged-away actor to the kept
    one: a membership (stored as it was, with its position in the list) or the affiliation.
    ``had_keep`` says the third actor was already a member of the kept actor, so the membership
    was folded into that one."""

    actor: Identifier
    membership: Membership | None = None
    position: Annotated[int, Field(ge=0)] = 0
    affiliation: bool = False
    had_keep: bool = False


class MergeRecord(Strict):
    """What :func:`matchmaker.merge.merge` needs to undo a merge: both actors as they were,
    the references it moved, the source and the time."""

    other_id: Identifier
    source: ShortText
    at: UtcDateTime
    keep_before: Actor
    other: Actor
    repointed: list[Repointed] = Field(default_factory=list)


def _check_country(value: str) -> str:
    value = value.strip().upper()
    if value == "UK":
        value = "GB"
    if value == "EL":
        value = "GR"
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("must be an ISO 3166-1 alpha-2 code such as 'AT'")
    return value


def _check_region(value: str) -> str:
    value = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2}", value):
        raise ValueError("must be a NUTS-2 code: two letters and two characters, e.g. 'AT12'")
    if nuts2_region(value) is None:
        raise ValueError(f"'{value}' is not a NUTS 2021 level-2 region")
    return value


def _check_website(value: str) -> str:
    value = value.strip()
    if not value:
        return value
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/\S*)?", value):
        raise ValueError("must be a web address such as 'https://example.org'")
    return value


CountryCode = Annotated[str, AfterValidator(_check_country)]
NutsCode = Annotated[str, AfterValidator(_check_region)]
Website = Annotated[str, StringConstraints(max_length=300), AfterValidator(_check_website)]


class Actor(Strict):
    """A company, research organisation, university, expert, cluster or public body."""

    id: Identifier
    name: Name
    kind: ActorKind
    region: NutsCode
    country: CountryCode
    city: ShortText = ""
    website: Website = ""
    description: LongText = ""
    competences: list[Competence] = Field(default_factory=list, max_length=200)
    offers: list[Offer] = Field(default_factory=list, max_length=100)
    requests: list[Request] = Field(default_factory=list, max_length=100)
    memberships: list[Membership] = Field(default_factory=list, max_length=100)
    collaborations: list[Collaboration] = Field(default_factory=list, max_length=500)
    affiliation: Identifier | None = None
    aliases: list[Name] = Field(default_factory=list, max_length=50)
    name_variants: list[NameVariant] = Field(default_factory=list, max_length=50)
    merged_from: list[MergeRecord] = Field(default_factory=list, max_length=50)

    # The field validators below repeat the cross-field checks of ``_consistent`` so that a
    # ValidationError on construction names the offending field; ``_consistent`` still covers
    # assignments.
    @field_validator("country")
    @classmethod
    def _country_matches_region(cls, value: str, info: ValidationInfo) -> str:
        region = info.data.get("region")
        if region is not None and country_of(region) != value:
            raise ValueError(f"region '{region}' lies in {country_of(region)}, not in {value}")
        return value

    @field_validator("affiliation")
    @classmethod
    def _affiliation_only_for_experts(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if value is not None and kind is not None and kind is not ActorKind.EXPERT:
            raise ValueError(f"only an expert (person) can have an affiliation, not a {kind}")
        if value is not None and value == info.data.get("id"):
            raise ValueError("an actor cannot be affiliated with itself")
        return value

    @field_validator("competences")
    @classmethod
    def _distinct_competences(cls, value: list[Competence]) -> list[Competence]:
        seen: set[str] = set()
        for item in value:
            if item.concept in seen:
                raise ValueError(f"competences list the concept '{item.concept}' twice")
            seen.add(item.concept)
        return value

    @field_validator("memberships")
    @classmethod
    def _distinct_memberships(
        cls, value: list[Membership], info: ValidationInfo
    ) -> list[Membership]:
        seen: set[str] = set()
        for item in value:
            if item.cluster == info.data.get("id"):
                raise ValueError("an actor cannot be a member of itself")
            if item.cluster in seen:
                raise ValueError(f"memberships list the cluster '{item.cluster}' twice")
            seen.add(item.cluster)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if country_of(self.region) != self.country:
            raise ValueError(
                f"region '{self.region}' lies in {country_of(self.region)}, not in {self.country}"
            )
        if self.affiliation is not None and self.kind is not ActorKind.EXPERT:
            raise ValueError("only an expert (person) can have an affiliation")
        if self.affiliation == self.id:
            raise ValueError("an actor cannot be affiliated with itself")
        if any(m.cluster == self.id for m in self.memberships):
            raise ValueError("an actor cannot be a member of itself")
        concepts = [c.concept for c in self.competences]
        if len(set(concepts)) != len(concepts):
            raise ValueError("competences list the same concept twice")
        clusters = [m.cluster for m in self.memberships]
        if len(set(clusters)) != len(clusters):
            raise ValueError("memberships list the same cluster twice")
        return self

    def concept_ids(self) -> set[str]:
        """Every concept the actor mentions in competences, offers and requests."""
        ids = {c.concept for c in self.competences}
        for statement in (*self.offers, *self.requests):
            ids.update(statement.concepts)
        return ids

    def referenced_actors(self) -> set[str]:
        """Ids of other actors this one points at (clusters and affiliation)."""
        refs = {m.cluster for m in self.memberships}
        if self.affiliation:
            refs.add(self.affiliation)
        return refs


MergeRecord.model_rebuild()


class Project(Strict):
    """A collaboration project, derived from the actors' collaborations."""

    id: Identifier
    title: ShortText = ""
    year: int
    participants: list[Identifier] = Field(default_factory=list)
