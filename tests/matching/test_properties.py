"""Hypothesis properties of the engine's scores and rankings."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.protocol import Snapshot
from matchmaker.matching import MatchEngine, MatchOptions, default_config
from matchmaker.models import Offer
from tests.matching.helpers import ecosystems

PROFILES = sorted(default_config().profiles)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pick(data: st.DataObject, ecosystem: Snapshot) -> str:
    return data.draw(st.sampled_from([a.id for a in ecosystem.actors]))


@SETTINGS
@given(ecosystem=ecosystems(), profile=st.sampled_from(PROFILES), data=st.data())
def test_bounds_and_contributions(ecosystem: Snapshot, profile: str, data: st.DataObject) -> None:
    engine = MatchEngine.from_snapshot(ecosystem)
    me = _pick(data, ecosystem)
    scores = engine.scores(me, engine.resolve(MatchOptions(profile=profile)))
    assert np.all((scores.values >= 0) & (scores.values <= 1))
    assert np.all((scores.total >= 0) & (scores.total <= 1 + 1e-12))
    np.testing.assert_allclose(scores.contributions.sum(axis=0), scores.total, atol=1e-12)
    for match in engine.match(me, MatchOptions(profile=profile, top=50)):
        assert 0 <= match.score <= 1 + 1e-12
        assert abs(sum(match.contributions.values()) - match.score) < 1e-12
        assert all(0 <= v <= 1 for v in match.components.values())


@SETTINGS
@given(ecosystem=ecosystems(), profile=st.sampled_from(PROFILES), data=st.data())
def test_never_matches_itself_and_order_is_deterministic(
    ecosystem: Snapshot, profile: str, data: st.DataObject
) -> None:
    me = _pick(data, ecosystem)
    options = MatchOptions(profile=profile, top=50)
    first = MatchEngine.from_snapshot(ecosystem).match(me, options)
    again = MatchEngine.from_snapshot(ecosystem).match(me, options)
    assert [m.model_dump() for m in first] == [m.model_dump() for m in again]
    assert me not in {m.partner_id for m in first}
    keys = [(-round(m.score, 12), m.partner_id) for m in first]
    assert keys == sorted(keys)


@SETTINGS
@given(ecosystem=ecosystems(), profile=st.sampled_from(PROFILES), data=st.data())
def test_adding_a_matching_offer_never_lowers_a_score(
    ecosystem: Snapshot, profile: str, data: st.DataObject
) -> None:
    seekers = [a for a in ecosystem.actors if any(r.concepts for r in a.requests)]
    if not seekers:
        return
    me = data.draw(st.sampled_from(seekers))
    other = data.draw(st.sampled_from([a for a in ecosystem.actors if a.id != me.id]))
    wanted = data.draw(st.sampled_from([r for r in me.requests if r.concepts]))
    options = MatchOptions(profile=profile)
    before = MatchEngine.from_snapshot(ecosystem)
    improved = other.model_copy(
        update={"offers": [*other.offers, Offer(concepts=wanted.concepts, text="new offer")]}
    )
    actors = [improved if a.id == other.id else a for a in ecosystem.actors]
    after = MatchEngine.from_snapshot(ecosystem.model_copy(update={"actors": actors}))
    old = before.scores(me.id, before.resolve(options))
    new = after.scores(me.id, after.resolve(options))
    p = before.index.pos[other.id]
    assert new.total[p] >= old.total[p] - 1e-12
    assert new.values[0, p] >= old.values[0, p] - 1e-12
    assert new.values[0, p] > 0
    assert bool(new.candidate[p]) or bool(new.partnered[p])
