"""Neo4j stopped mid-run: the API answers 503 problem+json fast and recovers with no data lost.

The test starts its OWN local Neo4j (instance, port and data directory of its own) so the
session server other tests use is never disturbed, stops it while the API is serving, and
restarts it on the same data directory and port.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graph.local_neo4j import LocalNeo4j, free_port
from graph.neo4j_store import Neo4jStore
from graph.seed import seed_demo
from matchmaker.errors import MatchmakerError
from matchmaker.settings import ApiKey, Role, Settings, hash_key
from tests.api.conftest import LiveServer

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

ADMIN_KEY = "outage-admin-key"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
START_WAIT_S = float(os.environ.get("NEO4J_WAIT_S", "180"))
# Driver bounds: a call on a dead server fails within about connection_timeout + max_retry_time.
CONNECTION_TIMEOUT_S = 2.0
MAX_RETRY_S = 2.0
FAIL_FAST_S = 10.0
RECOVER_S = 30.0


@dataclass
class Outage:
    neo4j: LocalNeo4j
    port: int
    data_dir: Path
    api: LiveServer


@pytest.fixture
def outage(tmp_path: Path) -> Iterator[Outage]:
    """An API over its own Neo4j, loaded with the demo ecosystem; stopped and removed after."""
    neo4j = LocalNeo4j(instance=f"outage-{os.getpid()}")
    port = free_port()
    data_dir = tmp_path / "neo4j-data"
    try:
        uri = neo4j.start(port=port, wait_s=START_WAIT_S, data_dir=data_dir)
    except MatchmakerError as error:
        pytest.fail(f"could not start the outage test's own Neo4j: {error}", pytrace=False)
    store: Neo4jStore | None = None
    try:
        store = Neo4jStore(uri, connection_timeout=CONNECTION_TIMEOUT_S, max_retry_time=MAX_RETRY_S)
        seed_demo(store)
        settings = Settings(
            api_keys=[ApiKey(name="ops", role=Role.ADMIN, sha256=hash_key(ADMIN_KEY))],
            public_reads=True,
        )
        with LiveServer(store, settings=settings) as api:
            yield Outage(neo4j=neo4j, port=port, data_dir=data_dir, api=api)
    finally:
        if store is not None:
            store.close()
        neo4j.stop()
        neo4j.remove_data()


def _all_actors(client: httpx.Client) -> list[dict[str, object]]:
    actors: list[dict[str, object]] = []
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1000}
        if after is not None:
            params["after"] = after
        response = client.get("/actors", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        actors.extend(page["items"])
        after = page.get("next_after")
        if not after:
            return actors


def _assert_unavailable(response: httpx.Response, started: float) -> None:
    elapsed = time.monotonic() - started
    assert response.status_code == 503, (response.request.url, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["status"] == 503
    assert elapsed < FAIL_FAST_S, f"{response.request.url} took {elapsed:.1f}s to fail"


def test_neo4j_stopped_mid_run_then_restarted(outage: Outage) -> None:
    with httpx.Client(base_url=outage.api.url, timeout=FAIL_FAST_S * 3) as client:
        assert client.get("/ready").status_code == 200
        before = _all_actors(client)
        assert len(before) > 200
        one = before[0]
        edited = {**one, "name": f"{one['name']} (edited during outage)"}

        assert outage.neo4j.stop(grace_s=30)

        requests = [
            ("GET", "/ready", None, {}),
            ("GET", f"/actors/{one['id']}", None, {}),
            ("GET", "/actors", None, {}),
            ("GET", "/concepts", None, {}),
            ("PUT", f"/actors/{one['id']}", edited, ADMIN),
            ("DELETE", f"/actors/{one['id']}", None, ADMIN),
        ]
        for method, path, body, headers in requests:
            started = time.monotonic()
            response = client.request(method, path, json=body, headers=headers)
            _assert_unavailable(response, started)

        outage.neo4j.start(port=outage.port, wait_s=START_WAIT_S, data_dir=outage.data_dir)

        deadline = time.monotonic() + RECOVER_S
        while (ready := client.get("/ready")).status_code != 200:
            assert time.monotonic() < deadline, f"/ready still {ready.status_code}: {ready.text}"
            time.sleep(0.5)
        assert ready.json()["store"] == "neo4j"
        assert _all_actors(client) == before
        assert client.get(f"/actors/{one['id']}").json() == one
