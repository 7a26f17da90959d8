"""A private server: start, reuse, stop (idempotent), data survives a restart, and a store whose
server went away raises StoreUnavailable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.local_neo4j import LocalNeo4j, free_port
from graph.neo4j_store import Neo4jStore
from matchmaker.cli.main import app
from matchmaker.errors import StoreUnavailable
from matchmaker.models import Concept, Facet

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def test_start_reuse_stop_restart(tmp_path: Path) -> None:
    server = LocalNeo4j(instance=f"lifecycle-{os.getpid()}")
    assert not server.status().alive
    assert server.stop() is False
    try:
        uri = server.start(port=free_port(), data_dir=tmp_path / "data")
        status = server.status()
        assert status.alive
        assert status.uri == uri == server.uri
        assert server.start().startswith(uri)
        assert LocalNeo4j(instance=server.instance).status().pid == status.pid

        store = Neo4jStore(uri=uri, connection_timeout=2, max_retry_time=1)
        try:
            store.upsert_concepts([Concept(id="proc", label="Process", facet=Facet.PROCESS)])
            assert server.stop() is True
            assert not server.status().alive
            assert not server.state_file.exists()
            with pytest.raises(StoreUnavailable):
                store.ping()
            with pytest.raises(StoreUnavailable):
                store.list_concepts()
        finally:
            store.close()
        assert server.stop() is False
        with pytest.raises(StoreUnavailable, match="not running"):
            _ = server.uri

        again = server.start(port=free_port(), data_dir=tmp_path / "data")
        store = Neo4jStore(uri=again)
        try:
            assert [c.id for c in store.list_concepts()] == ["proc"]
        finally:
            store.close()
        assert server.stop() is True
        server.remove_data()
        assert not (tmp_path / "data").exists()
    finally:
        server.stop()


def test_start_timeout_kills_the_process_and_reports(tmp_path: Path) -> None:
    server = LocalNeo4j(instance=f"timeout-{os.getpid()}")
    try:
        with pytest.raises(StoreUnavailable, match="did not answer within"):
            server.start(port=free_port(), wait_s=0.2, data_dir=tmp_path / "data")
        assert not server.status().alive
        assert not server.state_file.exists()
    finally:
        server.stop()


def test_cli_status_and_stop_of_an_idle_home(tmp_path: Path) -> None:
    runner = CliRunner()
    status = runner.invoke(app, ["neo4j", "status", "--home", str(tmp_path)])
    assert status.exit_code == 1
    assert "alive: no" in status.output
    stop = runner.invoke(app, ["neo4j", "stop", "--home", str(tmp_path)])
    assert stop.exit_code == 0
    assert "not running" in stop.output


def test_fetch_is_offline_once_done(monkeypatch: pytest.MonkeyPatch) -> None:
    server = LocalNeo4j()
    server.fetch()
    monkeypatch.setenv("PATH", "")
    server.fetch()
    assert any(server.lib_dir.glob("neo4j-kernel-*.jar"))


def test_claim_is_exclusive_and_released(tmp_path: Path) -> None:
    server = LocalNeo4j(tmp_path, instance="claimed")
    with server.claim() as first, server.claim() as second:
        assert (first, second) == (True, False)
    with server.claim() as again:
        assert again
