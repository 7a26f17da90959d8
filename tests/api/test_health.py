from __future__ import annotations

import httpx


def test_health_reports_store(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["store"] == "memory"
    assert response.json()["status"] == "ok"


def test_ready_when_store_answers(client: httpx.Client) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_unknown_route_is_problem_json(client: httpx.Client) -> None:
    response = client.get("/no/such/route")
    assert response.status_code == 404


def test_web_page_served(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "matchmaker" in response.text


def test_openapi_lists_health(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert "/health" in schema["paths"]
    assert "/ready" in schema["paths"]
