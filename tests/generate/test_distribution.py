"""Generated ecosystems follow the demo's distributions; the shipped profile matches the demo."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from statistics import mean

import pytest

from fixtures.demo.measure_demo import render
from matchmaker.generate import demo_profile, generate_actors, measure
from matchmaker.models import Actor

ROOT = Path(__file__).resolve().parents[2]
N = 4000


@pytest.fixture(scope="module")
def generated() -> list[Actor]:
    return list(generate_actors(N, seed=11))


def test_shipped_profile_is_measured_from_the_committed_demo() -> None:
    shipped = (ROOT / "matchmaker" / "data" / "generator_profile.json").read_text("utf-8")
    assert render() == shipped


def test_kind_shares_match_the_demo(generated: list[Actor]) -> None:
    shares = Counter(a.kind.value for a in generated)
    for kind, expected in demo_profile()["kinds"].items():
        assert shares[kind] / N == pytest.approx(expected, abs=0.03), kind


def test_region_shares_match_the_demo(generated: list[Actor]) -> None:
    shares = Counter(a.region for a in generated)
    assert set(shares) == set(demo_profile()["regions"])
    for region, expected in demo_profile()["regions"].items():
        assert shares[region] / N == pytest.approx(expected, abs=0.025), region


def test_per_kind_counts_match_the_demo(generated: list[Actor]) -> None:
    measured = measure(generated)["by_kind"]
    for kind, spec in demo_profile()["by_kind"].items():
        for field in ("competences", "offers", "requests"):
            want = sum(int(k) * p for k, p in spec[field].items())
            got = sum(int(k) * p for k, p in measured[kind][field].items())
            assert got == pytest.approx(want, rel=0.2, abs=0.3), (kind, field)


def test_levels_match_the_demo(generated: list[Actor]) -> None:
    levels = [c.level for a in generated for c in a.competences]
    demo = json.loads((ROOT / "fixtures" / "demo" / "actors.json").read_text("utf-8"))
    demo_levels = [Actor.model_validate(a) for a in demo]
    want = mean(c.level for a in demo_levels for c in a.competences)
    assert mean(levels) == pytest.approx(want, abs=0.15)
