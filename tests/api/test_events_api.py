"""The organiser's flow over HTTP: event, participants, requests, a scheduling job, exports."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from graph.memory import MemoryStore
from matchmaker.settings import ApiKey, Role, Settings, hash_key
from tests.api.conftest import LiveServer
from tests.scheduling.conftest import make_event

ORGANISER = "organiser-" + "7" * 40
READER = "reader-" + "8" * 40


@pytest.fixture
def api() -> Iterator[httpx.Client]:
    settings = Settings(
        MATCHMAKER_API_KEYS=[
            ApiKey(name="org", role=Role.ORGANISER, sha256=hash_key(ORGANISER)),
            ApiKey(name="reader", role=Role.READ, sha256=hash_key(READER)),
        ],
    )
    with (
        LiveServer(MemoryStore(), settings=settings) as server,
        httpx.Client(base_url=server.url, headers={"X-API-Key": ORGANISER}, timeout=60) as client,
    ):
        yield client


def wait_for(api: httpx.Client, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = api.get(location).json()
        if job["state"] in ("done", "failed"):
            return job
        assert 0 <= job["progress"] <= 1
        time.sleep(0.1)
    raise AssertionError("the scheduling job did not finish")


def test_organiser_flow(api: httpx.Client) -> None:
    event = make_event(4, [(0, 1), (0, 2)]).model_dump(mode="json")
    assert api.post("/events", json=event).status_code == 201
    assert api.post("/events", json=event).status_code == 409

    request = {"id": "r1", "requester": "p3", "invitee": "p1", "message": "WAAM?"}
    assert api.post("/events/demo/requests", json=request).status_code == 201
    accepted = api.post("/events/demo/requests/r1/accepted")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["requests"][0]["status"] == "accepted"

    started = api.post("/events/demo/schedule", params={"time_limit": 10, "seed": 1})
    assert started.status_code == 202, started.text
    job = wait_for(api, started.headers["location"])
    assert job["state"] == "done", job
    assert job["result"]["placed"] == job["result"]["total"] == 3

    summary = api.get("/events").json()
    assert summary[0]["id"] == "demo"
    assert summary[0]["scheduled"] == 3

    ics = api.get("/events/demo/agenda/p1.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert len(list(Calendar.from_ical(ics.content).walk("VEVENT"))) == 2
    assert api.get("/events/demo/grid.csv").text.startswith("date,start,end,slot")
    assert "<!DOCTYPE html>" in api.get("/events/demo/agenda/p0.html").text
    assert api.get("/events/demo/agenda/nobody.ics").status_code == 404


def test_exports_need_a_schedule_and_reads_need_a_key(api: httpx.Client) -> None:
    api.post("/events", json=make_event(2, [(0, 1)]).model_dump(mode="json"))
    assert api.get("/events/demo/grid.csv").status_code == 409
    reader = {"X-API-Key": READER}
    assert api.get("/events/demo", headers=reader).status_code == 200
    assert api.delete("/events/demo", headers=reader).status_code == 403
    assert api.delete("/events/demo").status_code == 204
    assert api.get("/events/demo").status_code == 404


def test_bad_answer_is_422(api: httpx.Client) -> None:
    api.post("/events", json=make_event(2, [(0, 1)]).model_dump(mode="json"))
    assert api.post("/events/demo/requests/none/maybe").status_code == 422
    assert api.post("/events/demo/requests/none/accepted").status_code == 404
