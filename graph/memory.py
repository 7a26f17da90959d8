"""The embedded store: a networkx graph in memory, optionally persisted to one JSON file.

:class:`MemoryStore` is the default store and the oracle of the contract suite
(``tests/store/``): the Neo4j store must behave exactly like it.

The graph is a :class:`networkx.MultiDiGraph` whose nodes are ``("actor", id)``,
``("concept", id)`` and ``("project", id)`` and whose edge keys are the relation types
``HAS_COMPETENCE``, ``OFFERS``, ``REQUESTS`` (actor -> concept), ``MEMBER_OF`` (actor -> cluster),
``AFFILIATED_WITH`` (expert -> organisation), ``PARTICIPATED_IN`` (actor -> project) and
``BROADER`` (concept -> parent concept). The canonical actor and concept models are kept beside
the graph, with indexes (sorted ids, kind, region, country) so that listing and filtering stay
fast for 100,000+ actors. B2B events are kept apart, as canonical copies in a dict by id.

Persistence: with a ``path``, the file is loaded on opening and rewritten after every successful
write call (one save per call, however many actors it carries; :meth:`MemoryStore.deferred_save`
groups several calls into one save). Saving is atomic: the JSON goes to a temporary file in the
same directory, is flushed and fsynced, and replaces the old file with :func:`os.replace`, so a
crash mid-save leaves the previous file intact. File format version 2 adds the ``"events"``
list; version-1 files (without events) are still read.
"""

from __future__ import annotations

import bisect
import gc
import json
import os
import tempfile
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import ValidationError

from graph.batches import check_replacement, classify, index_batch
from graph.protocol import (
    ActorQuery,
    Counts,
    EventSummary,
    Outcome,
    Page,
    Snapshot,
    WriteReport,
    check_event_actors,
    event_actor_ids,
)
from graph.search_types import CandidateQuery, CandidateResult, SearchChanges
from matchmaker.errors import (
    BatchRejected,
    Conflict,
    NotFound,
    RowProblem,
    StoreError,
    UnknownConcept,
    ValidationFailed,
)
from matchmaker.models import Actor, ActorKind, Concept, Facet, Project
from matchmaker.nuts import ISO_TO_NUTS, NUTS_TO_ISO
from matchmaker.scheduling.model import Event

FILE_FORMAT = "matchmaker.memory-store"
FILE_VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_LIMIT = 1000
SEARCH_LOG = 256

HAS_COMPETENCE = "HAS_COMPETENCE"
OFFERS = "OFFERS"
REQUESTS = "REQUESTS"
MEMBER_OF = "MEMBER_OF"
AFFILIATED_WITH = "AFFILIATED_WITH"
PARTICIPATED_IN = "PARTICIPATED_IN"
BROADER = "BROADER"

Node = tuple[str, str]


def _actor_node(actor_id: str) -> Node:
    return ("actor", actor_id)


def _concept_node(concept_id: str) -> Node:
    return ("concept", concept_id)


def _project_node(project_id: str) -> Node:
    return ("project", project_id)


BULK = 1000
_gc_guard = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused(size: int) -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk operation (``size`` >= ``BULK``) creates
    many long-lived objects; its repeated scans would otherwise dominate the run time. Nested
    and concurrent pauses restore the collector's previous state once the last one ends."""
    global _gc_pauses, _gc_was_enabled
    if size < BULK:
        yield
        return
    with _gc_guard:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_guard:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


_new = object.__new__
_set = object.__setattr__


def _clone(model: Any) -> Any:
    """A shallow copy of a pydantic model without re-validation (faster than ``model_copy``)."""
    new = _new(model.__class__)
    _set(new, "__dict__", model.__dict__.copy())
    _set(new, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    _set(new, "__pydantic_extra__", None)
    _set(new, "__pydantic_private__", None)
    return new


def _clone_statement(statement: Any) -> Any:
    new = _clone(statement)
    new.__dict__["concepts"] = list(statement.concepts)
    return new


def _copy_actor(actor: Actor) -> Actor:
    """A deep copy of an actor, several times faster than ``copy.deepcopy``."""
    new: Actor = _clone(actor)
    fields = new.__dict__
    fields["competences"] = [_clone(c) for c in actor.competences]
    fields["offers"] = [_clone_statement(o) for o in actor.offers]
    fields["requests"] = [_clone_statement(r) for r in actor.requests]
    fields["memberships"] = [_clone(m) for m in actor.memberships]
    fields["collaborations"] = [_clone(c) for c in actor.collaborations]
    fields["aliases"] = list(actor.aliases)
    return new


def _copy_concept(concept: Concept) -> Concept:
    return concept.model_copy(deep=True)


class _SortedIds:
    """A sorted list of ids with cheap single inserts and cheap bulk rebuilds."""

    _BULK = 64

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, ids: Sequence[str]) -> None:
        if len(ids) <= self._BULK:
            for ident in ids:
                bisect.insort(self.items, ident)
        else:
            self.items.extend(ids)
            self.items.sort()

    def remove(self, ids: Sequence[str]) -> None:
        if len(ids) <= self._BULK:
            for ident in ids:
                i = bisect.bisect_left(self.items, ident)
                if i < len(self.items) and self.items[i] == ident:
                    del self.items[i]
        else:
            gone = set(ids)
            self.items = [i for i in self.items if i not in gone]

    def clear(self) -> None:
        self.items = []


