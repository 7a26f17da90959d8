"""Session fixtures shared by the whole suite: a real local Neo4j and a driver to it.

``neo4j_uri`` reuses the server started by ``matchmaker neo4j start`` when it is alive (state
file ``.cache/neo4j/dev.json``) and no other test session is using it (an advisory claim, see
:meth:`graph.local_neo4j.LocalNeo4j.claim`); otherwise it starts a private server for this
session on a free port with a throw-away data directory and stops it at the end. Set
``MATCHMAKER_NEO4J_REUSE=0`` to always start a private one. A server that cannot start FAILS the
run: Neo4j tests are never skipped, in CI or locally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest
from neo4j import Driver, GraphDatabase

from graph.local_neo4j import LocalNeo4j, free_port
from matchmaker.errors import MatchmakerError


def _reuse_allowed() -> bool:
    return os.environ.get("MATCHMAKER_NEO4J_REUSE", "1").strip().lower() not in {"0", "false", "no"}


def _fail(what: str, error: MatchmakerError) -> NoReturn:
    ci = " (CI)" if os.environ.get("CI", "").lower() == "true" else ""
    pytest.fail(f"{what}{ci}: {error}", pytrace=False)


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """Bolt URI of a live local Neo4j (auth disabled, database ``neo4j``) for this session."""
    dev = LocalNeo4j()
    if _reuse_allowed() and dev.status().alive:
        with dev.claim() as mine:
            if mine:
                try:
                    uri = dev.start(wait_s=60)
                except MatchmakerError as error:
                    _fail("the running local Neo4j does not answer", error)
                yield uri
                return
    server = LocalNeo4j(instance=f"test-{os.getpid()}")
    try:
        uri = server.start(port=free_port(), wait_s=float(os.environ.get("NEO4J_WAIT_S", "180")))
    except MatchmakerError as error:
        _fail("could not start the local Neo4j", error)
    try:
        yield uri
    finally:
        server.stop()
        server.remove_data()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri: str) -> Iterator[Driver]:
    """A driver connected to :func:`neo4j_uri`, closed at the end of the session."""
    with GraphDatabase.driver(neo4j_uri, auth=("neo4j", "")) as driver:
        driver.verify_connectivity()
        yield driver
