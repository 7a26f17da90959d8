"""RFC 9457 problem+json responses, one handler per error family."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from matchmaker.errors import (
    Conflict,
    MatchmakerError,
    NotFound,
    StoreUnavailable,
    ValidationFailed,
)

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int, title: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _validation_failed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ValidationFailed)
    errors = [
        {"row": p.row, "field": p.field, "message": p.message, "actor_id": p.actor_id}
        for p in exc.problems
    ]
    return problem(422, "Invalid input", str(exc), errors=errors)


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(part) for part in err["loc"]), "message": err["msg"]}
        for err in exc.errors()
    ]
    return problem(422, "Invalid request", "the request does not match the schema", errors=errors)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem(404, "Not found", str(exc))


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    return problem(409, "Conflict", str(exc))


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    return problem(503, "Store unavailable", str(exc), headers={"Retry-After": "5"})


async def _other(request: Request, exc: Exception) -> JSONResponse:
    return problem(400, "Request failed", str(exc))


def install(app: FastAPI) -> None:
    """Register the handlers (most specific family first)."""
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationFailed, _validation_failed)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    app.add_exception_handler(MatchmakerError, _other)
