"""Valid actors survive JSON round-trips unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from matchmaker.models import Actor, ActorKind

FULL: dict[str, Any] = {
    "id": "nordic-powder-ab",
    "name": "Nordic Powder Works AB (fictional)",
    "kind": "company",
    "region": "SE22",
    "country": "SE",
    "city": "Helsingborg",
    "website": "https://nordic-powder.example",
    "description": "Gasatomiserat pulver: Ti64, IN718, 316L. Spreadability-tested.",
    "competences": [
        {"concept": "vc.materials", "level": 3, "evidence": "EIGA line since 2015"},
        {"concept": "mat.ti.ti64", "level": 3, "evidence": "Grade 5 and Grade 23 powder"},
    ],
    "offers": [{"concepts": ["vc.materials", "mat.ni.in718"], "text": "IN718 powder 15-45 µm"}],
    "requests": [{"concepts": ["vc.test"], "text": "CT scanning of powder lots"}],
    "memberships": [{"cluster": "skane-am-net", "since": 2018, "role": "member"}],
    "collaborations": [{"project": "proj-2019-01", "title": "PowderLoop", "year": 2019}],
    "aliases": ["NPW"],
}


@pytest.mark.parametrize("kind", list(ActorKind))
def test_minimal_roundtrip(actor_data: dict[str, Any], kind: ActorKind) -> None:
    actor = Actor.model_validate({**actor_data, "kind": kind})
    again = Actor.model_validate_json(actor.model_dump_json())
    assert again == actor
    assert again.model_dump_json() == actor.model_dump_json()


def test_full_roundtrip() -> None:
    actor = Actor.model_validate(FULL)
    again = Actor.model_validate_json(actor.model_dump_json())
    assert again == actor
    assert again.model_dump() == actor.model_dump()


def test_expert_with_affiliation_roundtrip() -> None:
    data = {
        "id": "expert-anna",
        "name": "Anna Example",
        "kind": "expert",
        "region": "SE22",
        "country": "SE",
        "affiliation": "nordic-powder-ab",
    }
    actor = Actor.model_validate(data)
    assert Actor.model_validate_json(actor.model_dump_json()) == actor


def test_whitespace_is_stripped_and_kept_stripped() -> None:
    actor = Actor.model_validate({**FULL, "name": "  Nordic Powder Works AB  "})
    assert actor.name == "Nordic Powder Works AB"
    assert Actor.model_validate_json(actor.model_dump_json()).name == actor.name


def test_concept_ids_collects_everything() -> None:
    actor = Actor.model_validate(FULL)
    assert actor.concept_ids() == {"vc.materials", "mat.ti.ti64", "mat.ni.in718", "vc.test"}
    assert actor.referenced_actors() == {"skane-am-net"}
