"""Events through the store contract: save/get/list/delete, idempotence, actor references."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from graph.memory import MemoryStore
from graph.protocol import EventSummary, GraphStore, Outcome
from matchmaker.errors import NotFound, ValidationFailed
from matchmaker.scheduling.model import Event
from tests.store import sample


def event(ident: str = "ev-graz", **fields: Any) -> Event:
    """A two-slot event whose participants name sample actors (one participant has none)."""
    data: dict[str, Any] = {
        "id": ident,
        "name": f"AM brokerage {ident}",
        "timezone": "Europe/Vienna",
        "sessions": [{"id": "am", "name": "Morning"}],
        "slots": [
            {"id": "s1", "day": "2025-05-06", "start": "09:00", "end": "09:20", "session": "am"},
            {"id": "s2", "day": "2025-05-06", "start": "09:30", "end": "09:50", "session": "am"},
        ],
        "tables": [{"id": "t1", "name": "Table 1"}, {"id": "t2", "name": "Table 2"}],
        "participants": [
            {"id": "p-acme", "name": "ACME", "actor_id": "acme-additive"},
            {"id": "p-tug", "name": "TU Graz", "actor_id": "tu-graz"},
            {"id": "p-guest", "name": "Guest"},
            {"id": "p-acme-2", "name": "ACME sales", "actor_id": "acme-additive"},
        ],
        "requests": [
            {"id": "r1", "requester": "p-guest", "invitee": "p-tug", "status": "accepted"},
            {"id": "r2", "requester": "p-guest", "invitee": "p-acme", "status": "requested"},
        ],
        "meetings": [{"id": "m1", "participants": ["p-acme", "p-tug"], "priority": 3}],
        "schedule": [
            {"meeting": "m1", "slot": "s1", "table": "t1"},
            {"meeting": "gone", "slot": "s2", "table": "t1"},
        ],
    }
    data.update(fields)
    return Event.model_validate(data)


def test_crud(loaded: GraphStore) -> None:
    original = event()
    assert loaded.save_event(original) is Outcome.CREATED
    assert loaded.get_event("ev-graz") == original
    renamed = original.model_copy(update={"name": "Renamed", "schedule": []})
    assert loaded.save_event(renamed) is Outcome.UPDATED
    assert loaded.get_event("ev-graz") == renamed
    loaded.delete_event("ev-graz")
    with pytest.raises(NotFound) as missing:
        loaded.get_event("ev-graz")
    assert (missing.value.what, missing.value.ident) == ("event", "ev-graz")
    with pytest.raises(NotFound):
        loaded.delete_event("ev-graz")
    assert loaded.list_events() == []


def test_get_returns_a_copy(loaded: GraphStore) -> None:
    loaded.save_event(event())
    fetched = loaded.get_event("ev-graz")
    fetched.participants.clear()
    assert len(loaded.get_event("ev-graz").participants) == 4


def test_saving_an_equal_event_is_unchanged(loaded: GraphStore) -> None:
    loaded.save_event(event())
    before = loaded.counts()
    assert loaded.save_event(event()) is Outcome.UNCHANGED
    assert loaded.counts() == before
    assert loaded.get_event("ev-graz") == event()


def test_unknown_actor_is_rejected_with_its_field_and_nothing_stored(loaded: GraphStore) -> None:
    bad = event()
    bad.participants[1].actor_id = "nobody"
    bad.participants[3].actor_id = "ghost"
    with pytest.raises(ValidationFailed) as rejected:
        loaded.save_event(bad)
    problems = [(p.row, p.field) for p in rejected.value.problems]
    assert problems == [(None, "participants[1].actor_id"), (None, "participants[3].actor_id")]
    assert "unknown actor 'nobody'" in str(rejected.value)
    with pytest.raises(NotFound):
        loaded.get_event("ev-graz")
    assert loaded.counts().events == 0


def test_rejected_replacement_keeps_the_stored_event(loaded: GraphStore) -> None:
    loaded.save_event(event())
    bad = event(name="Replacement")
    bad.participants[0].actor_id = "nobody"
    with pytest.raises(ValidationFailed):
        loaded.save_event(bad)
    assert loaded.get_event("ev-graz") == event()


def test_event_without_actors_needs_no_stored_actor(store: GraphStore) -> None:
    guests = event(
        participants=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        requests=[],
        meetings=[],
        schedule=[],
    )
    assert store.save_event(guests) is Outcome.CREATED
    assert store.list_events() == [
        EventSummary(id="ev-graz", name=guests.name, participants=2, meetings=0, scheduled=0)
    ]


def test_deleting_a_referenced_actor_leaves_the_event_intact(loaded: GraphStore) -> None:
    loaded.save_event(event())
    loaded.delete_actor("acme-additive")
    assert loaded.get_event("ev-graz") == event()
    assert [s.id for s in loaded.list_events()] == ["ev-graz"]
    with pytest.raises(ValidationFailed) as rejected:
        loaded.save_event(event(name="Edited after the actor left"))
    assert [p.field for p in rejected.value.problems] == [
        "participants[0].actor_id",
        "participants[3].actor_id",
    ]


def test_list_summarises_each_event_in_id_order(loaded: GraphStore) -> None:
    loaded.save_event(event("ev-zagreb", schedule=[]))
    loaded.save_event(event("ev-alpbach"))
    assert loaded.list_events() == [
        EventSummary(
            id="ev-alpbach", name="AM brokerage ev-alpbach", participants=4, meetings=2, scheduled=1
        ),
        EventSummary(
            id="ev-zagreb", name="AM brokerage ev-zagreb", participants=4, meetings=2, scheduled=0
        ),
    ]


def test_counts_and_clear(loaded: GraphStore) -> None:
    assert loaded.counts().events == 0
    loaded.save_event(event("ev-1"))
    loaded.save_event(event("ev-2"))
    before = loaded.counts()
    assert before.events == 2
    loaded.delete_event("ev-1")
    assert loaded.counts() == before.model_copy(update={"events": 1})
    loaded.clear()
    assert loaded.counts().events == 0
    assert loaded.list_events() == []
    with pytest.raises(NotFound):
        loaded.get_event("ev-2")


def test_events_are_not_part_of_the_snapshot(loaded: GraphStore) -> None:
    before = loaded.snapshot()
    loaded.save_event(event())
    assert loaded.snapshot() == before


def test_both_stores_agree(loaded: GraphStore, oracle: MemoryStore) -> None:
    sample.load(oracle)
    edited = event("ev-b", name="Edited", schedule=[])
    for target in (loaded, oracle):
        target.save_event(event("ev-b"))
        target.save_event(event("ev-a"))
        target.save_event(edited)
        target.delete_actor("tu-graz", cascade=True)
        target.delete_event("ev-a")
    assert loaded.list_events() == oracle.list_events()
    assert loaded.get_event("ev-b") == oracle.get_event("ev-b") == edited
    assert loaded.counts() == oracle.counts()


@pytest.mark.neo4j
def test_neo4j_links_each_participant_to_its_actor(neo4j_uri: str, neo4j_driver: Driver) -> None:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri)
    try:
        store.clear()
        sample.load(store)
        store.save_event(event())
        query = (
            "MATCH (e:Event {id: 'ev-graz'})-[r:HAS_PARTICIPANT]->(a:Actor) "
            "RETURN e.name, r.participant, a.id"
        )
        records, _, _ = neo4j_driver.execute_query(query, database_="neo4j")
        assert sorted(tuple(r.values()) for r in records) == [
            ("AM brokerage ev-graz", "p-acme", "acme-additive"),
            ("AM brokerage ev-graz", "p-acme-2", "acme-additive"),
            ("AM brokerage ev-graz", "p-tug", "tu-graz"),
        ]
        store.save_event(
            event(
                participants=[{"id": "p-tug", "name": "TUG", "actor_id": "tu-graz"}],
                requests=[],
                meetings=[],
                schedule=[],
            )
        )
        records, _, _ = neo4j_driver.execute_query(query, database_="neo4j")
        assert [r["r.participant"] for r in records] == ["p-tug"]
    finally:
        store.close()
