"""Load test of the HTTP API on loopback, with the server stack's floor measured side by side.

``python -m benchmarks.load [--actors 100000] [--seconds 60] [--clients 50] [--workers 2]``

1. Generates ``--actors`` synthetic actors (seeded), loads them with the taxonomy into a memory
   store in chunks and saves it to a temporary store file.
2. Serves ``uvicorn api.main:app`` with ``MATCHMAKER_DATA_FILE`` pointing at that file and
   public reads, on ``--workers`` processes, and warms every worker's match engine.
3. Baseline: ``--clients`` concurrent async clients on ``GET /health`` for ``--seconds`` (the
   floor of uvicorn + FastAPI + middleware + the loader itself on this machine).
4. Target: the same clients for ``--seconds`` on a 50/50 mix of ``GET /actors/{id}/matches`` and
   search (``GET /search?q=`` when the app has it, else ``GET /actors?q=``; ``search_route`` in
   the output says which).

Prints JSON: requests, throughput (requests/s), p50/p95/p99 latency (ms), errors (non-2xx or
transport failures, with a sample) for the baseline, the mix and each route of the mix, and
whether the targets (>= 300 requests/s, p95 <= 100 ms, zero errors) were met. Only loopback;
bounded in requests by time and clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from graph.local_neo4j import free_port
from graph.memory import MemoryStore
from graph.taxonomy_loader import load_taxonomy_into
from matchmaker.generate import generate_actors

CHUNK = 5000
TARGET_RPS = 300.0
TARGET_P95_MS = 100.0
WARM_ROUNDS = 30
WARM_P99_MS = 5000.0


@dataclass
class Sample:
    """Latencies (seconds) and failures of one route."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)

    def add(self, seconds: float, error: str | None) -> None:
        self.latencies.append(seconds)
        if error is not None:
            self.errors += 1
            if len(self.error_examples) < 5:
                self.error_examples.append(error)


