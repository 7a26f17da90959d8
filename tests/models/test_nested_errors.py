"""Errors inside competences, offers, requests, memberships and collaborations."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from matchmaker.models import Actor, Competence, Concept, Facet, Offer, Request


def errors_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as info:
        Actor.model_validate(data)
    return [dict(e) for e in info.value.errors()]


@pytest.mark.parametrize("level", [0, 4, -1])
def test_competence_level_out_of_range(actor_data: dict[str, Any], level: int) -> None:
    (error,) = errors_of({**actor_data, "competences": [{"concept": "vc.test", "level": level}]})
    assert error["loc"] == ("competences", 0, "level")
    assert error["type"] in {"greater_than_equal", "less_than_equal"}


@pytest.mark.parametrize("concept", ["Proc.PBF", "proc..pbf", "1proc", "proc pbf", ""])
def test_malformed_concept_id(concept: str) -> None:
    with pytest.raises(ValidationError) as info:
        Competence(concept=concept)
    (error,) = info.value.errors()
    assert error["loc"] == ("concept",)
    assert error["type"] == "string_pattern_mismatch"


@pytest.mark.parametrize("cls", [Offer, Request])
def test_empty_statement(cls: type[Offer] | type[Request]) -> None:
    with pytest.raises(ValidationError) as info:
        cls(text="   ")
    (error,) = info.value.errors()
    assert "needs at least one concept or some text" in error["msg"]


def test_empty_offer_inside_actor_names_its_position(actor_data: dict[str, Any]) -> None:
    data = {**actor_data, "offers": [{"text": "HIP"}, {"concepts": [], "text": ""}]}
    (error,) = errors_of(data)
    assert error["loc"] == ("offers", 1)


def test_too_many_statement_concepts() -> None:
    with pytest.raises(ValidationError) as info:
        Offer(concepts=["vc.test"] * 51)
    assert info.value.errors()[0]["loc"] == ("concepts",)
    assert info.value.errors()[0]["type"] == "too_long"


@pytest.mark.parametrize(
    ("year", "kind"), [(1949, "greater_than_equal"), (2101, "less_than_equal")]
)
def test_collaboration_year_range(actor_data: dict[str, Any], year: int, kind: str) -> None:
    data = {**actor_data, "collaborations": [{"project": "p-1", "year": year}]}
    (error,) = errors_of(data)
    assert error["loc"] == ("collaborations", 0, "year")
    assert error["type"] == kind


def test_collaboration_needs_year(actor_data: dict[str, Any]) -> None:
    (error,) = errors_of({**actor_data, "collaborations": [{"project": "p-1"}]})
    assert error["loc"] == ("collaborations", 0, "year")
    assert error["type"] == "missing"


def test_membership_since_range(actor_data: dict[str, Any]) -> None:
    (error,) = errors_of({**actor_data, "memberships": [{"cluster": "c", "since": 1800}]})
    assert error["loc"] == ("memberships", 0, "since")


def test_website_must_look_like_an_address(actor_data: dict[str, Any]) -> None:
    (error,) = errors_of({**actor_data, "website": "not a url"})
    assert error["loc"] == ("website",)
    assert "web address" in error["msg"]


def test_website_gets_a_scheme(actor_data: dict[str, Any]) -> None:
    actor = Actor.model_validate({**actor_data, "website": "example.org/am"})
    assert actor.website == "https://example.org/am"


def test_concept_cannot_be_its_own_parent() -> None:
    with pytest.raises(ValidationError) as info:
        Concept(id="mat.ti", label="Titanium", facet=Facet.MATERIAL, broader=["mat.ti"])
    assert "own broader concept" in info.value.errors()[0]["msg"]


def test_concept_unknown_facet() -> None:
    with pytest.raises(ValidationError) as info:
        Concept(id="mat.ti", label="Titanium", facet="colour")  # type: ignore[arg-type]
    assert info.value.errors()[0]["loc"] == ("facet",)
