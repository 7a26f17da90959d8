"""Every write route refuses missing, wrong and under-privileged keys.

The routes come from the app's own route table, so a new write route cannot skip this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from graph.memory import MemoryStore
from matchmaker.settings import ApiKey, Role, Settings, hash_key
from tests.api.conftest import LiveServer

KEYS = {"reader": "r-" + "1" * 40, "organiser": "o-" + "2" * 40, "admin": "a-" + "3" * 40}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def keyed_settings(*, public_reads: bool = False) -> Settings:
    return Settings(
        MATCHMAKER_API_KEYS=[
            ApiKey(name="reader", role=Role.READ, sha256=hash_key(KEYS["reader"])),
            ApiKey(name="organiser", role=Role.ORGANISER, sha256=hash_key(KEYS["organiser"])),
            ApiKey(name="admin", role=Role.ADMIN, sha256=hash_key(KEYS["admin"])),
        ],
        MATCHMAKER_PUBLIC_READS=public_reads,
    )


def write_routes() -> list[tuple[str, str, str]]:
    """(method, concrete path, needed role) for every write route in the app's OpenAPI table."""
    routes = []
    paths = create_app(keyed_settings()).openapi()["paths"]
    for template, operations in sorted(paths.items()):
        for method in sorted(m.upper() for m in operations if m.upper() in WRITE_METHODS):
            path = re.sub(r"\{[^}]+\}", "x-1", template)
            needed = "admin" if path.startswith(("/actors", "/import")) else "organiser"
            if path in ("/normalise",) or path.startswith(("/search", "/match")):
                needed = "read"
            routes.append((method, path, needed))
    return routes


@pytest.fixture(scope="module")
def keyed_server() -> Iterator[LiveServer]:
    with LiveServer(MemoryStore(), settings=keyed_settings()) as server:
        yield server


def test_route_table_has_write_routes() -> None:
    assert len(write_routes()) >= 3


@pytest.mark.parametrize(("method", "path", "needed"), write_routes())
def test_write_without_key_is_401(
    keyed_server: LiveServer, method: str, path: str, needed: str
) -> None:
    response = httpx.request(method, keyed_server.url + path, json={}, timeout=10)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "needed"), write_routes())
def test_write_with_wrong_key_is_401(
    keyed_server: LiveServer, method: str, path: str, needed: str
) -> None:
    headers = {"Authorization": "Bearer not-a-key"}
    response = httpx.request(method, keyed_server.url + path, json={}, headers=headers, timeout=10)
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(
    ("method", "path", "needed"), [r for r in write_routes() if r[2] != "read"]
)
def test_write_with_weaker_role_is_403(
    keyed_server: LiveServer, method: str, path: str, needed: str
) -> None:
    weaker = "reader" if needed == "organiser" else "organiser"
    headers = {"X-API-Key": KEYS[weaker]}
    response = httpx.request(method, keyed_server.url + path, json={}, headers=headers, timeout=10)
    assert response.status_code == 403, response.text


def test_reads_need_a_key_unless_public(keyed_server: LiveServer) -> None:
    assert httpx.get(keyed_server.url + "/actors", timeout=10).status_code == 401
    headers = {"X-API-Key": KEYS["reader"]}
    assert httpx.get(keyed_server.url + "/actors", headers=headers, timeout=10).status_code == 200


def test_public_reads_open_reads_not_writes() -> None:
    with LiveServer(MemoryStore(), settings=keyed_settings(public_reads=True)) as server:
        assert httpx.get(server.url + "/actors", timeout=10).status_code == 200
        assert httpx.post(server.url + "/actors", json={}, timeout=10).status_code == 401
