"""The fast paths (single-query scan, bounded batch, explanations) against the full score arrays.

``MatchEngine.scores`` is checked against the plain reference scorer in ``test_oracle.py``; here
every ranking path must give the same lists as ranking those arrays.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.protocol import Snapshot
from matchmaker.matching import COMPONENTS, MatchEngine, MatchOptions, default_config
from matchmaker.matching.index import MatchIndex
from tests.matching.helpers import REGIONS, ecosystems

PROFILES = sorted(default_config().profiles)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def request_options(draw: st.DrawFn, ids: list[str]) -> MatchOptions:
    """Options with random profile, size and filters (no diversity limits)."""
    fields: dict[str, Any] = {
        "profile": draw(st.sampled_from(PROFILES)),
        "top": draw(st.integers(1, 6)),
        "scope": draw(st.sampled_from([None, "any", "same_region", "other_regions"])),
    }
    if draw(st.booleans()):
        fields["kinds"] = draw(
            st.lists(st.sampled_from(["company", "research", "cluster"]), min_size=1)
        )
    if draw(st.booleans()):
        fields["regions"] = draw(st.lists(st.sampled_from(["AT", "BE2", "DE21"]), min_size=1))
    if draw(st.booleans()):
        fields["countries"] = draw(st.lists(st.sampled_from([c for _, c in REGIONS]), min_size=1))
    if draw(st.booleans()):
        fields["exclude_ids"] = draw(st.lists(st.sampled_from(ids), max_size=3))
    fields["exclude_partners"] = draw(st.sampled_from([None, True, False]))
    fields["min_score"] = draw(st.sampled_from([0.0, 0.2, 0.4]))
    if draw(st.booleans()):
        fields["weights"] = {draw(st.sampled_from(COMPONENTS[3:])): draw(st.sampled_from([0, 2]))}
    return MatchOptions(**fields)


def _expected(engine: MatchEngine, actor_id: str, options: MatchOptions) -> list[tuple[str, float]]:
    compiled = engine.resolve(options)
    scores = engine.scores(actor_id, compiled)
    keep = engine._filter(scores, options, compiled.profile)
    positions = engine.ranked(scores, keep, options.top)
    return [(engine.index.ids[p], float(scores.total[p])) for p in positions.tolist()]


def _same(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> None:
    assert [i for i, _ in got] == [i for i, _ in expected]
    for (_, score), (_, want) in zip(got, expected, strict=True):
        assert abs(score - want) < 1e-9


@SETTINGS
@given(ecosystem=ecosystems(max_actors=14), data=st.data())
def test_match_and_top_ids_equal_the_full_ranking(ecosystem: Snapshot, data: st.DataObject) -> None:
    engine = MatchEngine.from_snapshot(ecosystem)
    ids = [a.id for a in ecosystem.actors]
    options = data.draw(request_options(ids))
    me = data.draw(st.sampled_from(ids))
    expected = _expected(engine, me, options)
    matches = engine.match(me, options)
    _same([(m.partner_id, m.score) for m in matches], expected)
    assert engine.top_ids(me, options) == [i for i, _ in expected]
    full = engine.scores(me, engine.resolve(options))
    for m in matches:
        p = engine.index.pos[m.partner_id]
        for i, name in enumerate(COMPONENTS):
            assert abs(m.components[name] - full.values[i, p]) < 1e-12
            assert abs(m.contributions[name] - full.contributions[i, p]) < 1e-12
        assert m.partnered == bool(full.partnered[p])
        assert (m.introduced_by is not None) == bool(full.introduced[p])


@SETTINGS
@given(
    ecosystem=ecosystems(max_actors=14),
    group_size=st.integers(1, 4),
    block=st.integers(1, 5),
    data=st.data(),
)
def test_batch_lists_equal_the_full_ranking(
    ecosystem: Snapshot, group_size: int, block: int, data: st.DataObject
) -> None:
    engine = MatchEngine(MatchIndex.build(ecosystem, default_config()), group_size=group_size)
    ids = [a.id for a in ecosystem.actors]
    options = data.draw(request_options(ids))
    scanned = dict(engine.top_all(ids, options))
    bounded = dict(engine.top_all(ids, options, block=block, bounded=True))
    for actor_id in ids:
        expected = _expected(engine, actor_id, options)
        _same(scanned[actor_id], expected)
        _same(bounded[actor_id], expected)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystem=ecosystems(max_actors=14), bounded=st.booleans(), data=st.data())
def test_forked_top_all_equals_one_process(
    ecosystem: Snapshot, bounded: bool, data: st.DataObject
) -> None:
    engine = MatchEngine.from_snapshot(ecosystem)
    ids = [a.id for a in ecosystem.actors]
    order = data.draw(st.permutations(ids))
    options = data.draw(request_options(ids))
    counted: list[int] = []
    one = list(engine.top_all(order, options, block=3, bounded=bounded))
    two = list(
        engine.top_all(
            order, options, block=3, bounded=bounded, processes=2, progress=counted.append
        )
    )
    assert two == one
    assert [actor_id for actor_id, _ in two] == order
    assert sum(counted) == len(order)
