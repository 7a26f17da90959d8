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
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run, args=(target, child, args), daemon=True)
    proc.start()
    child.close()
    try:
        while parent.poll(max(0.0, deadline - time.monotonic())):
            yield parent.recv()
    except EOFError:
        return
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()


def _run(target: Callable[..., None], conn: Connection, args: tuple[Any, ...]) -> None:
    try:
        target(conn, *args)
    finally:
        conn.close()