def summarise(sample: Sample, elapsed: float) -> dict[str, Any]:
    """Throughput, latency percentiles (ms) and errors of one sample.

    >>> summarise(Sample(latencies=[0.01, 0.02], errors=0), 1.0)["requests_per_s"]
    2.0
    """
    lat = np.asarray(sample.latencies) * 1000.0
    pct = np.percentile(lat, [50, 95, 99]) if lat.size else np.zeros(3)
    return {
        "requests": int(lat.size),
        "requests_per_s": round(lat.size / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(float(pct[0]), 2),
        "p95_ms": round(float(pct[1]), 2),
        "p99_ms": round(float(pct[2]), 2),
        "errors": sample.errors,
        "error_examples": sample.error_examples,
    }


def build_data_file(path: Path, n: int, seed: int) -> tuple[list[str], list[str]]:
    """Write a memory-store file with the taxonomy and ``n`` generated actors.

    Returns
    -------
    The actor ids, and search terms (a word of each of up to 500 actors' names).
    """
    store = MemoryStore(path, autosave=False)
    load_taxonomy_into(store)
    ids: list[str] = []
    terms: list[str] = []
    chunk = []
    for actor in generate_actors(n, seed=seed):
        ids.append(actor.id)
        words = [w for w in actor.name.split() if len(w) >= 4 and w.isalpha()]
        if words and len(terms) < 500:
            terms.append(words[0].lower())
        chunk.append(actor)
        if len(chunk) == CHUNK:
            store.upsert_actors(chunk)
            chunk = []
    if chunk:
        store.upsert_actors(chunk)
    store.save()
    store.close()
    return ids, terms or ["metal"]


@contextmanager
def serve(data_file: Path, workers: int, log: Path, healthcheck_s: int) -> Iterator[str]:
    """Run the API in a subprocess on a free loopback port; yield its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHMAKER_", "NEO4J_"))}
    env.update(
        MATCHMAKER_STORE="memory",
        MATCHMAKER_DATA_FILE=str(data_file),
        MATCHMAKER_PUBLIC_READS="true",
    )
    cmd = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", str(workers), "--log-level", "info"]
    cmd += ["--no-access-log", "--timeout-worker-healthcheck", str(healthcheck_s)]
    root = Path(__file__).resolve().parent.parent
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the API exited ({proc.returncode}): {log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/ready", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the API did not get ready: {log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


Picker = Callable[[random.Random], tuple[str, str]]


async def drive(url: str, pick: Picker, clients: int, seconds: float, seed: int) -> dict[str, Any]:
    """``clients`` concurrent loops of picked requests for ``seconds``; a summary per route."""
    samples: dict[str, Sample] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        deadline = time.perf_counter() + seconds

        async def loop(rng: random.Random) -> None:
            while time.perf_counter() < deadline:
                route, path = pick(rng)
                started = time.perf_counter()
                error: str | None = None
                try:
                    response = await client.get(path)
                    await response.aread()
                    if response.status_code >= 300:
                        error = f"{response.status_code} {path}: {response.text[:200]}"
                except httpx.HTTPError as e:
                    error = f"{type(e).__name__} {path}: {e}"
                samples.setdefault(route, Sample()).add(time.perf_counter() - started, error)

        started = time.perf_counter()
        await asyncio.gather(*(loop(random.Random(seed * 1000 + i)) for i in range(clients)))
        elapsed = time.perf_counter() - started
    total = Sample()
    for sample in samples.values():
        total.latencies.extend(sample.latencies)
        total.errors += sample.errors
        total.error_examples.extend(sample.error_examples[: 5 - len(total.error_examples)])
    out = summarise(total, elapsed)
    out["seconds"] = round(elapsed, 1)
    if len(samples) > 1:
        out["routes"] = {route: summarise(s, elapsed) for route, s in sorted(samples.items())}
    return out


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the baseline and the mix, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--healthcheck-timeout",
        type=int,
        default=120,
        help="uvicorn --timeout-worker-healthcheck: its default 5 s kills workers busy building "
        "a 100k-actor engine on a loaded machine",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="matchmaker-load-") as tmp:
        data_file = Path(tmp) / "store.json"
        t0 = time.perf_counter()
        ids, terms = build_data_file(data_file, args.actors, args.seed)
        build_s = time.perf_counter() - t0
        log = Path(tmp) / "api.log"
        with serve(data_file, args.workers, log, args.healthcheck_timeout) as url:
            served_s = time.perf_counter() - t0 - build_s
            paths = httpx.get(f"{url}/openapi.json", timeout=30).json()["paths"]
            search_route = "/search" if "/search" in paths else "/actors"

            def mix(rng: random.Random) -> tuple[str, str]:
                if rng.random() < 0.5:
                    return "matches", f"/actors/{rng.choice(ids)}/matches"
                return "search", f"{search_route}?q={rng.choice(terms)}"

            def health(rng: random.Random) -> tuple[str, str]:
                return "health", "/health"

            t1 = time.perf_counter()
            for round_ in range(WARM_ROUNDS):
                warm = asyncio.run(drive(url, mix, 2 * args.workers, 10.0, args.seed + round_))
                if warm["errors"] == 0 and warm["p99_ms"] < WARM_P99_MS:
                    break
            warm_s = time.perf_counter() - t1
            baseline = asyncio.run(drive(url, health, args.clients, args.seconds, args.seed))
            target = asyncio.run(drive(url, mix, args.clients, args.seconds, args.seed))
            restarts = (
                log.read_text(errors="replace").count("Started server process") - args.workers
            )

    met = {
        "requests_per_s>=300": target["requests_per_s"] >= TARGET_RPS,
        "p95_ms<=100": target["p95_ms"] <= TARGET_P95_MS,
        "zero_errors": target["errors"] == 0 and warm["errors"] == 0,
    }
    report = {
        "benchmark": "load",
        "config": {
            "actors": args.actors,
            "seconds": args.seconds,
            "clients": args.clients,
            "workers": args.workers,
            "seed": args.seed,
            "healthcheck_timeout_s": args.healthcheck_timeout,
            "cpus": os.cpu_count(),
            "search_route": f"GET {search_route}?q=",
        },
        "setup_s": {
            "build_store_file": round(build_s, 1),
            "server_ready": round(served_s, 1),
            "warm_up": round(warm_s, 1),
        },
        "worker_restarts": restarts,
        "warm_up": {k: warm[k] for k in ("requests", "errors", "error_examples", "p99_ms")},
        "baseline_GET_/health": baseline,
        "target_mix": target,
        "targets_met": met,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
