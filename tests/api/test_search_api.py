from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from graph.memory import MemoryStore
from graph.seed import seed_demo
from tests.api.conftest import LiveServer


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    store = MemoryStore()
    seed_demo(store)
    with LiveServer(store) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def test_search_returns_hits_with_evidence_and_understanding(api: httpx.Client) -> None:
    response = api.get("/search", params={"q": "WAAM Austria", "limit": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"].startswith("understood:")
    assert body["hits"]
    assert all(hit["region"].startswith("AT") for hit in body["hits"])
    assert body["facets"]["country"] == {"AT": body["total"]}


def test_search_filters_validate(api: httpx.Client) -> None:
    bad = api.get("/search", params={"region": "XX99"})
    assert bad.status_code == 422
    assert "regions" in bad.text


def test_path_between_actors_explained(api: httpx.Client) -> None:
    first = api.get("/search", params={"q": "HIP", "limit": 2}).json()["hits"]
    source, target = first[0]["actor_id"], first[1]["actor_id"]
    response = api.get("/paths", params={"source": source, "target": target})
    assert response.status_code == 200, response.text
    for path in response.json():
        assert path["actors"][0] == source
        assert path["actors"][-1] == target
        assert all(step["text"] for step in path["steps"])
    assert api.get("/paths", params={"source": source, "target": "nobody"}).status_code == 404


def test_map_formats(api: httpx.Client) -> None:
    as_json = api.get("/map").json()
    as_csv = list(csv.DictReader(io.StringIO(api.get("/map.csv").text)))
    assert as_csv
    assert as_json
    svg = api.get("/map.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith(("<svg", "<?xml"))
    png = api.get("/map.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_communities(api: httpx.Client) -> None:
    found = api.get("/communities", params={"min_size": 3}).json()
    assert found
    assert all(len(c["members"]) >= 3 for c in found)


def test_empty_map_still_renders(api: httpx.Client) -> None:
    png = api.get("/map.png", params={"min_actors": 100_000})
    assert png.status_code == 200, png.text
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        list(csv.DictReader(io.StringIO(api.get("/map.csv", params={"min_actors": 100_000}).text)))
        == []
    )
