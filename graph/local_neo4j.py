"""A local Neo4j 5.26 server for development and tests, run without Docker.

:class:`LocalNeo4j` downloads the embedded Neo4j jars with Maven (``neo4j-runtime/pom.xml``),
compiles the small ``Launcher`` with Java 17's ``javac`` and runs it detached with Java 17 (never
whatever ``java`` is on ``PATH``: Neo4j 5.26 supports Java 17 and 21 only). Everything lives under
``.cache/neo4j`` of the repository::

    lib/                 jars copied by Maven
    classes/             the compiled Launcher
    logs/<instance>.log  the server's stdout/stderr
    data-<port>/         the database directory
    <instance>.json      state: pid, port, uri, data dir of a running server

Usage::

    server = LocalNeo4j()
    server.fetch()
    uri = server.start()  # "bolt://127.0.0.1:7687", or another free port
    ...
    server.stop()
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matchmaker.errors import ConfigurationError, StoreError, StoreUnavailable

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HOME = REPO_ROOT / ".cache" / "neo4j"
RUNTIME_DIR = REPO_ROOT / "neo4j-runtime"
LAUNCHER_SOURCE = (
    RUNTIME_DIR / "src" / "main" / "java" / "org" / "matchmaker" / "neo4j" / "Launcher.java"
)
LAUNCHER_CLASS = "org.matchmaker.neo4j.Launcher"
PREFERRED_PORT = 7687
SUPPORTED_JAVA = ("17", "21")

JVM_FLAGS: tuple[str, ...] = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:ActiveProcessorCount=2",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)
"""Flags Neo4j's own launcher passes (``server.jvm.additional``), heap capped at 1 GB."""

_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True, slots=True)
class Neo4jStatus:
    """What :meth:`LocalNeo4j.status` reports; ``alive`` means the process runs."""

    instance: str
    alive: bool
    pid: int | None = None
    port: int | None = None
    uri: str | None = None
    data_dir: Path | None = None
    log: Path | None = None


def find_java_home() -> Path:
    """The home of a Java 17 (or 21) runtime to run Neo4j with.

    ``NEO4J_JAVA_HOME`` wins if set; otherwise ``/usr/lib/jvm/java-17-openjdk-*`` and other
    17/21 JDKs under ``/usr/lib/jvm``, then ``JAVA_HOME`` if it is one of those versions.

    Returns:
        A directory with ``bin/java`` and ``bin/javac``.

    Raises:
        ConfigurationError: no supported JDK was found.
    """
    explicit = os.environ.get("NEO4J_JAVA_HOME")
    if explicit:
        home = Path(explicit)
        if not (home / "bin" / "java").exists():
            raise ConfigurationError(f"NEO4J_JAVA_HOME={explicit} has no bin/java")
        return home
    jvm = Path("/usr/lib/jvm")
    candidates: list[Path] = []
    if jvm.is_dir():
        candidates += sorted(jvm.glob("java-17-openjdk-*"))
        candidates += sorted(p for p in jvm.iterdir() if p not in candidates)
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    for home in candidates:
        if (home / "bin" / "javac").exists() and _java_major(home) in SUPPORTED_JAVA:
            return home
    raise ConfigurationError(
        "no Java 17 or 21 JDK found (looked in /usr/lib/jvm and JAVA_HOME); install "
        "openjdk-17-jdk or set NEO4J_JAVA_HOME"
    )


def _java_major(home: Path) -> str | None:
    release = home / "release"
    if not release.exists():
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(errors="replace"), re.MULTILINE)
    return match.group(1) if match else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _digest(*paths: Path) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.read_bytes())
    return sha.hexdigest()


