"""Invalid actors: each error names the field (``loc``) and says what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from matchmaker.models import Actor


def only_error(data: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as info:
        Actor.model_validate(data)
    errors = info.value.errors()
    assert len(errors) == 1, errors
    return dict(errors[0])


@pytest.mark.parametrize("region", ["XX99", "AT19", "SE224", "BE2", "UKI3"])
def test_unknown_or_wrong_level_nuts_code(actor_data: dict[str, Any], region: str) -> None:
    error = only_error({**actor_data, "region": region})
    assert error["loc"] == ("region",)
    assert "NUTS" in error["msg"]


def test_unknown_nuts_code_is_quoted(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "region": "XX99"})
    assert "'XX99' is not a NUTS 2021 level-2 region" in error["msg"]


def test_region_is_normalised(actor_data: dict[str, Any]) -> None:
    assert Actor.model_validate({**actor_data, "region": " at12 "}).region == "AT12"


def test_unknown_kind(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "kind": "robot"})
    assert error["loc"] == ("kind",)
    assert error["type"] == "enum"
    assert "'company'" in error["msg"]
    assert "'expert'" in error["msg"]


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_name(actor_data: dict[str, Any], name: str) -> None:
    error = only_error({**actor_data, "name": name})
    assert error["loc"] == ("name",)
    assert error["type"] == "string_too_short"


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("name", "x" * 301, "300"),
        ("city", "x" * 301, "300"),
        ("description", "x" * 5001, "5000"),
        ("website", "https://example.org/" + "x" * 300, "300"),
    ],
)
def test_over_long_field(actor_data: dict[str, Any], field: str, value: str, limit: str) -> None:
    error = only_error({**actor_data, field: value})
    assert error["loc"] == (field,)
    assert error["type"] == "string_too_long"
    assert limit in error["msg"]


def test_over_long_id(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "id": "a" * 129})
    assert error["loc"] == ("id",)


@pytest.mark.parametrize("ident", ["Has Space", "-leading-dash", "UPPER", "ümlaut"])
def test_bad_identifier(actor_data: dict[str, Any], ident: str) -> None:
    error = only_error({**actor_data, "id": ident})
    assert error["loc"] == ("id",)
    assert error["type"] == "string_pattern_mismatch"


def test_unknown_top_level_field(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "vat_number": "ATU123"})
    assert error["loc"] == ("vat_number",)
    assert error["type"] == "extra_forbidden"


def test_unknown_nested_field(actor_data: dict[str, Any]) -> None:
    data = {**actor_data, "competences": [{"concept": "mat.ti.ti64", "years": 5}]}
    error = only_error(data)
    assert error["loc"] == ("competences", 0, "years")
    assert error["type"] == "extra_forbidden"


def test_region_country_mismatch(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "country": "IT"})
    assert error["loc"] == ("country",)
    assert "region 'AT12' lies in AT, not in IT" in error["msg"]


def test_greek_region_with_nuts_prefix_country(actor_data: dict[str, Any]) -> None:
    actor = Actor.model_validate({**actor_data, "region": "EL30", "country": "EL"})
    assert actor.country == "GR"


@pytest.mark.parametrize("country", ["Austria", "A", "12"])
def test_bad_country_code(actor_data: dict[str, Any], country: str) -> None:
    error = only_error({**actor_data, "country": country})
    assert error["loc"] == ("country",)
    assert "ISO 3166-1 alpha-2" in error["msg"]


@pytest.mark.parametrize("kind", ["company", "research", "university", "cluster", "public_body"])
def test_affiliation_on_non_expert(actor_data: dict[str, Any], kind: str) -> None:
    error = only_error({**actor_data, "kind": kind, "affiliation": "some-org"})
    assert error["loc"] == ("affiliation",)
    assert "only an expert" in error["msg"]
    assert kind in error["msg"]


def test_affiliation_on_expert_is_fine(actor_data: dict[str, Any]) -> None:
    actor = Actor.model_validate({**actor_data, "kind": "expert", "affiliation": "some-org"})
    assert actor.referenced_actors() == {"some-org"}


def test_self_affiliation(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "kind": "expert", "affiliation": actor_data["id"]})
    assert error["loc"] == ("affiliation",)
    assert "itself" in error["msg"]


def test_duplicate_competences(actor_data: dict[str, Any]) -> None:
    competences = [{"concept": "mat.ti.ti64", "level": 1}, {"concept": "mat.ti.ti64", "level": 3}]
    error = only_error({**actor_data, "competences": competences})
    assert error["loc"] == ("competences",)
    assert "'mat.ti.ti64' twice" in error["msg"]


def test_duplicate_memberships(actor_data: dict[str, Any]) -> None:
    memberships = [{"cluster": "flam"}, {"cluster": "flam", "since": 2019}]
    error = only_error({**actor_data, "memberships": memberships})
    assert error["loc"] == ("memberships",)
    assert "'flam' twice" in error["msg"]


def test_member_of_itself(actor_data: dict[str, Any]) -> None:
    error = only_error({**actor_data, "memberships": [{"cluster": actor_data["id"]}]})
    assert error["loc"] == ("memberships",)
    assert "member of itself" in error["msg"]


def test_several_errors_are_all_reported(actor_data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        Actor.model_validate({**actor_data, "name": "", "kind": "robot", "extra": 1})
    assert {e["loc"] for e in info.value.errors()} == {("name",), ("kind",), ("extra",)}


def test_assignment_is_validated(actor_data: dict[str, Any]) -> None:
    actor = Actor.model_validate(actor_data)
    with pytest.raises(ValidationError) as info:
        actor.region = "ITH1"
    assert "lies in IT, not in AT" in str(info.value)
