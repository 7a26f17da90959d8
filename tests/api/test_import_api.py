"""POST /actors/import, /actors/{keep}/merge/{other} and /unmerge over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from graph.memory import MemoryStore
from graph.taxonomy_loader import load_taxonomy_into
from matchmaker.settings import ApiKey, Role, Settings, hash_key
from tests.api.conftest import LiveServer

ADMIN_KEY = "import-admin-key-0123456789abcdef"
READ_KEY = "import-read-key-0123456789abcdefg"
HEADER = (
    "id,name,kind,region,country,city,website,description,competences,offers,requests,"
    "memberships,affiliation,aliases\n"
)
CSV = HEADER + (
    "cl,AM Cluster,cluster,AT12,AT,,,,,,,,,\n"
    'a1,Böhler Edelstahl GmbH & Co KG,company,AT22,AT,Kapfenberg,,,"mat.ti:3",,,cl,,\n'
    "a2,BOEHLER EDELSTAHL GMBH,company,AT22,AT,KAPFENBERG,,,proc.ded,,,,,\n"
)


@pytest.fixture
def api() -> Iterator[tuple[httpx.Client, MemoryStore]]:
    store = MemoryStore()
    load_taxonomy_into(store)
    settings = Settings(
        MATCHMAKER_API_KEYS=[
            ApiKey(name="ops", role=Role.ADMIN, sha256=hash_key(ADMIN_KEY)),
            ApiKey(name="viewer", role=Role.READ, sha256=hash_key(READ_KEY)),
        ],
        MATCHMAKER_PUBLIC_READS=True,
    )
    with (
        LiveServer(store, settings=settings) as server,
        httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30
        ) as client,
    ):
        yield client, store


def _csv(client: httpx.Client, body: str, **params: str) -> httpx.Response:
    return client.post(
        "/actors/import", content=body, params=params, headers={"Content-Type": "text/csv"}
    )


def test_import_csv_then_again_unchanged(api: tuple[httpx.Client, MemoryStore]) -> None:
    client, store = api
    dry = _csv(client, CSV, dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["created"] == 3
    assert store.counts().actors == 0
    first = _csv(client, CSV)
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["created_ids"] == ["a1", "a2", "cl"]
    assert [(d["a"], d["b"], d["duplicate"]) for d in report["duplicates"]] == [("a1", "a2", True)]
    source = store.get_actor("a1").competences[0].provenance[0].source
    assert source == "api:ops"
    again = _csv(client, CSV).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_bad_batch_is_rejected_whole_with_rows_and_columns(
    api: tuple[httpx.Client, MemoryStore],
) -> None:
    client, store = api
    bad = CSV + "b1,Bad,robot,AT12,AT,,,,,,,,,\nb2,Bad2,company,XX99,AT,,,,,,,,,\n"
    response = _csv(client, bad)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["row"], e["field"], e["actor_id"]) for e in errors] == [
        (4, "kind", "b1"),
        (5, "region", "b2"),
    ]
    assert store.counts().actors == 0


def test_json_body_and_auth(api: tuple[httpx.Client, MemoryStore]) -> None:
    client, store = api
    actor = {"id": "j1", "name": "J One", "kind": "company", "region": "AT12", "country": "AT"}
    response = client.post("/actors/import", content=json.dumps([actor]),
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert store.get_actor("j1").name == "J One"
    forbidden = client.post(
        "/actors/import",
        content=json.dumps([actor]),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {READ_KEY}"},
    )
    assert forbidden.status_code == 403
    wrong_type = client.post("/actors/import", content="x", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 422


def test_merge_and_unmerge(api: tuple[httpx.Client, MemoryStore]) -> None:
    client, store = api
    assert _csv(client, CSV).status_code == 200
    before = store.snapshot().actors
    merged = client.post("/actors/a1/merge/a2")
    assert merged.status_code == 200, merged.text
    assert {c["concept"] for c in merged.json()["competences"]} == {"mat.ti", "proc.ded"}
    assert "a2" in merged.json()["aliases"]
    assert client.get("/actors/a2").status_code == 404
    undone = client.post("/actors/a1/unmerge/a2")
    assert undone.status_code == 200, undone.text
    assert store.snapshot().actors == before
    assert client.post("/actors/a1/unmerge/a2").status_code == 404
