"""The fast engine against the plain reference scorer on small random ecosystems."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.protocol import Snapshot
from matchmaker.matching import COMPONENTS, MatchEngine, MatchOptions, default_config
from matchmaker.matching.reference import ReferenceScorer
from tests.matching.helpers import ecosystems

PROFILES = sorted(default_config().profiles)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystem=ecosystems(), profile_name=st.sampled_from(PROFILES), data=st.data())
def test_engine_equals_reference(
    ecosystem: Snapshot, profile_name: str, data: st.DataObject
) -> None:
    engine = MatchEngine.from_snapshot(ecosystem)
    reference = ReferenceScorer(ecosystem, default_config())
    me = data.draw(st.sampled_from([a.id for a in ecosystem.actors]))
    compiled = engine.resolve(MatchOptions(profile=profile_name))
    fast = engine.scores(me, compiled)
    slow = reference.score_all(me, compiled.profile)
    for other, expected in slow.items():
        p = engine.index.pos[other]
        for i, name in enumerate(COMPONENTS):
            assert fast.values[i, p] == pytest.approx(expected.values[i], abs=1e-9), name
            assert fast.contributions[i, p] == pytest.approx(expected.contributions[i], abs=1e-9)
        assert fast.total[p] == pytest.approx(expected.total, abs=1e-9)
        assert bool(fast.candidate[p]) == expected.candidate
        assert bool(fast.partnered[p]) == expected.partnered
    top = engine.match(me, MatchOptions(profile=profile_name, top=5))
    assert [m.partner_id for m in top] == [i for i, _ in reference.top(me, compiled.profile, 5)]
