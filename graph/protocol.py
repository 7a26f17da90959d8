"""The storage contract every store implements: :class:`GraphStore`.

Two implementations pass the same contract suite (``tests/store/``):
:class:`graph.memory.MemoryStore` (networkx, embedded, the default and the oracle) and
:class:`graph.neo4j_store.Neo4jStore`.

Semantics shared by both stores
-------------------------------
* Actors reference concepts (competences, offers, requests), clusters (``memberships[].cluster``
  must be an actor of kind ``cluster``) and an organisation (``affiliation``, any non-expert actor).
  Every reference must resolve against the store plus the batch being written, otherwise the
  whole batch is rejected with :class:`~matchmaker.errors.BatchRejected` naming row and field.
* Writes are idempotent: writing an actor equal to the stored one reports it ``unchanged``.
* A batch is atomic: on any error nothing of it is stored and the store is as before.
* Deleting an actor that others reference (cluster with members, organisation with experts)
  raises :class:`~matchmaker.errors.Conflict` naming the referrers, unless ``cascade=True``, which
  removes those references from the referrers.
* Listing is ordered by actor id; pagination is keyset-based (``after`` = last id of the previous
  page), so pages are stable under concurrent inserts.
* Concept ``broader`` links must resolve and form no cycle.
* Projects are derived from the actors' ``collaborations``: a project exists while at least one
  actor names it; its title and year come from the participant with the smallest id.
* B2B events (:class:`~matchmaker.scheduling.model.Event`) are stored whole, one document per
  event. Saving checks that every participant's ``actor_id`` (when set) names a stored actor;
  otherwise :class:`~matchmaker.errors.ValidationFailed` names ``participants[i].actor_id`` and
  nothing is stored. Deleting an actor that an event references is NOT blocked and does not
  change the event: events are records of what happened. Events are not part of
  :meth:`GraphStore.snapshot`; :meth:`GraphStore.clear` removes them too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from graph.search_types import CandidateQuery, CandidateResult
from matchmaker.errors import RowProblem, ValidationFailed
from matchmaker.models import Actor, ActorKind, Concept, ConceptId, Facet, Identifier, Project
from matchmaker.scheduling.model import Event


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class WriteReport(BaseModel):
    """What a write did, id by id (each list sorted)."""

    model_config = ConfigDict(extra="forbid")

    created: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


class ActorQuery(BaseModel):
    """Filters for :meth:`GraphStore.list_actors`; all given filters must hold (AND), values
    within one filter are alternatives (OR)."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[ActorKind] = Field(default_factory=list)
    regions: list[str] = Field(
        default_factory=list, description="NUTS code prefixes: 'AT12', 'AT1' or a country 'AT'"
    )
    countries: list[str] = Field(default_factory=list, description="ISO alpha-2 codes")
    concepts: list[ConceptId] = Field(
        default_factory=list,
        description="actors whose competences, offers or requests name one of these exactly",
    )
    cluster: Identifier | None = Field(default=None, description="members of this cluster")
    name_contains: str | None = Field(default=None, description="case-insensitive substring")


class Page(BaseModel):
    """One page of actors; ``next_after`` is the cursor for the next page (``None`` at the end)."""

    items: list[Actor]
    total: int
    next_after: str | None = None


class Counts(BaseModel):
    """Sizes of what is stored."""

    actors: int
    by_kind: dict[str, int]
    concepts: int
    projects: int
    memberships: int
    collaborations: int
    affiliations: int
    events: int = 0


class EventSummary(BaseModel):
    """One line of :meth:`GraphStore.list_events`."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    participants: int
    meetings: int = Field(description="accepted meetings (explicit and from accepted requests)")
    scheduled: int = Field(description="accepted meetings placed in the current schedule")

    @classmethod
    def of(cls, event: Event) -> EventSummary:
        """The summary of one event."""
        meetings = {m.id for m in event.accepted_meetings()}
        placed = {p.meeting for p in event.schedule} & meetings
        return cls(
            id=event.id,
            name=event.name,
            participants=len(event.participants),
            meetings=len(meetings),
            scheduled=len(placed),
        )


def event_actor_ids(event: Event) -> list[str]:
    """The distinct actor ids the event's participants name, sorted."""
    return sorted({p.actor_id for p in event.participants if p.actor_id is not None})


def check_event_actors(event: Event, stored: Collection[str]) -> None:
    """Raise if a participant names an actor outside ``stored``.

    Parameters
    ----------
    event
        The event about to be saved.
    stored
        The ids among :func:`event_actor_ids` that name stored actors.

    Raises
    ------
    ValidationFailed
        With one ``RowProblem(None, "participants[i].actor_id", ...)`` per dangling reference.
    """
    problems = [
        RowProblem(
            None,
            f"participants[{i}].actor_id",
            f"unknown actor '{p.actor_id}' (participant '{p.id}')",
        )
        for i, p in enumerate(event.participants)
        if p.actor_id is not None and p.actor_id not in stored
    ]
    if problems:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise ValidationFailed(f"event '{event.id}' not stored: {detail}", problems)


