"""A real uvicorn server on a free loopback port, so API tests go over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from api.app import create_app
from graph.memory import MemoryStore
from graph.protocol import GraphStore
from matchmaker.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, store: GraphStore, settings: Settings | None = None) -> None:
        self.port = _free_port()
        settings = settings or Settings(MATCHMAKER_PUBLIC_READS=True)
        config = uvicorn.Config(
            create_app(settings=settings, store=store),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def memory_server() -> Iterator[LiveServer]:
    with LiveServer(MemoryStore()) as server:
        yield server


@pytest.fixture
def client(memory_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=memory_server.url, timeout=10) as c:
        yield c
