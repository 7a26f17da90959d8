"""The Neo4j store: :class:`Neo4jStore`, a :class:`~graph.protocol.GraphStore` over Bolt.

Each actor is an ``:Actor`` node holding its canonical JSON (``doc``) plus the scalar properties
used for filtering; competences, offers, requests, memberships, affiliations and collaborations
are also materialised as relationships (see :mod:`graph.queries` for the model and every
statement). B2B events are ``:Event`` nodes holding their canonical JSON, linked to the actors
their participants name. Behaviour matches :class:`graph.memory.MemoryStore`, the oracle of the
contract suite.

Every write call runs in ONE managed transaction: references are validated inside it first, then
rows are written with ``UNWIND`` in chunks; any error rolls the whole call back. Driver errors
surface as :class:`~matchmaker.errors.StoreUnavailable` (server unreachable, authentication) or
:class:`~matchmaker.errors.StoreError` (anything else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction, NotificationDisabledClassification
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph import queries as q
from graph.batches import check_replacement, classify, index_batch
from graph.neo4j_search import record_write, refresh_closure, refresh_closure_of_concepts
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
from graph.search_types import CandidateQuery, CandidateResult
from matchmaker.errors import (
    BatchRejected,
    ConfigurationError,
    Conflict,
    MatchmakerError,
    NotFound,
    RowProblem,
    StoreError,
    StoreUnavailable,
    UnknownConcept,
    ValidationFailed,
)
from matchmaker.models import Actor, ActorKind, Concept, Facet, Project
from matchmaker.nuts import ISO_TO_NUTS, NUTS_TO_ISO
from matchmaker.scheduling.model import Event
from matchmaker.settings import Settings

CHUNK = 1000
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
MAX_LIMIT = 1000

T = TypeVar("T")


def _chunks(rows: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _actor_props(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "name_lower": actor.name.lower(),
        "description": actor.description,
        "kind": actor.kind.value,
        "region": actor.region,
        "country": actor.country,
        "city": actor.city,
        "doc": actor.model_dump_json(),
    }


def _concept_props(concept: Concept) -> dict[str, Any]:
    return {
        "id": concept.id,
        "label": concept.label,
        "facet": concept.facet.value,
        "doc": concept.model_dump_json(),
    }


class Neo4jStore:
    """A :class:`~graph.protocol.GraphStore` on a Neo4j 5 database.

    Parameters:
        uri: ``bolt://``, ``bolt+s://``, ``neo4j://`` or ``neo4j+s://`` address.
        user: user name (ignored by a server with authentication disabled).
        password: password.
        database: database name, passed on every call.
        connection_timeout: seconds to wait for a connection.
        max_retry_time: seconds the driver retries transient failures of one call.
        search: how :meth:`search_candidates` answers: ``"index"`` from the in-process index
            kept in step with the database, ``"cypher"`` in Cypher only (``NEO4J_SEARCH``).

    Raises:
        ConfigurationError: the URI scheme is not a Bolt or Neo4j one, or ``search`` is unknown.
        StoreUnavailable: the server cannot be reached (schema creation runs at init).
        StoreError: the server rejected the schema statements.

    Example (with ``matchmaker neo4j start`` running)::

        store = Neo4jStore("bolt://127.0.0.1:7687")
        store.upsert_concepts([Concept(id="proc", label="Process", facet="process")])
        store.close()
    """

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        *,
        connection_timeout: float = 10.0,
        max_retry_time: float = 15.0,
        search: Literal["index", "cypher"] = "index",
    ) -> None:
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in URI_SCHEMES:
            raise ConfigurationError(
                f"NEO4J_URI '{uri}' must start with one of "
                f"{', '.join(s + '://' for s in URI_SCHEMES)}"
            )
        if search not in ("index", "cypher"):
            raise ConfigurationError(f"search '{search}' must be 'index' or 'cypher'")
        self._uri = uri
        self._database = database
        self._search = search
        self._closed = False
        with self._errors("connect"):
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=connection_timeout,
                max_transaction_retry_time=max_retry_time,
                notifications_disabled_classifications=[
                    NotificationDisabledClassification.UNRECOGNIZED
                ],
            )
        try:
            self.ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        """A store configured by ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` and
        ``NEO4J_DATABASE``."""
        return cls(
            uri=settings.neo4j_uri,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            search=settings.neo4j_search,
        )

    # ------------------------------------------------------------------ plumbing

    @property
    def name(self) -> str:
        """Always ``"neo4j"``."""
        return "neo4j"

    @property
    def uri(self) -> str:
        """The server address this store talks to."""
        return self._uri

    @property
    def database(self) -> str:
        """The database name passed on every call."""
        return self._database

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except MatchmakerError:
            raise
        except (ServiceUnavailable, SessionExpired) as e:
            raise StoreUnavailable(f"Neo4j at {self._uri} is unreachable ({action}): {e}") from e
        except AuthError as e:
            raise StoreUnavailable(
                f"Neo4j at {self._uri} refused the credentials ({action}): {e}"
            ) from e
        except Neo4jError as e:
            if "OutOfMemoryError" in (e.code or ""):
                raise StoreError(
                    f"Neo4j ran out of transaction memory ({action}); nothing was stored. Split "
                    f"the batch (about 20,000 actors fit a 1 GB server heap): {e.message}"
                ) from e
            raise StoreError(f"Neo4j failed ({action}): {e}") from e
        except DriverError as e:
            raise StoreError(f"Neo4j failed ({action}): {e}") from e
        except (OSError, ValueError) as e:
            raise StoreUnavailable(f"Neo4j at {self._uri} cannot be used ({action}): {e}") from e

    def _write(self, action: str, work: Callable[[ManagedTransaction], T]) -> T:
        self._check_open()
        with self._errors(action), self._driver.session(database=self._database) as session:
            return session.execute_write(work)

    def _read(self, action: str, work: Callable[[ManagedTransaction], T]) -> T:
        self._check_open()
        with self._errors(action), self._driver.session(database=self._database) as session:
            return session.execute_read(work)

    def _query(self, action: str, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return tx.run(query, params).data()

        return self._read(action, work)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("this Neo4jStore is closed")

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes (idempotent)."""
        self._check_open()
        with self._errors("create schema"):
            for statement in q.SCHEMA:
                self._driver.execute_query(statement, database_=self._database)

    def schema(self) -> list[dict[str, Any]]:
        """The database's constraints (name, type, labels, properties), by name."""
        with self._errors("show schema"):
            records, _, _ = self._driver.execute_query(q.SHOW_SCHEMA, database_=self._database)
        return [dict(r) for r in records]

    def ping(self) -> None:
        """Return if the database answers; raise ``StoreUnavailable`` otherwise."""
        self._check_open()
        with self._errors("ping"):
            self._driver.verify_connectivity()
            self._driver.execute_query(q.PING, database_=self._database)

    def close(self) -> None:
        """Close the driver. Idempotent."""
        if not self._closed:
            self._closed = True
            self._driver.close()

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
        """Create or replace actors atomically, in one transaction.

        Returns:
            The ids created, updated and unchanged.

        Raises:
            BatchRejected: duplicate ids in the batch or dangling references (rows 1-based);
                nothing is written then.
            StoreUnavailable, StoreError: the database failed; nothing is written. A batch too
                big for the server's transaction memory (with the local server's 1 GB heap,
                somewhere between 20,000 and 100,000 actors) fails this way: split it.
        """
        actors = list(actors)
        if not actors:
            return WriteReport()
        return self._write("upsert actors", lambda tx: _upsert_actors(tx, actors))

    def delete_actor(self, actor_id: str, *, cascade: bool = False) -> None:
        """Delete one actor.

        Raises:
            NotFound: no actor has this id.
            Conflict: others reference it and ``cascade`` is false.
        """

        def work(tx: ManagedTransaction) -> None:
            if not tx.run(q.ACTOR_KINDS, ids=[actor_id]).data():
                raise NotFound("actor", actor_id)
            _delete_actors(tx, [actor_id], cascade=cascade)

        self._write("delete actor", work)

    def delete_actors(self, actor_ids: Sequence[str], *, cascade: bool = False) -> int:
        """Delete several actors atomically; ids not stored are skipped.

        Returns:
            How many actors were deleted.

        Raises:
            Conflict: an actor outside ``actor_ids`` references one of them and ``cascade`` is
                false; nothing is deleted then.
        """
        wanted = sorted(set(actor_ids))
        if not wanted:
            return 0

        def work(tx: ManagedTransaction) -> int:
            present = sorted(r["id"] for r in tx.run(q.ACTOR_KINDS, ids=wanted).data())
            if present:
                _delete_actors(tx, present, cascade=cascade)
            return len(present)

        return self._write("delete actors", work)

    def replace_actors(self, actors: Sequence[Actor], delete: Sequence[str]) -> WriteReport:
        """Upsert ``actors`` and delete the actors ``delete`` in one transaction (a merge).

        Returns:
            The ids created, updated and unchanged among ``actors``.

        Raises:
            NotFound: an actor to delete is not stored.
            Conflict: an id is both written and deleted, or an actor (in the batch or stored)
                would still reference a deleted one.
            BatchRejected: as :meth:`upsert_actors`.
            StoreUnavailable, StoreError: the database failed.

        Nothing is written when it raises.
        """
        actors = list(actors)
        doomed = sorted(set(delete))

        def work(tx: ManagedTransaction) -> WriteReport:
            stored = {r["id"] for r in tx.run(q.ACTOR_KINDS, ids=doomed).data()}
            for ident in doomed:
                if ident not in stored:
                    raise NotFound("actor", ident)
            incoming = {
                r["id"]: [*r["members"], *r["experts"]]
                for r in tx.run(q.INCOMING_REFERENCES, ids=doomed).data()
            }
            check_replacement({a.id: a for a in actors}, doomed, incoming)
            report = _upsert_actors(tx, actors) if actors else WriteReport()
            _delete_actors(tx, doomed, cascade=False)
            return report

        return self._write("replace actors", work)

    # ------------------------------------------------------------------ actors: reads

    def get_actor(self, actor_id: str) -> Actor:
        """The stored actor; raise ``NotFound``."""
        rows = self._query("get actor", q.GET_ACTOR, id=actor_id)
        if not rows:
            raise NotFound("actor", actor_id)
        return Actor.model_validate_json(rows[0]["doc"])

    def get_actors(self, actor_ids: Iterable[str]) -> list[Actor]:
        """The stored actors among these ids, in id order (missing ids are skipped)."""
        ids = sorted(set(actor_ids))
        if not ids:
            return []
        rows = self._query("get actors", q.GET_ACTORS, ids=ids)
        return [Actor.model_validate_json(r["doc"]) for r in rows]

    def list_actors(
        self, query: ActorQuery | None = None, *, limit: int = 50, after: str | None = None
    ) -> Page:
        """Actors matching ``query``, ordered by id, at most ``limit`` (1..1000) after ``after``.

        Raises:
            ValidationFailed: ``limit`` is out of range.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed(
                f"limit must be between 1 and {MAX_LIMIT}, got {limit}",
                [RowProblem(None, "limit", f"must be between 1 and {MAX_LIMIT}, got {limit}")],
            )
        params = _filter_params(query or ActorQuery())

        def work(tx: ManagedTransaction) -> tuple[int, list[str]]:
            total = tx.run(q.COUNT_ACTORS, params).single(strict=True)["total"]
            docs = tx.run(q.PAGE_ACTORS, params, after=after, limit=limit + 1).value("doc")
            return int(total), docs

        total, docs = self._read("list actors", work)
        items = [Actor.model_validate_json(d) for d in docs[:limit]]
        next_after = items[-1].id if len(docs) > limit else None
        return Page(items=items, total=total, next_after=next_after)

    # ------------------------------------------------------------------ taxonomy

    def upsert_concepts(self, concepts: Sequence[Concept]) -> WriteReport:
        """Create or replace concepts atomically.

        Raises:
            BatchRejected: duplicate id, unknown ``broader`` concept or a cycle; nothing is
                written then.
        """
        concepts = list(concepts)
        if not concepts:
            return WriteReport()
        return self._write("upsert concepts", lambda tx: _upsert_concepts(tx, concepts))

    def get_concept(self, concept_id: str) -> Concept:
        """The stored concept; raise ``UnknownConcept``."""
        rows = self._query("get concept", q.GET_CONCEPT, id=concept_id)
        if not rows:
            raise UnknownConcept(concept_id)
        return Concept.model_validate_json(rows[0]["doc"])

    def list_concepts(self, facet: Facet | None = None) -> list[Concept]:
        """Concepts (of one facet), ordered by id."""
        value = Facet(facet).value if facet is not None else None
        rows = self._query("list concepts", q.LIST_CONCEPTS, facet=value)
        return [Concept.model_validate_json(r["doc"]) for r in rows]

    def narrower(self, concept_id: str, *, transitive: bool = True) -> list[str]:
        """Ids below a concept (children, or all descendants), sorted; ``UnknownConcept``."""
        query = q.NARROWER_ALL if transitive else q.NARROWER_CHILDREN
        return self._concept_walk(query, concept_id)

    def broader(self, concept_id: str, *, transitive: bool = True) -> list[str]:
        """Ids above a concept (parents, or all ancestors), sorted; ``UnknownConcept``."""
        query = q.BROADER_ALL if transitive else q.BROADER_PARENTS
        return self._concept_walk(query, concept_id)

    def _concept_walk(self, query: str, concept_id: str) -> list[str]:
        rows = self._query("walk taxonomy", query, id=concept_id)
        if not rows:
            raise UnknownConcept(concept_id)
        return sorted(set(rows[0]["ids"]))

    # ------------------------------------------------------------------ relations

    def members(self, cluster_id: str) -> list[str]:
        """Ids of the cluster's members, sorted; ``NotFound`` for an unknown cluster."""
        rows = self._query("members", q.MEMBERS, id=cluster_id)
        if not rows or rows[0]["kind"] != ActorKind.CLUSTER.value:
            raise NotFound("cluster", cluster_id)
        return sorted(rows[0]["ids"])

    def affiliates(self, organisation_id: str) -> list[str]:
        """Ids of the experts affiliated with an organisation, sorted; ``NotFound``."""
        rows = self._query("affiliates", q.AFFILIATES, id=organisation_id)
        if not rows or rows[0]["kind"] == ActorKind.EXPERT.value:
            raise NotFound("organisation", organisation_id)
        return sorted(rows[0]["ids"])

    def collaborators(self, actor_id: str) -> list[tuple[str, str]]:
        """``(other actor id, project id)`` for every shared project, sorted; ``NotFound``."""
        rows = self._query("collaborators", q.COLLABORATORS, id=actor_id)
        if not rows:
            raise NotFound("actor", actor_id)
        return sorted({(str(o), str(p)) for o, p in rows[0]["pairs"]})

    def get_project(self, project_id: str) -> Project:
        """A project with its participants (sorted); ``NotFound``."""
        rows = self._query("get project", q.GET_PROJECT, id=project_id)
        if not rows:
            raise NotFound("project", project_id)
        return _project(rows[0])

    # ------------------------------------------------------------------ events

    def save_event(self, event: Event) -> Outcome:
        """Create or replace one event, in one transaction.

        Returns:
            ``created``, ``updated``, or ``unchanged`` when an equal event is stored.

        Raises:
            ValidationFailed: a participant's ``actor_id`` names no stored actor (the problem's
                field is ``participants[i].actor_id``); nothing is stored then.
            StoreUnavailable, StoreError: the database failed; nothing is stored.
        """
        return self._write("save event", lambda tx: _save_event(tx, event))

    def get_event(self, event_id: str) -> Event:
        """The stored event; raise ``NotFound``."""
        rows = self._query("get event", q.GET_EVENT, id=event_id)
        if not rows:
            raise NotFound("event", event_id)
        return Event.model_validate_json(rows[0]["doc"])

    def list_events(self) -> list[EventSummary]:
        """A summary of every stored event, ordered by id."""
        rows = self._query("list events", q.ALL_EVENTS)
        return [EventSummary.of(Event.model_validate_json(r["doc"])) for r in rows]

    def delete_event(self, event_id: str) -> None:
        """Delete one event; raise ``NotFound``."""

        def work(tx: ManagedTransaction) -> None:
            if tx.run(q.DELETE_EVENT, id=event_id).single(strict=True)["n"] == 0:
                raise NotFound("event", event_id)

        self._write("delete event", work)

    # ------------------------------------------------------------------ whole store

    def search_candidates(self, query: CandidateQuery) -> CandidateResult:
        """See :func:`graph.neo4j_search.search_candidates` (``search="index"``) and
        :func:`graph.neo4j_search.search_candidates_cypher` (``search="cypher"``)."""
        from graph.neo4j_search import search_candidates, search_candidates_cypher

        answer = search_candidates_cypher if self._search == "cypher" else search_candidates
        return answer(self, self._read, self._write, query)

    def snapshot(self) -> Snapshot:
        """All actors, concepts and projects, ordered by id (one read transaction)."""

        def work(tx: ManagedTransaction) -> Snapshot:
            actors = tx.run(q.ALL_ACTORS).value("doc")
            concepts = tx.run(q.ALL_CONCEPTS).value("doc")
            projects = tx.run(q.ALL_PROJECTS).data()
            return Snapshot(
                actors=[Actor.model_validate_json(d) for d in actors],
                concepts=[Concept.model_validate_json(d) for d in concepts],
                projects=[_project(r) for r in projects],
            )

        return self._read("snapshot", work)

    def counts(self) -> Counts:
        """How much is stored; ``by_kind`` lists every kind, zero included."""

        def work(tx: ManagedTransaction) -> Counts:
            kinds = {r["kind"]: int(r["n"]) for r in tx.run(q.COUNT_BY_KIND).data()}
            rest = tx.run(q.COUNTS).single(strict=True)
            return Counts(
                actors=sum(kinds.values()),
                by_kind={k.value: kinds.get(k.value, 0) for k in ActorKind},
                concepts=int(rest["concepts"]),
                projects=int(rest["projects"]),
                memberships=int(rest["memberships"]),
                collaborations=int(rest["collaborations"]),
                affiliations=int(rest["affiliations"]),
                events=int(rest["events"]),
            )

        return self._read("counts", work)

    def clear(self) -> None:
        """Remove every actor, concept, project and event, in chunks (the search closure's
        relationships, then actors, then the rest), so no transaction deletes a concept's
        hundreds of thousands of relationships at once."""
        self._check_open()
        with self._errors("clear"):
            for statement, chunk in (
                (q.SEARCH_CLOSURE_CLEAR_CHUNK, 50_000),
                (q.CLEAR_ACTORS_CHUNK, 5_000),
                (q.CLEAR_CHUNK, 10_000),
            ):
                while True:
                    records, _, _ = self._driver.execute_query(
                        statement, chunk=chunk, database_=self._database
                    )
                    if not records or records[0]["n"] == 0:
                        break
            self._write("log clear", lambda tx: record_write(tx, [], reset=True))


# ---------------------------------------------------------------------- transaction functions


def _filter_params(query: ActorQuery) -> dict[str, Any]:
    regions: list[str] | None = None
    if query.regions:
        regions = []
        for prefix in query.regions:
            p = prefix.strip().upper()
            regions.append(ISO_TO_NUTS.get(p, p) if len(p) == 2 else p)
    countries = (
        [NUTS_TO_ISO.get(c.upper(), c.upper()) for c in query.countries]
        if query.countries
        else None
    )
    return {
        "kinds": [k.value for k in query.kinds] or None,
        "regions": regions,
        "countries": countries,
        "concepts": list(query.concepts) or None,
        "cluster": query.cluster,
        "needle": query.name_contains.lower() if query.name_contains else None,
    }


def _project(row: dict[str, Any]) -> Project:
    return Project(
        id=row["id"], title=row["title"], year=row["year"], participants=row["participants"]
    )


def _sorted_problems(problems: list[RowProblem]) -> BatchRejected:
    return BatchRejected(sorted(problems, key=lambda p: (p.row or 0, p.field)))


def _upsert_actors(tx: ManagedTransaction, actors: list[Actor]) -> WriteReport:
    batch, _rows, problems = index_batch(actors)

    stored = {
        r["id"]: (r["kind"], r["doc"]) for r in tx.run(q.ACTORS_STATE, ids=sorted(batch)).data()
    }
    referenced = sorted({ref for a in batch.values() for ref in a.referenced_actors()} - set(batch))
    stored_kinds = {r["id"]: r["kind"] for r in tx.run(q.ACTOR_KINDS, ids=referenced).data()}
    wanted_concepts = sorted({c for a in batch.values() for c in a.concept_ids()})
    known_concepts = {r["id"] for r in tx.run(q.EXISTING_CONCEPTS, ids=wanted_concepts).data()}

    def kind_of(ident: str) -> ActorKind | None:
        if ident in batch:
            return batch[ident].kind
        kind = stored_kinds.get(ident)
        return ActorKind(kind) if kind is not None else None

    kind_changed = sorted(
        ident for ident, (kind, _) in stored.items() if kind != batch[ident].kind.value
    )
    incoming = {
        r["id"]: (r["members"], r["experts"])
        for r in tx.run(q.INCOMING_REFERENCES, ids=kind_changed).data()
    }
    for row, actor in enumerate(actors, start=1):
        if batch.get(actor.id) is not actor:
            continue
        problems.extend(_reference_problems(row, actor, kind_of, known_concepts))
        if actor.id in incoming:
            members, experts = incoming[actor.id]
            problems.extend(_kind_change_problems(row, actor, members, experts, batch))
    if problems:
        raise _sorted_problems(problems)

    def compare(ident: str, actor: Actor) -> bool | None:
        old = stored.get(ident)
        if old is None:
            return None
        return old[1] == actor.model_dump_json() or Actor.model_validate_json(old[1]) == actor

    report, to_write = classify(batch, compare)
    _write_actors(tx, [batch[ident] for ident in to_write])
    return report


def _reference_problems(
    row: int,
    actor: Actor,
    kind_of: Callable[[str], ActorKind | None],
    known_concepts: set[str],
) -> Iterator[RowProblem]:
    for i, competence in enumerate(actor.competences):
        if competence.concept not in known_concepts:
            yield RowProblem(
                row,
                f"competences[{i}].concept",
                f"unknown concept '{competence.concept}'",
                actor.id,
            )
    for name, statements in (("offers", actor.offers), ("requests", actor.requests)):
        for i, statement in enumerate(statements):
            for j, concept in enumerate(statement.concepts):
                if concept not in known_concepts:
                    yield RowProblem(
                        row, f"{name}[{i}].concepts[{j}]", f"unknown concept '{concept}'", actor.id
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
        elif kind is not ActorKind.CLUSTER:
            yield RowProblem(
                row,
                f"memberships[{i}].cluster",
                f"'{membership.cluster}' is a {kind.value}, not a cluster",
                actor.id,
            )
    if actor.affiliation is not None:
        kind = kind_of(actor.affiliation)
        if kind is None:
            yield RowProblem(
                row, "affiliation", f"unknown organisation '{actor.affiliation}'", actor.id
            )
        elif kind is ActorKind.EXPERT:
            yield RowProblem(
                row,
                "affiliation",
                f"'{actor.affiliation}' is an expert, not an organisation",
                actor.id,
            )


def _kind_change_problems(
    row: int, actor: Actor, members: list[str], experts: list[str], batch: dict[str, Actor]
) -> Iterator[RowProblem]:
    outside_members = sorted(m for m in members if m not in batch)
    if actor.kind is not ActorKind.CLUSTER and outside_members:
        yield RowProblem(
            row,
            "kind",
            f"'{actor.id}' has members ({', '.join(outside_members)}) and must stay a cluster",
            actor.id,
        )
    outside_experts = sorted(e for e in experts if e not in batch)
    if actor.kind is ActorKind.EXPERT and outside_experts:
        yield RowProblem(
            row,
            "kind",
            f"'{actor.id}' has affiliated experts ({', '.join(outside_experts)}) and cannot "
            "become an expert",
            actor.id,
        )


def _write_actors(tx: ManagedTransaction, actors: list[Actor]) -> None:
    """Replace these actors' nodes and outgoing relationships (references already checked)."""
    if not actors:
        return
    ids = [a.id for a in actors]
    old_projects: set[str] = set()
    for chunk in _chunks(ids):
        old_projects.update(tx.run(q.PROJECTS_OF, ids=list(chunk)).value("id"))
    for rows in _chunks([{"id": a.id, "props": _actor_props(a)} for a in actors]):
        tx.run(q.MERGE_ACTORS, rows=list(rows)).consume()

    competences: list[dict[str, Any]] = []
    offers: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    affiliations: list[dict[str, Any]] = []
    projects: list[dict[str, Any]] = []
    for actor in actors:
        competences += [
            {
                "actor": actor.id,
                "concept": c.concept,
                "level": c.level,
                "evidence": bool(c.evidence),
            }
            for c in actor.competences
        ]
        for target, statements in ((offers, actor.offers), (requests, actor.requests)):
            concepts = dict.fromkeys(c for s in statements for c in s.concepts)
            target += [
                {
                    "actor": actor.id,
                    "concept": c,
                    "evidence": any(s.text for s in statements if c in s.concepts),
                }
                for c in concepts
            ]
        memberships += [
            {"actor": actor.id, "cluster": m.cluster, "since": m.since, "role": m.role}
            for m in actor.memberships
        ]
        if actor.affiliation is not None:
            affiliations.append({"actor": actor.id, "organisation": actor.affiliation})
        seen: set[str] = set()
        for collaboration in actor.collaborations:
            if collaboration.project in seen:
                continue
            seen.add(collaboration.project)
            projects.append(
                {
                    "actor": actor.id,
                    "project": collaboration.project,
                    "title": collaboration.title,
                    "year": collaboration.year,
                    "role": collaboration.role,
                }
            )
    kinds = {"cluster_kind": ActorKind.CLUSTER.value, "expert_kind": ActorKind.EXPERT.value}
    for query, rows, what in (
        (q.LINK_COMPETENCES, competences, "competence"),
        (q.LINK_OFFERS, offers, "offer"),
        (q.LINK_REQUESTS, requests, "request"),
        (q.LINK_MEMBERSHIPS, memberships, "membership"),
        (q.LINK_AFFILIATIONS, affiliations, "affiliation"),
        (q.LINK_PROJECTS, projects, "collaboration"),
    ):
        _link(tx, query, rows, what, kinds)
    if old_projects:
        for chunk in _chunks(sorted(old_projects)):
            tx.run(q.DROP_ORPHAN_PROJECTS, ids=list(chunk)).consume()
    refresh_closure(tx, ids)
    record_write(tx, ids)


def _link(
    tx: ManagedTransaction,
    query: str,
    rows: list[dict[str, Any]],
    what: str,
    extra: dict[str, Any],
) -> None:
    """Create relationships; a target that vanished meanwhile aborts the transaction."""
    for chunk in _chunks(rows):
        created = tx.run(query, extra, rows=list(chunk)).single(strict=True)["n"]
        if created != len(chunk):
            raise Conflict(
                f"a {what} target changed during the write ({created} of {len(chunk)} "
                "links made); nothing was stored, retry"
            )


def _delete_actors(tx: ManagedTransaction, ids: list[str], *, cascade: bool) -> None:
    doomed = set(ids)
    referrers: dict[str, list[str]] = {}
    for row in tx.run(q.INCOMING_REFERENCES, ids=ids).data():
        refs = sorted({r for r in (*row["members"], *row["experts"]) if r not in doomed})
        if refs:
            referrers[row["id"]] = refs
    if referrers and not cascade:
        detail = "; ".join(
            f"'{target}' is referenced by {', '.join(refs)}"
            for target, refs in sorted(referrers.items())
        )
        raise Conflict(f"cannot delete: {detail} (use cascade to remove the references)")
    referrer_ids = sorted({r for refs in referrers.values() for r in refs})
    rewritten: list[Actor] = []
    if referrer_ids:
        for doc in tx.run(q.GET_ACTORS, ids=referrer_ids).value("doc"):
            old = Actor.model_validate_json(doc)
            rewritten.append(
                old.model_copy(
                    update={
                        "affiliation": None if old.affiliation in doomed else old.affiliation,
                        "memberships": [m for m in old.memberships if m.cluster not in doomed],
                    }
                )
            )
    projects: set[str] = set()
    for chunk in _chunks(ids):
        projects.update(tx.run(q.PROJECTS_OF, ids=list(chunk)).value("id"))
        tx.run(q.DELETE_ACTORS, ids=list(chunk)).consume()
    record_write(tx, ids)
    _write_actors(tx, rewritten)
    for chunk in _chunks(sorted(projects)):
        tx.run(q.DROP_ORPHAN_PROJECTS, ids=list(chunk)).consume()


def _save_event(tx: ManagedTransaction, event: Event) -> Outcome:
    wanted = event_actor_ids(event)
    stored_actors = {r["id"] for r in tx.run(q.ACTOR_KINDS, ids=wanted).data()}
    check_event_actors(event, stored_actors)
    doc = event.model_dump_json()
    rows = tx.run(q.GET_EVENT, id=event.id).data()
    old = rows[0]["doc"] if rows else None
    if old is not None and (old == doc or Event.model_validate_json(old) == event):
        return Outcome.UNCHANGED
    tx.run(q.MERGE_EVENT, id=event.id, name=event.name, doc=doc).consume()
    links = [
        {"participant": p.id, "actor": p.actor_id}
        for p in event.participants
        if p.actor_id is not None
    ]
    _link(tx, q.LINK_EVENT_PARTICIPANTS, links, "participant actor", {"id": event.id})
    return Outcome.CREATED if old is None else Outcome.UPDATED


def _upsert_concepts(tx: ManagedTransaction, concepts: list[Concept]) -> WriteReport:
    batch, first_row, problems = index_batch(concepts)
    hierarchy = {r["id"]: list(r["broader"]) for r in tx.run(q.ALL_CONCEPT_LINKS).data()}
    for ident, concept in batch.items():
        for j, parent in enumerate(concept.broader):
            if parent not in batch and parent not in hierarchy:
                problems.append(
                    RowProblem(
                        first_row[ident],
                        f"broader[{j}]",
                        f"unknown broader concept '{parent}'",
                        ident,
                    )
                )
    if not problems:
        problems.extend(_cycle_problems(hierarchy, batch, first_row))
    if problems:
        raise _sorted_problems(problems)

    stored = {r["id"]: r["doc"] for r in tx.run(q.CONCEPTS_STATE, ids=sorted(batch)).data()}

    def compare(ident: str, concept: Concept) -> bool | None:
        old = stored.get(ident)
        if old is None:
            return None
        return old == concept.model_dump_json() or Concept.model_validate_json(old) == concept

    report, to_write = classify(batch, compare)
    changed = [batch[ident] for ident in to_write]
    for rows in _chunks([{"id": c.id, "props": _concept_props(c)} for c in changed]):
        tx.run(q.MERGE_CONCEPTS, rows=list(rows)).consume()
    links = [{"concept": c.id, "parent": p} for c in changed for p in c.broader]
    _link(tx, q.LINK_BROADER, links, "broader", {})
    if changed:
        refresh_closure_of_concepts(tx, [c.id for c in changed])
        record_write(tx, [], concepts=True)
    return report


def _cycle_problems(
    hierarchy: dict[str, list[str]], batch: dict[str, Concept], first_row: dict[str, int]
) -> list[RowProblem]:
    graph: Any = nx.DiGraph()
    for ident, parents in hierarchy.items():
        if ident not in batch:
            graph.add_edges_from((ident, p) for p in parents)
    for ident, concept in batch.items():
        graph.add_edges_from((ident, p) for p in concept.broader)
    problems = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = nx.find_cycle(graph.subgraph(component))
        path = " -> ".join([*(edge[0] for edge in cycle), cycle[0][0]])
        for ident in sorted(component & batch.keys()):
            problems.append(
                RowProblem(first_row[ident], "broader", f"cycle of broader links: {path}", ident)
            )
    return problems
