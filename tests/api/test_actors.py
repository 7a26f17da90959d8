from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.memory import MemoryStore
from matchmaker.models import Concept
from matchmaker.settings import ApiKey, Role, Settings, hash_key
from tests.api.conftest import LiveServer

ADMIN_KEY = "admin-" + "9" * 40


def actor(actor_id: str, name: str = "Acme Additive GmbH", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": actor_id,
        "name": name,
        "kind": "company",
        "region": "AT12",
        "country": "AT",
    }
    body.update(extra)
    return body


@pytest.fixture
def api() -> Iterator[httpx.Client]:
    store = MemoryStore()
    store.upsert_concepts(
        [
            Concept(id="am", label="additive manufacturing", facet="process"),
            Concept(id="proc.pbf", label="PBF", facet="process", broader=["am"]),
        ]
    )
    settings = Settings(
        MATCHMAKER_API_KEYS=[ApiKey(name="ops", role=Role.ADMIN, sha256=hash_key(ADMIN_KEY))],
        MATCHMAKER_PUBLIC_READS=True,
        MATCHMAKER_MAX_BODY=64 * 1024,
    )
    with (
        LiveServer(store, settings=settings) as server,
        httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=10
        ) as client,
    ):
        yield client


def test_create_read_update_delete(api: httpx.Client) -> None:
    created = api.post("/actors", json=actor("acme"))
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/actors/acme"
    got = api.get("/actors/acme")
    assert got.json()["name"] == "Acme Additive GmbH"
    etag = got.headers["etag"]
    updated = api.put("/actors/acme", json=actor("acme", "Acme AM"), headers={"If-Match": etag})
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] != etag
    assert api.get("/actors/acme").json()["name"] == "Acme AM"
    assert api.delete("/actors/acme").status_code == 200
    assert api.get("/actors/acme").status_code == 404


def test_stale_if_match_is_refused_and_nothing_changes(api: httpx.Client) -> None:
    api.post("/actors", json=actor("acme"))
    stale = api.get("/actors/acme").headers["etag"]
    api.put("/actors/acme", json=actor("acme", "First editor"), headers={"If-Match": stale})
    second = api.put(
        "/actors/acme", json=actor("acme", "Second editor"), headers={"If-Match": stale}
    )
    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")
    assert api.get("/actors/acme").json()["name"] == "First editor"


def test_create_existing_is_conflict(api: httpx.Client) -> None:
    assert api.post("/actors", json=actor("acme")).status_code == 201
    again = api.post("/actors", json=actor("acme", "Other"))
    assert again.status_code == 409
    assert api.get("/actors/acme").json()["name"] == "Acme Additive GmbH"


def test_invalid_actor_names_the_field(api: httpx.Client) -> None:
    response = api.post("/actors", json=actor("acme", region="ZZ99"))
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.endswith("region") for f in fields), fields


def test_unknown_actor_is_problem_404(api: httpx.Client) -> None:
    response = api.get("/actors/nobody")
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert "nobody" in response.json()["detail"]


def test_list_filters_and_pages(api: httpx.Client) -> None:
    for i in range(5):
        api.post("/actors", json=actor(f"a{i}", f"Firm {i}"))
    api.post("/actors", json=actor("dk1", "Dansk Firma", region="DK03", country="DK"))
    page = api.get("/actors", params={"limit": 2}).json()
    assert [a["id"] for a in page["items"]] == ["a0", "a1"]
    assert page["total"] == 6
    second = api.get("/actors", params={"limit": 2, "after": page["next_after"]}).json()
    assert [a["id"] for a in second["items"]] == ["a2", "a3"]
    danish = api.get("/actors", params={"country": "dk"}).json()
    assert [a["id"] for a in danish["items"]] == ["dk1"]
    assert api.get("/actors", params={"limit": 5000}).status_code == 422


def test_oversized_body_is_413(api: httpx.Client) -> None:
    big = actor("acme", description="x" * 100_000)
    response = api.post("/actors", json=big)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


def test_request_id_echoed_or_generated(api: httpx.Client) -> None:
    assert api.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == (
        "abc-123"
    )
    assert len(api.get("/health").headers["x-request-id"]) == 32
