"""The API process configured the way docker-compose configures it, against the session Neo4j.

The command is the Dockerfile's (``uvicorn api.main:app --workers 2``) and the configuration is
only the environment docker-compose sets (``MATCHMAKER_STORE=neo4j`` and ``NEO4J_*``); the
process runs in an empty directory so no developer ``.env`` file leaks in.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from graph.local_neo4j import free_port

pytestmark = pytest.mark.neo4j

START_TIMEOUT_S = 60.0


@pytest.fixture(scope="module")
def api_process(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``uvicorn api.main:app`` started with docker-compose's environment."""
    tmp_path = tmp_path_factory.mktemp("compose-path")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHMAKER_", "NEO4J_"))}
    env.update(
        MATCHMAKER_STORE="neo4j",
        NEO4J_URI=neo4j_uri,
        NEO4J_USER="neo4j",
        NEO4J_PASSWORD="unused-by-the-local-server",
        NEO4J_DATABASE="neo4j",
        MATCHMAKER_API_KEYS="[]",
        MATCHMAKER_PUBLIC_READS="false",
        MATCHMAKER_DEMO="false",
    )
    cmd = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "2"]
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the API exited with {proc.returncode}: {log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the API did not answer in {START_TIMEOUT_S:.0f}s: {log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_health_names_neo4j_and_ready(api_process: str) -> None:
    health = httpx.get(f"{api_process}/health", timeout=10)
    assert health.status_code == 200
    assert health.json()["store"] == "neo4j"

    ready = httpx.get(f"{api_process}/ready", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {**health.json(), "status": "ready"}


def test_reads_need_a_key_as_configured(api_process: str) -> None:
    """MATCHMAKER_PUBLIC_READS=false and no keys: reads are refused, so the env was applied."""
    response = httpx.get(f"{api_process}/actors", timeout=10)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
