"""The OpenAPI document, completed with the problem+json responses every route can send.

FastAPI documents 422 as its own ``HTTPValidationError``; this app answers every error as RFC 9457
``application/problem+json`` (see :mod:`api.problems`). One pass over the generated document puts
that right, so no route can forget it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": ["integer", "null"]},
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "actor_id": {"type": ["string", "null"]},
                },
            },
        },
        "request_id": {"type": ["string", "null"]},
    },
    "required": ["type", "title", "status", "detail"],
}

RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"schema": {"type": "string"}}}

_DESCRIPTIONS = {
    "400": "the request cannot be processed (e.g. a body that is not JSON)",
    "401": "no valid API key",
    "403": "the key's role does not allow this",
    "404": "not found",
    "409": "conflicts with the stored state (existing id, stale If-Match, referenced actor)",
    "413": "the body is larger than the configured limit",
    "422": "invalid input; `errors` names each field (and row)",
    "503": "the store is unavailable; retry after the given seconds",
}


def _problem(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == "503":
        response["headers"] = RETRY_AFTER
    if status == "401":
        response["headers"] = WWW_AUTHENTICATE
    return response


def _statuses(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    """Problem statuses a route can answer; 404 everywhere an id or a cluster may be unknown."""
    if path in ("/health", "/ready"):
        return ["503"] if path == "/ready" else []
    statuses = ["401", "403", "404", "422", "503"]
    if method in ("post", "put", "patch", "delete"):
        statuses += ["409", "413"]
        if "requestBody" in operation:
            statuses.append("400")
    return statuses


def complete_openapi(app: FastAPI) -> dict[str, Any]:
    """Generate (once) and return the app's OpenAPI document with problem responses."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, path, operation):
                responses[status] = _problem(status)
    app.openapi_schema = schema
    return schema
