"""Hand-checked matches on the shipped demo ecosystem (memory store)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.memory import MemoryStore
from graph.seed import seed_demo
from matchmaker.matching import MatchEngine, MatchOptions


@pytest.fixture(scope="module")
def engine() -> Iterator[MatchEngine]:
    store = MemoryStore()
    seed_demo(store)
    yield MatchEngine.from_store(store)
    store.close()


def test_powder_producer_is_matched_to_actors_seeking_its_alloys(engine: MatchEngine) -> None:
    matches = engine.match("prasky-radhost-a-s", MatchOptions(top=3))
    assert len(matches) == 3
    for m in matches:
        wanted = {p.theirs for p in m.pairs if p.relation == "wants_your_offer"}
        assert wanted & {"mat.ti.ti64", "mat.ni.in718"}
        assert m.partner_country != "CZ"
        assert "which you offer" in m.reason


def test_waam_research_group_finds_waam_users_elsewhere(engine: MatchEngine) -> None:
    matches = engine.match("institut-fur-fertigungsinnovation-traisen", MatchOptions(top=5))
    ids = [m.partner_id for m in matches]
    assert {"spoortechniek-dijle-bv", "vadehav-skibsteknik-a-s"} <= set(ids)
    assert all(m.partner_region != "AT12" for m in matches)
    waam = next(m for m in matches if m.partner_id == "vadehav-skibsteknik-a-s")
    assert any(
        p.relation == "wants_your_offer" and p.theirs == "proc.ded.arc_m" for p in waam.pairs
    )


def test_partners_and_excluded_actors_never_appear(engine: MatchEngine) -> None:
    ix = engine.index
    checked = 0
    for actor in ix.actors[::7]:
        partners = {ix.ids[int(p)] for p in engine._partners(ix.pos[actor.id])}
        first = engine.match(actor.id, MatchOptions(top=50))
        exclude = [m.partner_id for m in first[:3]]
        again = engine.match(actor.id, MatchOptions(top=50, exclude_ids=exclude))
        assert not partners & {m.partner_id for m in first}
        assert not set(exclude) & {m.partner_id for m in again}
        checked += bool(partners)
    assert checked > 5
