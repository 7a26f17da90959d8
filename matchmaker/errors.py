"""The project's error hierarchy.

Every error the domain or the stores raise derives from :class:`MatchmakerError`. The API maps each
family (the direct subclasses below) to one HTTP status; the CLI prints ``str(error)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MatchmakerError(Exception):
    """Base of every error raised by matchmaker."""


class ValidationFailed(MatchmakerError):
    """Input does not satisfy the model; ``problems`` names each field (and row, for batches)."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = ()) -> None:
        super().__init__(message)
        self.problems: list[RowProblem] = list(problems)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem in one row of a batch: ``row`` is 1-based (``None`` for the whole batch)."""

    row: int | None
    field: str
    message: str
    actor_id: str | None = None

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "batch"
        who = f" ({self.actor_id})" if self.actor_id else ""
        return f"{where}{who}, field '{self.field}': {self.message}"


class BatchRejected(ValidationFailed):
    """A batch had at least one invalid row; nothing of it was stored."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        lines = "; ".join(str(p) for p in list(problems)[:10])
        more = f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(
            f"batch rejected, nothing stored: {len(problems)} problem(s): {lines}{more}", problems
        )


class NotFound(MatchmakerError):
    """A referenced object does not exist."""

    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"{what} '{ident}' not found")
        self.what = what
        self.ident = ident


class Conflict(MatchmakerError):
    """A write conflicts with the stored state (duplicate id, stale version, dangling reference)."""


class StoreError(MatchmakerError):
    """The storage layer failed."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (e.g. Neo4j is down); retrying later may succeed."""


class TaxonomyError(MatchmakerError):
    """The taxonomy data is inconsistent (unknown broader concept, cycle, duplicate id)."""


class UnknownConcept(NotFound):
    """A concept id is not in the taxonomy."""

    def __init__(self, ident: str) -> None:
        super().__init__("concept", ident)


class SchedulingError(MatchmakerError):
    """An event cannot be scheduled as asked."""


class ConfigurationError(MatchmakerError):
    """Settings are missing or inconsistent."""


class AuthError(MatchmakerError):
    """Authentication or authorisation failed."""


class Unauthenticated(AuthError):
    """No valid API key was presented."""


class Forbidden(AuthError):
    """The API key's role does not allow this operation."""


class PreconditionFailed(Conflict):
    """An ``If-Match`` precondition does not hold: someone else changed the resource."""


class PayloadTooLarge(MatchmakerError):
    """An upload exceeds the configured size limit."""