class LocalNeo4j:
    """Fetch, start, stop and inspect one local Neo4j server.

    Parameters:
        home: cache directory (jars, classes, logs, data, state files).
        instance: name of the server; its state file is ``<home>/<instance>.json``. The CLI
            uses ``"dev"``; test sessions that start their own server use another name.
        runtime_dir: directory with ``pom.xml`` and the Launcher source.
    """

    def __init__(
        self,
        home: Path = DEFAULT_HOME,
        *,
        instance: str = "dev",
        runtime_dir: Path = RUNTIME_DIR,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", instance):
            raise ConfigurationError(f"instance name '{instance}' must be a plain file name")
        self.home = Path(home).resolve()
        self.instance = instance
        self.runtime_dir = Path(runtime_dir).resolve()
        self._last_data_dir: Path | None = None

    # paths
    @property
    def lib_dir(self) -> Path:
        return self.home / "lib"

    @property
    def classes_dir(self) -> Path:
        return self.home / "classes"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def state_file(self) -> Path:
        return self.home / f"{self.instance}.json"

    @property
    def log_file(self) -> Path:
        return self.logs_dir / f"{self.instance}.log"

    @property
    def uri(self) -> str:
        """Bolt URI of the running server.

        Raises:
            StoreUnavailable: the server is not running.
        """
        status = self.status()
        if not status.alive or status.uri is None:
            raise StoreUnavailable(
                f"local Neo4j '{self.instance}' is not running (matchmaker neo4j start)"
            )
        return status.uri

    # fetch
    def fetch(self) -> None:
        """Download the Neo4j jars and compile the Launcher; quick and offline once done.

        Raises:
            ConfigurationError: Maven or a Java 17 JDK is missing.
            StoreError: Maven or javac failed (the message holds their output).
        """
        self.home.mkdir(parents=True, exist_ok=True)
        with self._lock():
            self._fetch_jars()
            self._compile_launcher()

    def _fetch_jars(self) -> None:
        pom = self.runtime_dir / "pom.xml"
        stamp = self.lib_dir / ".pom.sha256"
        want = _digest(pom)
        if stamp.exists() and stamp.read_text() == want and any(self.lib_dir.glob("neo4j-*.jar")):
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ConfigurationError("Maven ('mvn') is not on PATH; it downloads the Neo4j jars")
        if self.lib_dir.exists():
            shutil.rmtree(self.lib_dir)
        env = dict(os.environ, JAVA_HOME=str(find_java_home()))
        cmd = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={self.lib_dir}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise StoreError(
                f"mvn copy-dependencies failed ({done.returncode}): "
                f"{(done.stdout + done.stderr)[-4000:]}"
            )
        stamp.write_text(want)

    def _compile_launcher(self) -> None:
        stamp = self.classes_dir / ".source.sha256"
        want = _digest(LAUNCHER_SOURCE, self.runtime_dir / "pom.xml")
        compiled = self.classes_dir / Path(*LAUNCHER_CLASS.split(".")).with_suffix(".class")
        if stamp.exists() and stamp.read_text() == want and compiled.exists():
            return
        if self.classes_dir.exists():
            shutil.rmtree(self.classes_dir)
        self.classes_dir.mkdir(parents=True)
        javac = find_java_home() / "bin" / "javac"
        cmd = [
            str(javac),
            "--release",
            "17",
            "-d",
            str(self.classes_dir),
            "-cp",
            str(self.lib_dir / "*"),
            str(LAUNCHER_SOURCE),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StoreError(f"javac failed ({done.returncode}): {done.stderr[-4000:]}")
        stamp.write_text(want)

    # lifecycle
    def start(
        self,
        port: int | None = None,
        wait_s: float = 120,
        *,
        data_dir: Path | None = None,
    ) -> str:
        """Start the server (or reuse this instance's running one) and return its Bolt URI.

        Parameters:
            port: Bolt port; ``None`` picks 7687 if free, else any free port.
            wait_s: how long to wait for Bolt to answer.
            data_dir: database directory; default ``<home>/data-<port>``.

        Returns:
            ``bolt://127.0.0.1:<port>``.

        Raises:
            StoreUnavailable: the server died or did not answer within ``wait_s`` (the message
                ends with the tail of its log).
        """
        self.fetch()
        with self._lock():
            status = self.status()
            if status.alive and status.uri is not None:
                self._wait_ready(status.uri, status.pid, wait_s)
                return status.uri
            self._forget()
            attempts = 1 if port is not None else 3
            for attempt in range(attempts):
                chosen = port if port is not None else self._pick_port(attempt)
                try:
                    return self._spawn(chosen, wait_s, data_dir)
                except _PortTaken:
                    if attempt == attempts - 1:
                        raise StoreUnavailable(
                            f"port {chosen} is taken; {self._log_tail()}"
                        ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _pick_port(self, attempt: int) -> int:
        if attempt == 0 and _port_free(PREFERRED_PORT):
            return PREFERRED_PORT
        return free_port()

    def _spawn(self, port: int, wait_s: float, data_dir: Path | None) -> str:
        java = find_java_home() / "bin" / "java"
        data = Path(data_dir) if data_dir is not None else self.home / f"data-{port}"
        fresh = not data.exists()
        data.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        ready = self.home / f"{self.instance}.ready"
        ready.unlink(missing_ok=True)
        classpath = os.pathsep.join([str(self.classes_dir), str(self.lib_dir / "*")])
        cmd = [
            str(java),
            *JVM_FLAGS,
            "-cp",
            classpath,
            LAUNCHER_CLASS,
            "--port",
            str(port),
            "--home",
            str(data),
            "--ready-file",
            str(ready),
            "--pagecache-mb",
            "256",
        ]
        with self.log_file.open("wb") as log:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.home,
            )
        _CHILDREN[proc.pid] = proc
        self._last_data_dir = data
        uri = f"bolt://127.0.0.1:{port}"
        state = {
            "pid": proc.pid,
            "port": port,
            "uri": uri,
            "data_dir": str(data),
            "log": str(self.log_file),
            "started_at": time.time(),
        }
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(self.state_file)
        try:
            self._wait_ready(uri, proc.pid, wait_s)
        except StoreUnavailable:
            self._kill(proc.pid, grace_s=10)
            self._forget()
            if fresh:
                shutil.rmtree(data, ignore_errors=True)
            if "Address already in use" in self._log_tail():
                raise _PortTaken(port) from None
            raise
        return uri

    def _wait_ready(self, uri: str, pid: int | None, wait_s: float) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import DriverError, Neo4jError

        deadline = time.monotonic() + wait_s
        last_error = "no answer yet"
        while True:
            if pid is not None and not _pid_alive(pid):
                raise StoreUnavailable(
                    f"local Neo4j exited during start-up (pid {pid}); log {self.log_file}: "
                    f"{self._log_tail()}"
                )
            try:
                with GraphDatabase.driver(uri, auth=("neo4j", ""), connection_timeout=2) as drv:
                    drv.verify_connectivity()
                return
            except (DriverError, Neo4jError, OSError) as error:
                last_error = f"{type(error).__name__}: {error}"
            if time.monotonic() >= deadline:
                raise StoreUnavailable(
                    f"local Neo4j at {uri} did not answer within {wait_s:.0f}s ({last_error}); "
                    f"log {self.log_file}: {self._log_tail()}"
                )
            time.sleep(0.5)

    def stop(self, grace_s: float = 60) -> bool:
        """Stop the server (SIGTERM, then SIGKILL after ``grace_s``). Idempotent.

        Returns:
            Whether a running server was stopped.
        """
        with self._lock():
            status = self.status()
            if status.data_dir is not None:
                self._last_data_dir = status.data_dir
            stopped = False
            if status.alive and status.pid is not None:
                self._kill(status.pid, grace_s)
                stopped = True
            self._forget()
            return stopped

    def status(self) -> Neo4jStatus:
        """What the state file says, and whether that process still runs."""
        state = self._read_state()
        if state is None:
            return Neo4jStatus(instance=self.instance, alive=False)
        pid = int(state["pid"])
        port = int(state["port"])
        alive = _pid_alive(pid) and _is_our_server(pid, port)
        return Neo4jStatus(
            instance=self.instance,
            alive=alive,
            pid=pid,
            port=port,
            uri=str(state["uri"]),
            data_dir=Path(state["data_dir"]),
            log=Path(state["log"]),
        )

    def remove_data(self) -> None:
        """Delete this instance's data directory and lock file (for throw-away servers); works
        after :meth:`stop` too.

        Raises:
            StoreError: the server is still running.
        """
        if self.status().alive:
            raise StoreError(f"local Neo4j '{self.instance}' is running; stop it first")
        state = self._read_state()
        data_dir = Path(state["data_dir"]) if state is not None else self._last_data_dir
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)
        self._forget()
        (self.home / f"{self.instance}.lock").unlink(missing_ok=True)

    @contextlib.contextmanager
    def claim(self) -> Iterator[bool]:
        """Try to take exclusive use of this server for a while (e.g. one test session).

        Yields ``True`` if no one else holds the claim, ``False`` otherwise (never blocks). The
        claim is an advisory lock on ``<home>/<instance>.claim``, released when the block ends
        or the process dies; test sessions use it so that two of them never clear each other's
        data on a shared server.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / f"{self.instance}.claim").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # helpers
    def _read_state(self) -> dict[str, Any] | None:
        try:
            raw = json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        if not isinstance(raw, dict) or not {"pid", "port", "uri", "data_dir", "log"} <= set(raw):
            return None
        return raw

    def _forget(self) -> None:
        self.state_file.unlink(missing_ok=True)
        (self.home / f"{self.instance}.ready").unlink(missing_ok=True)

    def _kill(self, pid: int, grace_s: float) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                time.sleep(0.1)
        proc = _CHILDREN.pop(pid, None)
        if proc is not None:
            proc.wait()

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / f"{self.instance}.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class _PortTaken(StoreUnavailable):
    pass


def _pid_alive(pid: int) -> bool:
    proc = _CHILDREN.get(pid)
    if proc is not None:
        return proc.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_our_server(pid: int, port: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True
    return LAUNCHER_CLASS.encode() in args and str(port).encode() in args
