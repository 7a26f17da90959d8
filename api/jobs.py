"""Long-running work (event scheduling) as jobs with status and progress."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import BaseModel

from matchmaker.errors import MatchmakerError, NotFound

JobState = Literal["queued", "running", "done", "failed"]


class Job(BaseModel):
    id: str
    kind: str
    subject: str
    state: JobState = "queued"
    progress: float = 0.0
    expected_s: float
    submitted_at: float
    started_at: float | None = None
    finished_at: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


class JobRunner:
    """Runs jobs one at a time in a background thread (solvers use both cores themselves)."""

    def __init__(self, keep: int = 200) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def submit(
        self, kind: str, subject: str, expected_s: float, work: Callable[[], dict[str, Any]]
    ) -> Job:
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            subject=subject,
            expected_s=expected_s,
            submitted_at=time.time(),
        )
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[: max(0, len(self._jobs) - self._keep)]:
                if self._jobs[old].state in ("done", "failed"):
                    del self._jobs[old]
        self._pool.submit(self._run, job.id, work)
        return job.model_copy()

    def _run(self, job_id: str, work: Callable[[], dict[str, Any]]) -> None:
        with self._lock:
            self._jobs[job_id].state = "running"
            self._jobs[job_id].started_at = time.time()
        try:
            result = work()
        except MatchmakerError as e:
            self._finish(job_id, error=str(e))
        except Exception as e:  # a job must end in a state, whatever the failure
            self._finish(job_id, error=f"internal error: {type(e).__name__}")
        else:
            self._finish(job_id, result=result)

    def _finish(
        self, job_id: str, *, result: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        with self._lock:
            job = self._jobs[job_id]
            job.state = "failed" if error is not None else "done"
            job.result, job.error = result, error
            job.finished_at = time.time()
            job.progress = 1.0

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFound("job", job_id)
            snapshot = job.model_copy()
        if snapshot.state == "running" and snapshot.started_at is not None:
            elapsed = time.time() - snapshot.started_at
            snapshot.progress = round(min(0.99, elapsed / max(snapshot.expected_s, 1e-3)), 3)
        return snapshot

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


async def get_jobs(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


JobsDep = Annotated[JobRunner, Depends(get_jobs)]
