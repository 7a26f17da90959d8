from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from graph.memory import MemoryStore
from tests.api.conftest import LiveServer
from tests.matching.helpers import CONCEPTS, actor


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    store = MemoryStore()
    store.upsert_concepts(CONCEPTS)
    store.upsert_actors(
        [
            actor("cluster-am", kind="cluster", region="AT12"),
            actor(
                "powder",
                region="AT12",
                competences={"vc.materials": 3},
                offers=[["mat.ti.ti64", "vc.materials"]],
                clusters=["cluster-am"],
            ),
            actor(
                "printer-be",
                region="BE21",
                competences={"vc.print": 3, "proc.pbf.lb_m": 3},
                requests=[["mat.ti.ti64"]],
            ),
            actor(
                "printer-ni",
                region="DE21",
                competences={"vc.print": 3, "proc.pbf.lb_m": 3},
                requests=[["mat.ni.in718"]],
            ),
        ]
    )
    with LiveServer(store) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_matches_ranked_with_contributions_and_reason(api: httpx.Client) -> None:
    response = api.get("/actors/powder/matches", params={"top": 5})
    assert response.status_code == 200, response.text
    matches = response.json()
    assert matches[0]["partner_id"] == "printer-be"
    best = matches[0]
    assert abs(sum(best["contributions"].values()) - best["score"]) < 1e-9
    assert best["reason"]
    assert all(m["partner_id"] != "powder" for m in matches)


def test_filters_and_weights_apply(api: httpx.Client) -> None:
    only_de = api.get("/actors/powder/matches", params={"country": "de"}).json()
    assert {m["partner_country"] for m in only_de} <= {"DE"}
    response = api.get("/actors/powder/matches", params={"weights": "region=0"})
    assert response.status_code == 200, response.text
    assert all(m["contributions"]["region"] == 0 for m in response.json())


def test_bad_options_are_422_naming_the_field(api: httpx.Client) -> None:
    bad_scope = api.get("/actors/powder/matches", params={"scope": "moon"})
    assert bad_scope.status_code == 422
    assert "scope" in bad_scope.text
    bad_weights = api.get("/actors/powder/matches", params={"weights": "region"})
    assert bad_weights.status_code == 422
    assert api.get("/actors/nobody/matches").status_code == 404


def test_cluster_export_is_csv(api: httpx.Client) -> None:
    response = api.get("/clusters/cluster-am/matches.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    assert {r["actor_id"] for r in rows} == {"powder"}
    assert rows[0]["rank"] == "1"
