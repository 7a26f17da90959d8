"""Run a solver in a forked child process that is stopped at a deadline.

The SAT solvers used here (RC2's trimming of its last core, CaDiCaL) do not stop promptly when
interrupted, so the scheduler runs them in a child and kills it when its time is up. The child is
forked, not spawned: it only runs the solver and sends messages back (a spawned child would
re-import the caller's main module).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any


class Child:
    """``target(conn, *args)`` running in a forked child; its messages are read without blocking.

    Parameters
    ----------
    target: the child's function; it sends messages with ``conn.send``.
    args: its further arguments (inherited by the fork, never pickled).

    Example
    -------
    >>> def count(conn, n):
    ...     for i in range(n):
    ...         conn.send(i)
    >>> child = Child(count, (3,))
    >>> got = child.wait(5)
    >>> child.close()
    >>> got[0]
    0
    """

    def __init__(self, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_run, args=(target, child, args), daemon=True)
        self._proc.start()
        child.close()
        self.ended = False

    def wait(self, seconds: float) -> list[Any]:
        """The messages that arrive within ``seconds`` (at least the first, unless the child
        ends or the time passes), then all that are ready."""
        out: list[Any] = []
        if self.ended:
            return out
        try:
            if self._conn.poll(max(0.0, seconds)):
                out.append(self._conn.recv())
                while self._conn.poll(0):
                    out.append(self._conn.recv())
        except EOFError:
            self.ended = True
        return out

    def close(self) -> None:
        """Stop the child (if it still runs) and release the pipe."""
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._conn.close()
        self.ended = True


def messages(target: Callable[..., None], args: tuple[Any, ...], seconds: float) -> Iterator[Any]:
    """Run ``target(conn, *args)`` in a forked child; yield what it sends before ``seconds`` pass.

    Parameters
    ----------
    target: the child's function; it sends messages with ``conn.send``.
    args: its further arguments (inherited by the fork, never pickled).
    seconds: wall-clock budget; the child is killed when it ends or the caller stops reading.

    Returns
    -------
    An iterator over the messages, ending at the deadline or when the child closes its end.

    Example
    -------
    >>> def count(conn, n):
    ...     for i in range(n):
    ...         conn.send(i)
    >>> list(messages(count, (3,), 5))
    [0, 1, 2]
    """
    deadline = time.monotonic() + max(0.0, seconds)
    child = Child(target, args)
    try:
        while not child.ended:
            got = child.wait(deadline - time.monotonic())
            if not got:
                return
            yield from got
    finally:
        child.close()


def _run(target: Callable[..., None], conn: Connection, args: tuple[Any, ...]) -> None:
    try:
        target(conn, *args)
    finally:
        conn.close()
