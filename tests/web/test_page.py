"""The web page in a real headless Chromium: its script must run and show the live service."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from graph.memory import MemoryStore
from graph.seed import seed_demo
from tests.api.conftest import LiveServer

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=5000",
]


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: run scripts/ensure-chromium.sh (make test does)")
    return path


def dump_dom(url: str, profile: Path) -> str:
    result = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return result.stdout


def test_home_page_shows_live_service(tmp_path: Path) -> None:
    with LiveServer(MemoryStore()) as server:
        dom = dump_dom(server.url + "/", tmp_path / "profile")
    assert 'id="status" class="small">Service ok, store: memory, version' in dom


def test_search_from_the_page_lists_hits_with_evidence(tmp_path: Path) -> None:
    store = MemoryStore()
    seed_demo(store)
    with LiveServer(store) as server:
        dom = dump_dom(server.url + "/?q=WAAM", tmp_path / "profile")
    assert 'id="understood"' in dom
    assert "understood: process" in dom
    assert dom.count('class="hit-name link"') >= 3
    assert "level " in dom
