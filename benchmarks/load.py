"""Load test of the HTTP API on loopback, with the server stack's floor measured side by side.

``python -m benchmarks.load [--actors 100000] [--seconds 60] [--clients 50] [--rate 310]
[--workers 2] [--loader auto|wrk|python]``

1. Generates ``--actors`` synthetic actors (seeded), loads them with the taxonomy into a memory
   store in chunks and saves it to a temporary store file.
2. Serves ``uvicorn api.main:app`` with ``MATCHMAKER_DATA_FILE`` pointing at that file, public
   reads and the logging of ``matchmaker serve`` (one JSON access line per request), on
   ``--workers`` processes, and warms every worker's match engine and search index (10-second
   rounds until one answers with no error and a p99 under a second).
3. Service time: one client, ``--route-seconds`` on each route alone (the server's work per
   request without queueing).
4. Baseline: ``--clients`` connections in a closed loop on ``GET /health`` for ``--seconds`` (the
   floor of uvicorn + FastAPI + middleware + the loader on this machine).
5. Target: ``--clients`` connections for ``--seconds`` on a 50/50 mix of
   ``GET /actors/{id}/matches`` (random ids over all actors, so no answer repeats much) and
   ``GET /search?q=`` (a word of one of 500 actors' names), sent at ``--rate`` requests/s on a
   fixed schedule: the clients' aggregate demand, and what the targets are judged on.
6. Capacity: the same mix in a closed loop (each connection sends its next request as soon as
   the previous answer arrived) for ``--seconds``. Its latency is queueing: by Little's law the
   mean is ``clients / throughput``, so 50 busy connections see ~100 ms at 500 requests/s.

The loader is ``wrk`` (C; ``scripts/ensure-wrk.sh`` installs Debian's package) with
``benchmarks/load.lua``, or, when wrk is missing, a Python httpx loop that itself needs most of a
core (the output's ``loader`` says which). Prints JSON: requests, throughput (requests/s),
p50/p95/p99/max latency (ms) and errors (non-2xx, transport failures, timeouts) per phase, the
load average, and whether the targets (>= 300 requests/s, p95 <= 100 ms, zero errors) were met
by the target phase. Only loopback; bounded in requests by time and clients.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
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
from matchmaker.cli.serve_cmd import log_config
from matchmaker.generate import generate_actors

CHUNK = 5000
TARGET_RPS = 300.0
TARGET_P95_MS = 100.0
WARM_ROUNDS = 30
WARM_P99_MS = 1000.0
WARM_S = 10.0
REQUEST_TIMEOUT_S = 30
PATHS = 20_000
LUA = Path(__file__).resolve().parent / "load.lua"


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
    """Run the API in a subprocess on a free loopback port, logging like ``matchmaker serve``;
    yield its base URL."""
    port = free_port()
    log_file = log.with_suffix(".logging.json")
    log_file.write_text(json.dumps(log_config()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHMAKER_", "NEO4J_"))}
    env.update(
        MATCHMAKER_STORE="memory",
        MATCHMAKER_DATA_FILE=str(data_file),
        MATCHMAKER_PUBLIC_READS="true",
    )
    cmd = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", str(workers), "--log-config", str(log_file)]
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


@dataclass(frozen=True)
class Phase:
    """One load phase: paths to send, connections, duration, and a rate (``None``: closed loop)."""

    pick: Picker
    clients: int
    seconds: float
    rate: float | None = None
    timeout_s: int = REQUEST_TIMEOUT_S


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


async def drive(url: str, phase: Phase, seed: int) -> dict[str, Any]:
    """``phase.clients`` concurrent httpx loops of picked requests (paced when ``phase.rate``)."""
    samples: dict[str, Sample] = {}
    clients, seconds, pick = phase.clients, phase.seconds, phase.pick
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    slots = itertools.count()
    async with httpx.AsyncClient(base_url=url, timeout=phase.timeout_s, limits=limits) as client:
        begin = time.perf_counter()
        deadline = begin + seconds

        async def loop(rng: random.Random) -> None:
            while time.perf_counter() < deadline:
                if phase.rate:
                    slot = begin + next(slots) / phase.rate
                    if slot >= deadline:
                        return
                    await asyncio.sleep(max(0.0, slot - time.perf_counter()))
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


def wrk_version() -> str:
    """wrk's first line of usage (its version)."""
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def run_wrk(url: str, phase: Phase, seed: int, tmp: Path, threads: int) -> dict[str, Any]:
    """One phase with wrk and ``load.lua``: the same summary as :func:`drive`."""
    rng = random.Random(seed)
    paths = tmp / f"paths-{seed}.txt"
    paths.write_text("".join(phase.pick(rng)[1] + "\n" for _ in range(PATHS)))
    threads = max(1, min(threads, phase.clients))
    env = {
        **os.environ,
        "WRK_PATHS": str(paths),
        "WRK_THREADS": str(threads),
        "WRK_RATE": str(phase.rate or 0),
    }
    cmd = ["wrk", f"-t{threads}", f"-c{phase.clients}", f"-d{phase.seconds:g}s"]
    cmd += ["--timeout", f"{phase.timeout_s}s", "-s", str(LUA), url]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr}")
    raw = json.loads(lines[-1])
    elapsed = raw["duration_us"] / 1e6
    failures = {k: raw[k] for k in ("non2xx", "connect", "read", "write", "timeout") if raw[k]}
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": sum(failures.values()),
        "error_kinds": failures,
        "seconds": round(elapsed, 1),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the baseline and the mix, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--rate",
        type=float,
        default=310.0,
        help="requests/s of the target phase (a little above the 300 it must sustain)",
    )
    parser.add_argument("--route-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--loader-threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--healthcheck-timeout",
        type=int,
        default=120,
        help="uvicorn --timeout-worker-healthcheck: its default 5 s kills workers busy building "
        "a 100k-actor engine on a loaded machine",
    )
    args = parser.parse_args(argv)

    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    if loader == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: run scripts/ensure-wrk.sh")

    with tempfile.TemporaryDirectory(prefix="matchmaker-load-") as tmpdir:
        tmp = Path(tmpdir)
        data_file = tmp / "store.json"
        t0 = time.perf_counter()
        ids, terms = build_data_file(data_file, args.actors, args.seed)
        build_s = time.perf_counter() - t0
        log = tmp / "api.log"
        with serve(data_file, args.workers, log, args.healthcheck_timeout) as url:
            served_s = time.perf_counter() - t0 - build_s
            paths = httpx.get(f"{url}/openapi.json", timeout=30).json()["paths"]
            search_route = "/search" if "/search" in paths else "/actors"

            def matches(rng: random.Random) -> tuple[str, str]:
                return "matches", f"/actors/{rng.choice(ids)}/matches"

            def search(rng: random.Random) -> tuple[str, str]:
                return "search", f"{search_route}?q={rng.choice(terms)}"

            def mix(rng: random.Random) -> tuple[str, str]:
                return matches(rng) if rng.random() < 0.5 else search(rng)

            def health(rng: random.Random) -> tuple[str, str]:
                return "health", "/health"

            def run(phase: Phase, seed: int) -> dict[str, Any]:
                if loader == "wrk":
                    return run_wrk(url, phase, seed, tmp, args.loader_threads)
                return asyncio.run(drive(url, phase, seed))

            t1 = time.perf_counter()
            warm_phase = Phase(mix, 2 * args.workers, WARM_S, timeout_s=600)
            for round_ in range(WARM_ROUNDS):
                warm = run(warm_phase, args.seed + 100 + round_)
                warm["rounds"] = round_ + 1
                answered = warm["requests"] >= 10 * args.workers and warm["errors"] == 0
                if answered and warm["p99_ms"] < WARM_P99_MS:
                    break
            warm_s = time.perf_counter() - t1
            load_before = load_average()
            service = {
                name: run(Phase(pick, 1, args.route_seconds), args.seed + 200 + i)
                for i, (name, pick) in enumerate(
                    (("matches", matches), ("search", search), ("health", health))
                )
            }
            baseline = run(Phase(health, args.clients, args.seconds), args.seed)
            target = run(Phase(mix, args.clients, args.seconds, args.rate), args.seed + 1)
            capacity = run(Phase(mix, args.clients, args.seconds), args.seed + 2)
            load_after = load_average()
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
        "loader": {"name": loader, "version": wrk_version() if loader == "wrk" else "httpx"},
        "config": {
            "actors": args.actors,
            "seconds": args.seconds,
            "clients": args.clients,
            "rate": args.rate,
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
        "warm_up_last_round": {k: warm[k] for k in ("rounds", "requests", "errors", "p99_ms")},
        "service_time_1_client": service,
        "baseline_GET_/health": baseline,
        "target_mix": target,
        "capacity_mix_closed_loop": capacity,
        "load_average": {"before": load_before, "after": load_after},
        "targets_met": met,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