class Snapshot(BaseModel):
    """Everything stored, in canonical order: what the engine indexes and what tests compare."""

    actors: list[Actor]
    concepts: list[Concept]
    projects: list[Project]


@runtime_checkable
class GraphStore(Protocol):
    """Storage for actors, the taxonomy, their relations and B2B events."""

    @property
    def name(self) -> str:
        """``"memory"`` or ``"neo4j"``: shown by ``/health``."""
        ...

    def ping(self) -> None:
        """Return if the store is reachable; raise ``StoreUnavailable`` otherwise."""
        ...

    def close(self) -> None:
        """Release connections and files. Idempotent."""
        ...

    # actors
    def upsert_actor(self, actor: Actor) -> Outcome:
        """Create or replace one actor (a batch of one)."""
        ...

    def upsert_actors(self, actors: Sequence[Actor]) -> WriteReport:
        """Create or replace actors atomically; raise ``BatchRejected`` (rows 1-based) on
        duplicate ids in the batch or dangling references; nothing is written then."""
        ...

    def get_actor(self, actor_id: str) -> Actor:
        """The stored actor; raise ``NotFound``."""
        ...

    def get_actors(self, actor_ids: Iterable[str]) -> list[Actor]:
        """The stored actors among these ids, in id order (missing ids are skipped)."""
        ...

    def delete_actor(self, actor_id: str, *, cascade: bool = False) -> None:
        """Delete one actor; ``NotFound`` if absent; ``Conflict`` if referenced and not cascade."""
        ...

    def delete_actors(self, actor_ids: Sequence[str], *, cascade: bool = False) -> int:
        """Delete several actors atomically (all or none); return how many were deleted."""
        ...

    def replace_actors(self, actors: Sequence[Actor], delete: Sequence[str]) -> WriteReport:
        """Upsert ``actors`` and delete the actors ``delete`` in one atomic write (a merge).

        ``NotFound`` if an actor to delete is absent; ``Conflict`` if an id is both written and
        deleted, or if any actor would still reference a deleted one; ``BatchRejected`` as
        :meth:`upsert_actors`. Nothing is written when it raises."""
        ...

    def list_actors(
        self, query: ActorQuery | None = None, *, limit: int = 50, after: str | None = None
    ) -> Page:
        """Actors matching ``query``, ordered by id, at most ``limit`` (1..1000) after ``after``."""
        ...

    # taxonomy
    def upsert_concepts(self, concepts: Sequence[Concept]) -> WriteReport:
        """Create or replace concepts atomically; ``BatchRejected`` on dangling broader or cycle."""
        ...

    def get_concept(self, concept_id: str) -> Concept:
        """The stored concept; raise ``UnknownConcept``."""
        ...

    def list_concepts(self, facet: Facet | None = None) -> list[Concept]:
        """Concepts (of one facet), ordered by id."""
        ...

    def narrower(self, concept_id: str, *, transitive: bool = True) -> list[str]:
        """Ids below a concept (children, or all descendants), sorted; ``UnknownConcept``."""
        ...

    def broader(self, concept_id: str, *, transitive: bool = True) -> list[str]:
        """Ids above a concept (parents, or all ancestors), sorted; ``UnknownConcept``."""
        ...

    # relations
    def members(self, cluster_id: str) -> list[str]:
        """Ids of the cluster's members, sorted; ``NotFound`` for an unknown cluster."""
        ...

    def affiliates(self, organisation_id: str) -> list[str]:
        """Ids of the experts affiliated with an organisation, sorted; ``NotFound``."""
        ...

    def collaborators(self, actor_id: str) -> list[tuple[str, str]]:
        """``(other actor id, project id)`` for every shared project, sorted; ``NotFound``."""
        ...

    def get_project(self, project_id: str) -> Project:
        """A project with its participants (sorted); ``NotFound``."""
        ...

    # whole store
    def snapshot(self) -> Snapshot:
        """All actors, concepts and projects, ordered by id."""
        ...

    def counts(self) -> Counts:
        """How much is stored."""
        ...

    def clear(self) -> None:
        """Remove everything (actors, concepts, projects, events)."""
        ...

    # events
    def save_event(self, event: Event) -> Outcome:
        """Create or replace one event (an equal stored event reports ``unchanged``); raise
        ``ValidationFailed`` naming ``participants[i].actor_id`` when a participant's actor is
        not stored (nothing is stored then)."""
        ...

    def get_event(self, event_id: str) -> Event:
        """The stored event; raise ``NotFound``."""
        ...

    def list_events(self) -> list[EventSummary]:
        """A summary of every stored event, ordered by id."""
        ...

    def delete_event(self, event_id: str) -> None:
        """Delete one event; raise ``NotFound``."""
        ...

    # search
    def search_candidates(self, query: CandidateQuery) -> CandidateResult:
        """Actors matching the query's concepts (expanded down the hierarchy, and up
        ``broader_hops`` levels) or text terms, filtered, scored with
        :mod:`matchmaker.search.ranking`; the best ``offset + limit`` with their evidence,
        the total and facet counts over all hits."""
        ...
