"""RFC 9457 problem+json responses, one handler per error family."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matchmaker.errors import (
    Conflict,
    Forbidden,
    MatchmakerError,
    NotFound,
    PayloadTooLarge,
    StoreError,
    StoreUnavailable,
    Unauthenticated,
    ValidationFailed,
)

logger = logging.getLogger("matchmaker.api")
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


def _field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """pydantic's error list as ``{"field": "a.b", "message": ...}`` entries."""
    return [
        {"field": ".".join(str(part) for part in err["loc"]), "message": err["msg"]}
        for err in errors
    ]


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc.errors())
    return problem(422, "Invalid request", "the request does not match the schema", errors=errors)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem(404, "Not found", str(exc))


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    return problem(409, "Conflict", str(exc))


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    return problem(503, "Store unavailable", str(exc), headers={"Retry-After": "5"})


async def _unauthenticated(request: Request, exc: Exception) -> JSONResponse:
    return problem(401, "Unauthenticated", str(exc), headers={"WWW-Authenticate": "Bearer"})


async def _forbidden(request: Request, exc: Exception) -> JSONResponse:
    return problem(403, "Forbidden", str(exc))


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    return problem(413, "Payload too large", str(exc))


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    return problem(503, "Store error", str(exc), headers={"Retry-After": "5"})


async def _other(request: Request, exc: Exception) -> JSONResponse:
    return problem(400, "Request failed", str(exc))


async def _model_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ValidationError)
    errors = _field_errors(exc.errors())
    return problem(422, "Invalid input", f"{exc.error_count()} invalid field(s)", errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed"}
    title = titles.get(exc.status_code, "HTTP error")
    headers = dict(exc.headers) if exc.headers else None
    return problem(exc.status_code, title, str(exc.detail), headers=headers)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    request_id = getattr(request.state, "request_id", None)
    detail = "the server failed; the request id is in the logs"
    return problem(500, "Internal error", detail, request_id=request_id)


def install(app: FastAPI) -> None:
    """Register the handlers (most specific family first)."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationFailed, _validation_failed)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(PayloadTooLarge, _too_large)
    app.add_exception_handler(MatchmakerError, _other)
    app.add_exception_handler(ValidationError, _model_validation)
    app.add_exception_handler(Exception, _internal)