def _page(ordered: list[str], limit: int, after: str | None) -> tuple[list[str], str | None]:
    """The ids after ``after`` (keyset) and the cursor of the next page."""
    start = bisect.bisect_right(ordered, after) if after is not None else 0
    chunk = ordered[start : start + limit]
    more = start + limit < len(ordered)
    return chunk, (chunk[-1] if chunk and more else None)


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_LIMIT}, got {limit}",
            [RowProblem(None, "limit", f"must be between 1 and {MAX_LIMIT}, got {limit}")],
        )


class MemoryStore:
    """The networkx-backed :class:`~graph.protocol.GraphStore`.

    Parameters
    ----------
    path
        JSON file to load (if it exists) and to save after every successful write; ``None``
        keeps everything in memory only.
    autosave
        Save after each write call (default). With ``False`` call :meth:`save` yourself;
        :meth:`close` saves pending changes.

    Raises
    ------
    StoreError
        If ``path`` exists but is not a readable store file of a known format version.

    Examples
    --------
    >>> from matchmaker.models import Actor
    >>> store = MemoryStore()
    >>> store.upsert_actor(Actor(id="acme", name="Acme", kind="company", region="AT12",
    ...                          country="AT")).value
    'created'
    >>> store.get_actor("acme").name
    'Acme'
    """

    def __init__(self, path: Path | None = None, *, autosave: bool = True) -> None:
        self._path = Path(path) if path is not None else None
        self._autosave = autosave
        self._lock = threading.RLock()
        self._deferred = 0
        self._dirty = False
        self._reset()
        if self._path is not None and self._path.exists():
            with _gc_paused(BULK):
                self._load(self._path)

    def _reset(self) -> None:
        self._search_version = getattr(self, "_search_version", 0) + 1
        self._search_log: deque[tuple[int, frozenset[str], bool]] = deque(maxlen=SEARCH_LOG)
        self._graph: Any = nx.MultiDiGraph()
        self._actors: dict[str, Actor] = {}
        self._concepts: dict[str, Concept] = {}
        self._events: dict[str, Event] = {}
        self._ids = _SortedIds()
        self._by_kind: dict[ActorKind, set[str]] = defaultdict(set)
        self._by_region: dict[str, set[str]] = defaultdict(set)
        self._by_country: dict[str, set[str]] = defaultdict(set)
        self._lower_names: dict[str, str] = {}
        self._json: dict[str, str] = {}
        self._n_memberships = 0
        self._n_affiliations = 0
        self._n_collaborations = 0
        self._n_projects = 0

    # ------------------------------------------------------------------ basics

    @property
    def name(self) -> str:
        """Always ``"memory"``."""
        return "memory"

    @property
    def path(self) -> Path | None:
        """The backing file, or ``None``."""
        return self._path

    def ping(self) -> None:
        """The embedded store is always reachable."""

    def close(self) -> None:
        """Save pending changes (if persisted and not yet saved). Idempotent."""
        with self._lock:
            if self._dirty and self._path is not None:
                self.save()

    # ------------------------------------------------------------------ actors: writes

    def upsert_actor(self, actor: Actor) -> Outcome:
        """Create or replace one actor (a batch of one); see :meth:`upsert_actors`."""
        report = self.upsert_actors([actor])
        if report.created:
            return Outcome.CREATED
        if report.updated:
            return Outcome.UPDATED
        return Outcome.UNCHANGED

    def upsert_actors(self, actors: Sequence[Actor]) -> WriteReport:
        """Create or replace actors atomically.

        Parameters
        ----------
        actors
            The actors; each must reference only known concepts, clusters (actors of kind
            ``cluster``) and organisations (non-expert actors) in the store or in the batch.

        Returns
        -------
        WriteReport
            The ids created, updated and unchanged.

        Raises
        ------
        BatchRejected
            Naming each bad row (1-based) and field; nothing is written then.
        StoreError
            If the file cannot be saved (the write is undone).
        """
        with self._lock, _gc_paused(len(actors)):
            changes, report = self._plan_actors(actors)
            self._commit(changes, {})
            return report

    def delete_actor(self, actor_id: str, *, cascade: bool = False) -> None:
        """Delete one actor.

        Raises
        ------
        NotFound
            If no actor has this id.
        Conflict
            If other actors reference it (members of a cluster, experts of an organisation)
            and ``cascade`` is false; with ``cascade`` those references are removed.
        """
        with self._lock:
            if actor_id not in self._actors:
                raise NotFound("actor", actor_id)
            self._delete([actor_id], cascade=cascade)

    def delete_actors(self, actor_ids: Sequence[str], *, cascade: bool = False) -> int:
        """Delete several actors atomically; ids not in the store are skipped.

        Returns
        -------
        int
            How many actors were deleted.

        Raises
        ------
        Conflict
            If an actor outside ``actor_ids`` references one of them and ``cascade`` is false;
            nothing is deleted then.
        """
        with self._lock:
            present = sorted({i for i in actor_ids if i in self._actors})
            if present:
                self._delete(present, cascade=cascade)
            return len(present)

    def replace_actors(self, actors: Sequence[Actor], delete: Sequence[str]) -> WriteReport:
        """Upsert ``actors`` and delete the actors ``delete`` in one atomic write (a merge).

        Returns
        -------
        WriteReport
            The ids created, updated and unchanged among ``actors``.

        Raises
        ------
        NotFound
            If an actor to delete is not stored.
        Conflict
            If an id is both written and deleted, or an actor (in the batch or stored) would
            still reference a deleted one.
        BatchRejected
            As :meth:`upsert_actors`.
        StoreError
            If the file cannot be saved (the write is undone).

        Nothing is written when it raises.
        """
        doomed = sorted(set(delete))
        with self._lock, _gc_paused(len(actors)):
            for ident in doomed:
                if ident not in self._actors:
                    raise NotFound("actor", ident)
            changes, report = self._plan_actors(actors)
            batch = {a.id: a for a in actors}
            check_replacement(
                batch,
                doomed,
                {
                    ident: [
                        u[1]
                        for u, _, key in self._graph.in_edges(_actor_node(ident), keys=True)
                        if key in (MEMBER_OF, AFFILIATED_WITH)
                    ]
                    for ident in doomed
                },
            )
            self._commit({**changes, **dict.fromkeys(doomed)}, {})
            return report

    def _delete(self, ids: list[str], *, cascade: bool) -> None:
        doomed = set(ids)
        referrers: dict[str, list[str]] = {}
        for ident in ids:
            refs = sorted(
                u
                for u, _, key in self._graph.in_edges(_actor_node(ident), keys=True)
                if key in (MEMBER_OF, AFFILIATED_WITH) and u[1] not in doomed
            )
            if refs:
                referrers[ident] = [r[1] for r in refs]
        changes: dict[str, Actor | None] = dict.fromkeys(ids)
        if referrers and not cascade:
            detail = "; ".join(
                f"'{target}' is referenced by {', '.join(refs)}"
                for target, refs in sorted(referrers.items())
            )
            raise Conflict(f"cannot delete: {detail} (use cascade to remove the references)")
        for referrer in sorted({r for refs in referrers.values() for r in refs}):
            old = self._actors[referrer]
            affiliation = None if old.affiliation in doomed else old.affiliation
            memberships = [m for m in old.memberships if m.cluster not in doomed]
            changes[referrer] = _copy_actor(old).model_copy(
                update={"affiliation": affiliation, "memberships": memberships}
            )
        self._commit(changes, {})

    def _plan_actors(
        self, actors: Sequence[Actor], *, copy: bool = True
    ) -> tuple[dict[str, Actor | None], WriteReport]:
        batch, _rows, problems = index_batch(actors)

        def kind_of(ident: str) -> ActorKind | None:
            found = batch.get(ident) or self._actors.get(ident)
            return found.kind if found is not None else None

        for row, actor in enumerate(actors, start=1):
            if batch.get(actor.id) is not actor:
                continue
            problems.extend(self._reference_problems(row, actor, kind_of))
            problems.extend(self._kind_change_problems(row, actor, batch))
        if problems:
            raise BatchRejected(sorted(problems, key=lambda p: (p.row or 0, p.field)))

        def compare(ident: str, actor: Actor) -> bool | None:
            old = self._actors.get(ident)
            return None if old is None else old == actor

        report, to_write = classify(batch, compare)
        changes: dict[str, Actor | None] = {
            ident: _copy_actor(batch[ident]) if copy else batch[ident] for ident in to_write
        }
        return changes, report

    def _reference_problems(
        self, row: int, actor: Actor, kind_of: Callable[[str], ActorKind | None]
    ) -> Iterator[RowProblem]:
        for i, competence in enumerate(actor.competences):
            if competence.concept not in self._concepts:
                yield RowProblem(
                    row,
                    f"competences[{i}].concept",
                    f"unknown concept '{competence.concept}'",
                    actor.id,
                )
        for name, statements in (("offers", actor.offers), ("requests", actor.requests)):
            for i, statement in enumerate(statements):
                for j, concept in enumerate(statement.concepts):
                    if concept not in self._concepts:
                        yield RowProblem(
                            row,
                            f"{name}[{i}].concepts[{j}]",
                            f"unknown concept '{concept}'",
                            actor.id,
                        )
        for i, membership in enumerate(actor.memberships):
            kind = kind_of(membership.cluster)
            if kind is None:
                yield RowProblem(
                    row,
                    f"memberships[{i}].cluster",
                    f"unknown cluster '{membership.cluster}'",
                    actor.id,
                )
            elif kind != ActorKind.CLUSTER:
                yield RowProblem(
                    row,
                    f"memberships[{i}].cluster",
                    f"'{membership.cluster}' is a {kind}, not a cluster",
                    actor.id,
                )
        if actor.affiliation is not None:
            kind = kind_of(actor.affiliation)
            if kind is None:
                yield RowProblem(
                    row,
                    "affiliation",
                    f"unknown organisation '{actor.affiliation}'",
                    actor.id,
                )
            elif kind == ActorKind.EXPERT:
                yield RowProblem(
                    row,
                    "affiliation",
                    f"'{actor.affiliation}' is an expert, not an organisation",
                    actor.id,
                )

    def _kind_change_problems(
        self, row: int, actor: Actor, batch: dict[str, Actor]
    ) -> Iterator[RowProblem]:
        """Stored actors outside the batch that would point at an actor of the wrong kind."""
        old = self._actors.get(actor.id)
        if old is None or old.kind == actor.kind:
            return
        node = _actor_node(actor.id)
        if actor.kind != ActorKind.CLUSTER:
            members = sorted(
                u[1]
                for u, _, key in self._graph.in_edges(node, keys=True)
                if key == MEMBER_OF and u[1] not in batch
            )
            if members:
                yield RowProblem(
                    row,
                    "kind",
                    f"'{actor.id}' has members ({', '.join(members)}) and must stay a cluster",
                    actor.id,
                )
        if actor.kind == ActorKind.EXPERT:
            experts = sorted(
                u[1]
                for u, _, key in self._graph.in_edges(node, keys=True)
                if key == AFFILIATED_WITH and u[1] not in batch
            )
            if experts:
                yield RowProblem(
                    row,
                    "kind",
                    f"'{actor.id}' has affiliated experts ({', '.join(experts)}) and cannot "
                    "become an expert",
                    actor.id,
                )

    # ------------------------------------------------------------------ actors: reads

    def get_actor(self, actor_id: str) -> Actor:
        """The stored actor (a copy).

        Raises
        ------
        NotFound
            If no actor has this id.
        """
        with self._lock:
            actor = self._actors.get(actor_id)
            if actor is None:
                raise NotFound("actor", actor_id)
            return _copy_actor(actor)

    def get_actors(self, actor_ids: Iterable[str]) -> list[Actor]:
        """The stored actors among these ids, in id order; missing ids are skipped."""
        with self._lock:
            found = sorted({i for i in actor_ids if i in self._actors})
            with _gc_paused(len(found)):
                return [_copy_actor(self._actors[i]) for i in found]

    def list_actors(
        self, query: ActorQuery | None = None, *, limit: int = 50, after: str | None = None
    ) -> Page:
        """Actors matching ``query``, ordered by id.

        Parameters
        ----------
        query
            Filters (AND across filters, OR within one); ``None`` lists everything.
        limit
            Page size, 1..1000.
        after
            The previous page's ``next_after`` (keyset cursor; any id works).

        Returns
        -------
        Page
            The page, the total number of matches, and the next cursor (``None`` at the end).

        Raises
        ------
        ValidationFailed
            If ``limit`` is out of range.
        """
        _check_limit(limit)
        with self._lock:
            matches = self._matching_ids(query or ActorQuery())
            ids, next_after = _page(matches, limit, after)
            return Page(
                items=[_copy_actor(self._actors[i]) for i in ids],
                total=len(matches),
                next_after=next_after,
            )

    def _matching_ids(self, query: ActorQuery) -> list[str]:
        candidate_sets: list[set[str]] = []
        if query.kinds:
            candidate_sets.append(set().union(*(self._by_kind.get(k, set()) for k in query.kinds)))
        if query.regions:
            candidate_sets.append(self._region_ids(query.regions))
        if query.countries:
            codes = {NUTS_TO_ISO.get(c.upper(), c.upper()) for c in query.countries}
            candidate_sets.append(set().union(*(self._by_country.get(c, set()) for c in codes)))
        if query.concepts:
            candidate_sets.append(self._concept_users(query.concepts))
        if query.cluster is not None:
            candidate_sets.append(set(self._member_ids(query.cluster)))
        needle = query.name_contains.lower() if query.name_contains else None
        if not candidate_sets:
            if needle is None:
                return self._ids.items
            return [i for i in self._ids.items if needle in self._lower_names[i]]
        candidate_sets.sort(key=len)
        result = set(candidate_sets[0])
        for other in candidate_sets[1:]:
            result &= other
        if needle is not None:
            result = {i for i in result if needle in self._lower_names[i]}
        return sorted(result)

    def _region_ids(self, prefixes: list[str]) -> set[str]:
        wanted: set[str] = set()
        for prefix in prefixes:
            p = prefix.strip().upper()
            p = ISO_TO_NUTS.get(p, p) if len(p) == 2 else p
            wanted.update(code for code in self._by_region if code.startswith(p))
        return set().union(*(self._by_region[c] for c in wanted))

    def _concept_users(self, concepts: Iterable[str]) -> set[str]:
        users: set[str] = set()
        for concept in concepts:
            node = _concept_node(concept)
            if node in self._graph:
                users.update(
                    u[1]
                    for u, _, key in self._graph.in_edges(node, keys=True)
                    if key in (HAS_COMPETENCE, OFFERS, REQUESTS)
                )
        return users

    def _member_ids(self, cluster_id: str) -> list[str]:
        node = _actor_node(cluster_id)
        if node not in self._graph:
            return []
        return sorted(
            u[1] for u, _, key in self._graph.in_edges(node, keys=True) if key == MEMBER_OF
        )

    # ------------------------------------------------------------------ taxonomy

    def upsert_concepts(self, concepts: Sequence[Concept]) -> WriteReport:
        """Create or replace concepts atomically.

        Returns
        -------
        WriteReport
            The ids created, updated and unchanged.

        Raises
        ------
        BatchRejected
            On a duplicate id in the batch, a ``broader`` concept that is neither stored nor in
            the batch, or a cycle of ``broader`` links; nothing is written then.
        """
        with self._lock:
            changes, report = self._plan_concepts(concepts)
            self._commit({}, changes)
            return report

    def _plan_concepts(
        self, concepts: Sequence[Concept]
    ) -> tuple[dict[str, Concept | None], WriteReport]:
        batch, first_row, problems = index_batch(concepts)
        for ident, concept in batch.items():
            for j, parent in enumerate(concept.broader):
                if parent not in batch and parent not in self._concepts:
                    problems.append(
                        RowProblem(
                            first_row[ident],
                            f"broader[{j}]",
                            f"unknown broader concept '{parent}'",
                            ident,
                        )
                    )
        if not problems:
            problems.extend(self._cycle_problems(batch, first_row))
        if problems:
            raise BatchRejected(sorted(problems, key=lambda p: (p.row or 0, p.field)))

        def compare(ident: str, concept: Concept) -> bool | None:
            old = self._concepts.get(ident)
            return None if old is None else old == concept

        report, to_write = classify(batch, compare)
        changes: dict[str, Concept | None] = {
            ident: _copy_concept(batch[ident]) for ident in to_write
        }
        return changes, report

    def _cycle_problems(
        self, batch: dict[str, Concept], first_row: dict[str, int]
    ) -> list[RowProblem]:
        hierarchy: Any = nx.DiGraph()
        for ident, concept in self._concepts.items():
            if ident not in batch:
                hierarchy.add_edges_from((ident, p) for p in concept.broader)
        for ident, concept in batch.items():
            hierarchy.add_edges_from((ident, p) for p in concept.broader)
        problems = []
        for component in nx.strongly_connected_components(hierarchy):
            if len(component) < 2:
                continue
            cycle = nx.find_cycle(hierarchy.subgraph(component))
            path = " -> ".join([*(edge[0] for edge in cycle), cycle[0][0]])
            for ident in sorted(component & batch.keys()):
                problems.append(
                    RowProblem(
                        first_row[ident], "broader", f"cycle of broader links: {path}", ident
                    )
                )
        return problems

    def get_concept(self, concept_id: str) -> Concept:
        """The stored concept (a copy).

        Raises
        ------
        UnknownConcept
            If no concept has this id.
        """
        with self._lock:
            concept = self._concepts.get(concept_id)
            if concept is None:
                raise UnknownConcept(concept_id)
            return _copy_concept(concept)

    def list_concepts(self, facet: Facet | None = None) -> list[Concept]:
        """Concepts (of one facet, if given), ordered by id."""
        with self._lock:
            return [
                _copy_concept(self._concepts[i])
                for i in sorted(self._concepts)
                if facet is None or self._concepts[i].facet == facet
            ]

    def narrower(self, concept_id: str, *, transitive: bool = True) -> list[str]:
        """Ids below a concept: children, or all descendants when ``transitive``; sorted.

        Raises
        ------
        UnknownConcept
            If no concept has this id.
        """
        return self._walk(concept_id, down=True, transitive=transitive)

    def broader(self, concept_id: str, *, transitive: bool = True) -> list[str]:
        """Ids above a concept: parents, or all ancestors when ``transitive``; sorted.

        Raises
        ------
        UnknownConcept
            If no concept has this id.
        """
        return self._walk(concept_id, down=False, transitive=transitive)

    def _walk(self, concept_id: str, *, down: bool, transitive: bool) -> list[str]:
        with self._lock:
            if concept_id not in self._concepts:
                raise UnknownConcept(concept_id)
            seen: set[str] = set()
            frontier = [concept_id]
            while frontier:
                current = _concept_node(frontier.pop())
                if down:
                    nexts = [
                        u[1]
                        for u, _, key in self._graph.in_edges(current, keys=True)
                        if key == BROADER
                    ]
                else:
                    nexts = [
                        v[1]
                        for _, v, key in self._graph.out_edges(current, keys=True)
                        if key == BROADER
                    ]
                for ident in nexts:
                    if ident not in seen:
                        seen.add(ident)
                        if transitive:
                            frontier.append(ident)
            return sorted(seen)

    # ------------------------------------------------------------------ relations

    def members(self, cluster_id: str) -> list[str]:
        """Ids of the cluster's members, sorted.

        Raises
        ------
        NotFound
            If no actor of kind ``cluster`` has this id.
        """
        with self._lock:
            cluster = self._actors.get(cluster_id)
            if cluster is None or cluster.kind != ActorKind.CLUSTER:
                raise NotFound("cluster", cluster_id)
            return self._member_ids(cluster_id)

    def affiliates(self, organisation_id: str) -> list[str]:
        """Ids of the experts affiliated with an organisation, sorted.

        Raises
        ------
        NotFound
            If no non-expert actor has this id.
        """
        with self._lock:
            org = self._actors.get(organisation_id)
            if org is None or org.kind == ActorKind.EXPERT:
                raise NotFound("organisation", organisation_id)
            return sorted(
                u[1]
                for u, _, key in self._graph.in_edges(_actor_node(organisation_id), keys=True)
                if key == AFFILIATED_WITH
            )

    def collaborators(self, actor_id: str) -> list[tuple[str, str]]:
        """``(other actor id, project id)`` for every project shared with another actor, sorted.

        Raises
        ------
        NotFound
            If no actor has this id.
        """
        with self._lock:
            if actor_id not in self._actors:
                raise NotFound("actor", actor_id)
            pairs: set[tuple[str, str]] = set()
            for _, project, key in self._graph.out_edges(_actor_node(actor_id), keys=True):
                if key != PARTICIPATED_IN:
                    continue
                for other, _, k in self._graph.in_edges(project, keys=True):
                    if k == PARTICIPATED_IN and other[1] != actor_id:
                        pairs.add((other[1], project[1]))
            return sorted(pairs)

    def get_project(self, project_id: str) -> Project:
        """A project with its participants (sorted); title and year come from the participant
        with the smallest id.

        Raises
        ------
        NotFound
            If no actor names this project.
        """
        with self._lock:
            node = _project_node(project_id)
            if node not in self._graph:
                raise NotFound("project", project_id)
            return self._project(node)

    def _project(self, node: Node) -> Project:
        edges = sorted(
            (
                (u[1], data)
                for u, _, key, data in self._graph.in_edges(node, keys=True, data=True)
                if key == PARTICIPATED_IN
            ),
            key=lambda edge: edge[0],
        )
        first = edges[0][1]
        return Project(
            id=node[1],
            title=first["title"],
            year=first["year"],
            participants=[ident for ident, _ in edges],
        )

    # ------------------------------------------------------------------ search

    @property
    def search_version(self) -> int:
        """Changes on every write; the search index is rebuilt when it does."""
        return self._search_version

    def search_changes(self, since: int | None) -> SearchChanges:
        """The actors written since search version ``since`` (all of them when the log of recent
        writes does not reach back that far, or ``since`` is ``None``), as references."""
        with self._lock:
            version = self._search_version
            if since == version:
                return SearchChanges(version, False, [], [], None)
            entries = [e for e in self._search_log if since is not None and e[0] > since]
            if since is None or len(entries) != version - since:
                concepts = list(self._concepts.values())
                return SearchChanges(version, True, list(self._actors.values()), [], concepts)
            ids = sorted(set().union(*(e[1] for e in entries)))
            return SearchChanges(
                version,
                False,
                [self._actors[i] for i in ids if i in self._actors],
                [i for i in ids if i not in self._actors],
                list(self._concepts.values()) if any(e[2] for e in entries) else None,
            )

    def search_lock(self) -> AbstractContextManager[Any]:
        """The store's lock: held while a search reads the index and the page's actors."""
        return self._lock

    def search_candidates(self, query: CandidateQuery) -> CandidateResult:
        """See :func:`graph.memory_search.search_candidates`."""
        from graph.memory_search import search_candidates

        return search_candidates(self, query)

    # ------------------------------------------------------------------ whole store

    def snapshot(self) -> Snapshot:
        """All actors, concepts and projects, ordered by id (copies)."""
        with self._lock, _gc_paused(len(self._actors)):
            projects = sorted(n for n in self._graph.nodes if n[0] == "project")
            return Snapshot(
                actors=[_copy_actor(self._actors[i]) for i in self._ids.items],
                concepts=[_copy_concept(self._concepts[i]) for i in sorted(self._concepts)],
                projects=[self._project(n) for n in projects],
            )

    def counts(self) -> Counts:
        """How much is stored; ``by_kind`` lists every kind, zero included."""
        with self._lock:
            return Counts(
                actors=len(self._actors),
                by_kind={k.value: len(self._by_kind.get(k, ())) for k in ActorKind},
                concepts=len(self._concepts),
                projects=self._n_projects,
                memberships=self._n_memberships,
                collaborations=self._n_collaborations,
                affiliations=self._n_affiliations,
                events=len(self._events),
            )

    def clear(self) -> None:
        """Remove everything, events included (and save the empty store if persisted)."""
        with self._lock:
            previous = dict(vars(self))
            self._reset()
            self._dirty = True
            self._after_write(lambda: vars(self).update(previous))

    # ------------------------------------------------------------------ events

    def save_event(self, event: Event) -> Outcome:
        """Create or replace one event (stored as a copy).

        Returns
        -------
        Outcome
            ``created``, ``updated``, or ``unchanged`` when an equal event is stored.

        Raises
        ------
        ValidationFailed
            If a participant's ``actor_id`` names no stored actor (the problem's field is
            ``participants[i].actor_id``); nothing is stored then.
        StoreError
            If the file cannot be saved (the write is undone).

        Examples
        --------
        >>> from matchmaker.scheduling.model import Event
        >>> event = Event.model_validate({
        ...     "id": "ev-1", "name": "AM days",
        ...     "sessions": [{"id": "am", "name": "Morning"}],
        ...     "slots": [{"id": "s1", "day": "2025-05-06", "start": "09:00", "end": "09:20",
        ...                "session": "am"}],
        ...     "tables": [{"id": "t1", "name": "Table 1"}],
        ...     "participants": [{"id": "p1", "name": "Ada"}]})
        >>> store = MemoryStore()
        >>> store.save_event(event).value, store.save_event(event).value
        ('created', 'unchanged')
        >>> [s.participants for s in store.list_events()]
        [1]
        """
        with self._lock:
            check_event_actors(event, {i for i in event_actor_ids(event) if i in self._actors})
            old = self._events.get(event.id)
            if old is not None and old == event:
                return Outcome.UNCHANGED
            self._put_event(event.id, event.model_copy(deep=True))
            return Outcome.CREATED if old is None else Outcome.UPDATED

    def get_event(self, event_id: str) -> Event:
        """The stored event (a copy).

        Raises
        ------
        NotFound
            If no event has this id.
        """
        with self._lock:
            event = self._events.get(event_id)
            if event is None:
                raise NotFound("event", event_id)
            return event.model_copy(deep=True)

    def list_events(self) -> list[EventSummary]:
        """A summary of every stored event, ordered by id."""
        with self._lock:
            return [EventSummary.of(self._events[i]) for i in sorted(self._events)]

    def delete_event(self, event_id: str) -> None:
        """Delete one event.

        Raises
        ------
        NotFound
            If no event has this id.
        StoreError
            If the file cannot be saved (the event is restored).
        """
        with self._lock:
            if event_id not in self._events:
                raise NotFound("event", event_id)
            self._put_event(event_id, None)

    def _put_event(self, event_id: str, event: Event | None) -> None:
        """Store (or with ``None`` remove) one event, then save; undo if the save fails."""
        old = self._events.pop(event_id, None)
        if event is not None:
            self._events[event_id] = event
        self._dirty = True

        def undo() -> None:
            self._events.pop(event_id, None)
            if old is not None:
                self._events[event_id] = old

        self._after_write(undo)

    # ------------------------------------------------------------------ applying changes

    def _commit(self, actors: dict[str, Actor | None], concepts: dict[str, Concept | None]) -> None:
        """Apply validated changes, then save; undo them if the save fails."""
        if not actors and not concepts:
            return
        old_concepts = self._apply_concepts(concepts)
        old_actors = self._apply_actors(actors)
        self._dirty = True
        self._search_version += 1
        self._search_log.append((self._search_version, frozenset(actors), bool(concepts)))

        def undo() -> None:
            self._apply_actors(old_actors)
            self._apply_concepts(old_concepts)
            self._search_version += 1
            self._search_log.append((self._search_version, frozenset(actors), bool(concepts)))

        self._after_write(undo)

    def _after_write(self, undo: Callable[[], None]) -> None:
        if self._path is None or not self._autosave or self._deferred:
            return
        try:
            self.save()
        except StoreError:
            undo()
            raise

    def _apply_concepts(self, changes: dict[str, Concept | None]) -> dict[str, Concept | None]:
        previous: dict[str, Concept | None] = {}
        for ident, concept in changes.items():
            previous[ident] = self._concepts.get(ident)
            node = _concept_node(ident)
            if node in self._graph:
                self._graph.remove_edges_from(
                    [e for e in self._graph.out_edges(node, keys=True) if e[2] == BROADER]
                )
            if concept is None:
                self._concepts.pop(ident, None)
                if node in self._graph:
                    self._graph.remove_node(node)
                continue
            self._concepts[ident] = concept
            self._graph.add_node(node)
            for parent in concept.broader:
                self._graph.add_edge(node, _concept_node(parent), key=BROADER)
        return previous

    def _apply_actors(self, changes: dict[str, Actor | None]) -> dict[str, Actor | None]:
        previous: dict[str, Actor | None] = {}
        added: list[str] = []
        removed: list[str] = []
        for ident, actor in changes.items():
            old = self._actors.get(ident)
            previous[ident] = old
            if old is not None:
                self._unindex(old)
            if actor is None:
                if old is not None:
                    removed.append(ident)
                    self._graph.remove_node(_actor_node(ident))
                continue
            if old is None:
                added.append(ident)
            self._index(actor)
        self._ids.remove(removed)
        self._ids.add(added)
        return previous

    def _index(self, actor: Actor) -> None:
        ident = actor.id
        node = _actor_node(ident)
        self._actors[ident] = actor
        self._by_kind[actor.kind].add(ident)
        self._by_region[actor.region].add(ident)
        self._by_country[actor.country].add(ident)
        self._lower_names[ident] = actor.name.lower()
        self._json.pop(ident, None)
        graph = self._graph
        graph.add_node(node)
        for competence in actor.competences:
            graph.add_edge(node, _concept_node(competence.concept), key=HAS_COMPETENCE)
        for key, statements in ((OFFERS, actor.offers), (REQUESTS, actor.requests)):
            for statement in statements:
                for concept in statement.concepts:
                    graph.add_edge(node, _concept_node(concept), key=key)
        for membership in actor.memberships:
            graph.add_edge(node, _actor_node(membership.cluster), key=MEMBER_OF)
        self._n_memberships += len(actor.memberships)
        if actor.affiliation is not None:
            graph.add_edge(node, _actor_node(actor.affiliation), key=AFFILIATED_WITH)
            self._n_affiliations += 1
        for collaboration in actor.collaborations:
            project = _project_node(collaboration.project)
            if graph.has_edge(node, project, key=PARTICIPATED_IN):
                continue
            if project not in graph:
                self._n_projects += 1
            graph.add_edge(
                node,
                project,
                key=PARTICIPATED_IN,
                title=collaboration.title,
                year=collaboration.year,
            )
            self._n_collaborations += 1

    def _unindex(self, actor: Actor) -> None:
        """Drop the actor's indexes and outgoing edges; incoming edges stay."""
        ident = actor.id
        node = _actor_node(ident)
        self._by_kind[actor.kind].discard(ident)
        self._by_region[actor.region].discard(ident)
        if not self._by_region[actor.region]:
            del self._by_region[actor.region]
        self._by_country[actor.country].discard(ident)
        self._lower_names.pop(ident, None)
        self._json.pop(ident, None)
        del self._actors[ident]
        self._n_memberships -= len(actor.memberships)
        if actor.affiliation is not None:
            self._n_affiliations -= 1
        graph = self._graph
        out = list(graph.out_edges(node, keys=True))
        projects = [v for _, v, key in out if key == PARTICIPATED_IN]
        graph.remove_edges_from(out)
        self._n_collaborations -= len(projects)
        for project in projects:
            if graph.in_degree(project) == 0:
                graph.remove_node(project)
                self._n_projects -= 1

    # ------------------------------------------------------------------ persistence

    @contextmanager
    def deferred_save(self) -> Iterator[MemoryStore]:
        """Group several write calls into one save, made when the block ends.

        Writes of other threads during the block are saved with it; nested blocks save when
        the outermost one ends.

        Examples
        --------
        >>> store = MemoryStore()
        >>> with store.deferred_save():
        ...     _ = store.upsert_concepts([])
        """
        with self._lock:
            self._deferred += 1
        try:
            yield self
        finally:
            with self._lock:
                self._deferred -= 1
                if not self._deferred and self._dirty and self._path and self._autosave:
                    self.save()

    def save(self, path: Path | None = None) -> None:
        """Write the store atomically to ``path`` (default: the store's own file).

        Raises
        ------
        StoreError
            If there is no path, or the file cannot be written (the old file stays intact).
        """
        with self._lock:
            target = Path(path) if path is not None else self._path
            if target is None:
                raise StoreError("this MemoryStore has no file to save to")
            text = self._serialise()
            try:
                _atomic_write(target, text)
            except OSError as e:
                raise StoreError(f"cannot save the store to {target}: {e}") from e
            if target == self._path:
                self._dirty = False

    def _serialise(self) -> str:
        for ident in self._ids.items:
            if ident not in self._json:
                self._json[ident] = self._actors[ident].model_dump_json()
        concepts = ",\n".join(self._concepts[i].model_dump_json() for i in sorted(self._concepts))
        actors = ",\n".join(self._json[i] for i in self._ids.items)
        events = ",\n".join(self._events[i].model_dump_json() for i in sorted(self._events))
        return (
            f'{{"format": {json.dumps(FILE_FORMAT)}, "version": {FILE_VERSION},\n'
            f'"concepts": [\n{concepts}\n],\n"actors": [\n{actors}\n],\n'
            f'"events": [\n{events}\n]}}\n'
        )

    def _load(self, path: Path) -> None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError as e:
            raise StoreError(f"cannot read store file {path}: {e}") from e
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise StoreError(f"store file {path} is corrupt (not valid JSON): {e}") from e
        if not isinstance(raw, dict) or raw.get("format") != FILE_FORMAT:
            raise StoreError(f"store file {path} is not a matchmaker memory-store file")
        version = raw.get("version")
        if version not in READABLE_VERSIONS:
            raise StoreError(
                f"store file {path} has format version {version!r}; this program reads "
                f"versions {', '.join(str(v) for v in READABLE_VERSIONS)}"
            )
        try:
            concepts = [Concept.model_validate(c) for c in raw.get("concepts", [])]
            actors = [Actor.model_validate(a) for a in raw.get("actors", [])]
            events = (
                [Event.model_validate(e) for e in raw.get("events", [])] if version >= 2 else []
            )
        except (ValidationError, TypeError) as e:
            raise StoreError(f"store file {path} holds an invalid record: {e}") from e
        for event in events:
            if event.id in self._events:
                self._reset()
                raise StoreError(f"store file {path} is inconsistent: event '{event.id}' twice")
            self._events[event.id] = event
        try:
            concept_changes, _ = self._plan_concepts(concepts)
            self._apply_concepts(concept_changes)
            actor_changes, _ = self._plan_actors(actors, copy=False)
            self._apply_actors(actor_changes)
        except BatchRejected as e:
            self._reset()
            raise StoreError(f"store file {path} is inconsistent: {e}") from e


def _atomic_write(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` via a fsynced temporary file and :func:`os.replace`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp_name)
        raise
    with suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
