"""Schemathesis against the app's own OpenAPI schema: no 5xx, and responses as documented.

The app runs in-process over ASGI on a memory store seeded with the demo ecosystem, with an
admin key so writes are exercised. Every operation the schema lists is tested (routes added
later are picked up automatically) with a bounded, derandomised number of examples:

* ``test_no_server_error`` — schema-valid and schema-violating requests never get a 5xx, and
  every response whose status and media type are documented matches its documented body schema;
* ``test_statuses_and_media_types_documented`` — every status code, media type and required
  header the app sends is the one the schema documents (known gaps: strict ``xfail``);
* ``test_schema_valid_actors_are_accepted`` — bodies the schema allows are not refused;
* ``TestStateful`` — chains of calls along the links Schemathesis infers (create, read, replace,
  delete actors; concepts), checking no 5xx, body schemas, and that created resources can be read
  and deleted ones cannot.

Actor bodies are made realistic (a real NUTS-2 region and its country, an empty website) by a
schema-scoped hook, because the schema does not carry those validators (see the xfail below);
without it every generated write would stop at 422.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.generation.modes import GenerationMode

from api.app import create_app
from graph.memory import MemoryStore
from graph.seed import DEMO_ACTORS, seed_demo
from matchmaker.settings import ApiKey, Role, Settings, hash_key

KEY = "schemathesis-admin-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
EXAMPLES = 12
STATEFUL_EXAMPLES = 10

STORE = MemoryStore()
APP = create_app(
    settings=Settings(api_keys=[ApiKey(name="fuzz", role=Role.ADMIN, sha256=hash_key(KEY))]),
    store=STORE,
)
SCHEMA = schemathesis.openapi.from_dict(APP.openapi())
SCHEMA.app = APP

PLACES: list[tuple[str, str]] = sorted(
    {(a["region"], a["country"]) for a in json.loads(DEMO_ACTORS.read_text(encoding="utf-8"))}
)
ACTOR_WRITES = {("POST", "/actors"), ("PUT", "/actors/{actor_id}")}

# Gaps between what the app sends and what its OpenAPI schema documents ("METHOD /path": why).
# Found by this file and fixed in api/openapi.py and api/problems.py; a new gap goes here as a
# strict xfail until it is fixed.
KNOWN_GAPS: dict[str, str] = {}


def _label(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


OPERATIONS: list[tuple[str, str]] = sorted(
    (path, method.upper())
    for path, item in SCHEMA.raw_schema["paths"].items()
    for method in item
    if method in {"get", "put", "post", "delete", "patch"}
)


@SCHEMA.hook("flatmap_body")
def _realistic_actor(context: Any, body: Any) -> st.SearchStrategy[Any]:
    op = context.operation
    if (op.method.upper(), op.path) not in ACTOR_WRITES or not isinstance(body, dict):
        return st.just(body)

    def place(pair: tuple[str, str]) -> dict[str, Any]:
        return {**body, "region": pair[0], "country": pair[1], "website": ""}

    return st.sampled_from(PLACES).map(place)


@SCHEMA.hook("map_case")
def _put_path_matches_body(context: Any, case: Any) -> Any:
    op = context.operation
    put = (op.method.upper(), op.path) == ("PUT", "/actors/{actor_id}")
    if (
        put
        and isinstance(case.body, dict)
        and isinstance(case.body.get("id"), str)
        and case.body["id"]
    ):
        case.path_parameters = {**(case.path_parameters or {}), "actor_id": case.body["id"]}
    return case


def _bounded(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    )


@pytest.fixture(scope="module", autouse=True)
def _seeded() -> None:
    seed_demo(STORE)


def _params(with_gaps: bool) -> list[Any]:
    out = []
    for path, method in OPERATIONS:
        label = _label(method, path)
        marks = []
        if with_gaps and label in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[label]))
        out.append(pytest.param(path, method, id=label, marks=marks))
    return out


def _cases(path: str, method: str) -> st.SearchStrategy[Any]:
    op = SCHEMA[path][method]
    return st.one_of(
        op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE)
    )


@pytest.mark.parametrize(("path", "method"), _params(with_gaps=False))
def test_no_server_error(path: str, method: str) -> None:
    """Valid and invalid requests: never a 5xx; documented responses match their schema."""

    @_bounded(EXAMPLES)
    @given(case=_cases(path, method))
    def run(case: Any) -> None:
        case.call_and_validate(
            headers=AUTH, checks=[checks.not_a_server_error, checks.response_schema_conformance]
        )

    run()


@pytest.mark.parametrize(("path", "method"), _params(with_gaps=True))
def test_statuses_and_media_types_documented(path: str, method: str) -> None:
    """Every status code, media type and required header sent is documented for the route."""

    @_bounded(EXAMPLES)
    @given(case=_cases(path, method))
    def run(case: Any) -> None:
        case.call_and_validate(
            headers=AUTH,
            checks=[
                checks.status_code_conformance,
                _unless_422(checks.content_type_conformance),
                checks.response_headers_conformance,
            ],
        )

    run()


def _unless_422(check: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(ctx: Any, response: Any, case: Any) -> Any:
        return None if response.status_code == 422 else check(ctx, response, case)

    wrapped.__name__ = check.__name__
    return wrapped


def test_422_is_problem_json() -> None:
    """Requests that break the schema get 422 as problem+json naming the field (as sent)."""
    case = SCHEMA["/actors"]["GET"].Case(query={"limit": "0"})
    response = case.call(headers=AUTH)
    assert response.status_code == 422
    assert response.headers["content-type"] == ["application/problem+json"]
    assert response.json()["errors"][0]["field"] == "query.limit"


def test_422_documented_as_sent() -> None:
    """Every documented 422 names the media type and body the app sends (problem+json)."""
    wrong = [
        _label(method, path)
        for path, item in APP.openapi()["paths"].items()
        for method, operation in item.items()
        if "422" in operation.get("responses", {})
        and set(operation["responses"]["422"].get("content", {})) != {"application/problem+json"}
    ]
    assert wrong == []


@pytest.mark.xfail(
    strict=True,
    reason="the Actor schema lacks the model's validators: region must be a NUTS 2021 level-2 "
    "code matching country, website a web address, offers/requests need a concept or text, only "
    "experts have an affiliation; schema-valid bodies get 422",
)
def test_schema_valid_actors_are_accepted() -> None:
    """Bodies that satisfy the documented Actor schema are not refused with a 4xx."""
    raw = schemathesis.openapi.from_dict(APP.openapi())
    raw.app = APP

    @_bounded(EXAMPLES)
    @given(case=raw["/actors"]["POST"].as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(headers=AUTH, checks=[checks.positive_data_acceptance])

    run()


class _Machine(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": AUTH}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(
            response,
            checks=[
                checks.not_a_server_error,
                checks.response_schema_conformance,
                checks.use_after_free,
                checks.ensure_resource_availability,
            ],
            headers=AUTH,
        )


TestStateful = _Machine.TestCase
TestStateful.settings = settings(
    max_examples=STATEFUL_EXAMPLES,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
