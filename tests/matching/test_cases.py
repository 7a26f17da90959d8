"""Hand-checked matches on small hand-made ecosystems."""

from __future__ import annotations

import pytest

from matchmaker.errors import NotFound, ValidationFailed
from matchmaker.matching import MatchEngine, MatchOptions
from tests.matching.helpers import actor, snapshot


def _engine(*actors: object) -> MatchEngine:
    return MatchEngine.from_snapshot(snapshot(list(actors)))  # type: ignore[arg-type]


def _ids(engine: MatchEngine, actor_id: str, **options: object) -> list[str]:
    return [m.partner_id for m in engine.match(actor_id, MatchOptions(**options))]  # type: ignore[arg-type]


POWDER = actor(
    "powder",
    region="AT12",
    competences={"vc.materials": 3},
    offers=[["mat.ti.ti64", "vc.materials"]],
)
PRINTER_BE = actor(
    "printer-be",
    region="BE21",
    competences={"vc.print": 3, "proc.pbf.lb_m": 3},
    requests=[["mat.ti.ti64"]],
)
PRINTER_AT = actor(
    "printer-at",
    region="AT12",
    competences={"vc.print": 3, "proc.pbf.lb_m": 3},
    requests=[["mat.ti.ti64"]],
)
PRINTER_NI = actor(
    "printer-ni",
    region="DE21",
    competences={"vc.print": 3, "proc.pbf.lb_m": 3},
    requests=[["mat.ni.in718"]],
)


def test_powder_producer_finds_printers_that_seek_its_alloy() -> None:
    engine = _engine(POWDER, PRINTER_BE, PRINTER_AT, PRINTER_NI)
    matches = engine.match("powder")
    assert [m.partner_id for m in matches][:2] == ["printer-be", "printer-at"]
    best = matches[0]
    assert best.components["complementarity_offers"] == pytest.approx(1.0)
    assert best.components["region"] == 1.0
    assert "Ti-6Al-4V, which you offer" in best.reason
    assert "other country" in best.reason
    pair = next(p for p in best.pairs if p.relation == "wants_your_offer")
    assert (pair.yours, pair.theirs) == ("mat.ti.ti64", "mat.ti.ti64")
    assert "printer-be seeks" in pair.evidence
    assert "printer-ni" not in [
        m.partner_id for m in matches if m.components["complementarity_offers"] > 0
    ]


def test_waam_research_group_finds_waam_users_elsewhere() -> None:
    group = actor(
        "waam-lab",
        kind="research",
        region="ES51",
        competences={"proc.ded.arc_m": 3},
        offers=[["proc.ded.arc_m"]],
    )
    user = actor("user-waam", region="DE21", requests=[["proc.ded.arc_m"]])
    generic = actor("user-ded", region="AT12", requests=[["proc.ded"]])
    unrelated = actor("user-pbf", region="AT12", requests=[["proc.pbf.lb_m"]])
    neighbour = actor("user-local", region="ES51", requests=[["proc.ded.arc_m"]])
    engine = _engine(group, user, generic, unrelated, neighbour)
    ids = _ids(engine, "waam-lab")
    assert ids[0] == "user-waam"
    assert ids.index("user-local") > 0
    assert "user-pbf" not in ids
    by_id = {m.partner_id: m for m in engine.match("waam-lab")}
    assert by_id["user-waam"].components["complementarity_offers"] == 1.0
    assert by_id["user-ded"].components["complementarity_offers"] == pytest.approx(0.8)


def test_hierarchy_generic_request_met_by_specific_offers() -> None:
    seeker = actor("seeker", requests=[["proc.pbf"]])
    lpbf = actor("lpbf", region="BE21", offers=[["proc.pbf.lb_m"]])
    ebm = actor("ebm", region="BE21", offers=[["proc.pbf.eb_m"]])
    exact = actor("exact", region="BE21", offers=[["proc.pbf"]])
    any_am = actor("any-am", region="BE21", offers=[["proc"]])
    engine = _engine(seeker, lpbf, ebm, exact, any_am)
    needs = {m.partner_id: m.components["complementarity_needs"] for m in engine.match("seeker")}
    assert needs == pytest.approx({"exact": 1.0, "ebm": 0.8, "lpbf": 0.8, "any-am": 0.5})


def test_hip_of_titanium_is_met_best_by_hip_plus_titanium() -> None:
    seeker = actor("seeker", requests=[["vc.post.hip", "mat.ti.ti64"]])
    both = actor("both", region="BE21", offers=[["vc.post.hip", "mat.ti"]])
    hip_only = actor("hip-only", region="BE21", offers=[["vc.post.hip"]])
    engine = _engine(seeker, both, hip_only)
    matches = engine.match("seeker")
    assert [m.partner_id for m in matches] == ["both", "hip-only"]
    assert matches[0].components["complementarity_needs"] == pytest.approx(0.75)
    assert matches[1].components["complementarity_needs"] == pytest.approx(0.5)
    assert matches[0].reason.startswith("Offers HIP for Titanium, which you seek")


def test_a_shared_rare_competence_says_more_than_a_shared_common_one() -> None:
    me = actor("me", competences={"proc.pbf.lb_m": 3, "proc.coldspray": 3})
    common = actor("common", region="BE21", competences={"proc.pbf.lb_m": 3})
    rare = actor("rare", region="BE21", competences={"proc.coldspray": 3})
    crowd = [actor(f"crowd{i}", region="DE21", competences={"proc.pbf.lb_m": 2}) for i in range(5)]
    engine = _engine(me, common, rare, *crowd)
    sim = {
        m.partner_id: m.components["similarity"]
        for m in engine.match("me", MatchOptions(profile="research"))
    }
    assert sim["rare"] > sim["common"] > 0


def test_supply_chain_prefers_neighbouring_steps_to_duplicates() -> None:
    me = actor("me", competences={"vc.print": 3, "mat.ti.ti64": 2})
    post = actor("post", region="BE21", competences={"vc.post.hip": 3, "mat.ti.ti64": 2})
    twin = actor("twin", region="BE21", competences={"vc.print": 3, "mat.ti.ti64": 2})
    others = [actor(f"other{i}", region="DE21", competences={"app.aero": 1}) for i in range(3)]
    engine = _engine(me, post, twin, *others)
    vc = {
        m.partner_id: m.components["value_chain"]
        for m in engine.match("me", MatchOptions(profile="supply-chain"))
    }
    assert vc == {"post": 1.0, "twin": 0.1}


def test_excluded_and_partnered_actors_never_appear() -> None:
    me = actor("me", requests=[["vc.post.hip"]], projects=["p1"], clusters=["cl"])
    cluster = actor("cl", kind="cluster", region="AT12", offers=[["vc.post.hip"]])
    in_project = actor("colleague", region="BE21", offers=[["vc.post.hip"]], projects=["p1"])
    in_cluster = actor("member", region="BE21", offers=[["vc.post.hip"]], clusters=["cl"])
    stranger = actor("stranger", region="BE21", offers=[["vc.post.hip"]])
    unwanted = actor("unwanted", region="BE21", offers=[["vc.post.hip"]])
    engine = _engine(me, cluster, in_project, in_cluster, stranger, unwanted)
    assert _ids(engine, "me", exclude_ids=["unwanted"]) == ["stranger"]
    research = _ids(engine, "me", profile="research")
    assert set(research) == {"cl", "colleague", "member", "stranger", "unwanted"}
    assert set(_ids(engine, "me", profile="research", exclude_partners=True)) == {
        "stranger",
        "unwanted",
    }
    down = {m.partner_id: m for m in engine.match("me", MatchOptions(profile="research"))}
    assert down["member"].partnered
    assert not down["stranger"].partnered
    assert down["member"].score == pytest.approx(down["stranger"].score * 0.5)


def test_introduced_by_a_common_partner() -> None:
    me = actor("me", requests=[["vc.post.hip"]], projects=["p1"])
    bridge = actor("bridge", region="DE21", projects=["p1", "p2"])
    friend = actor("friend", region="BE21", offers=[["vc.post.hip"]], projects=["p2"])
    stranger = actor("stranger", region="BE21", offers=[["vc.post.hip"]])
    engine = _engine(me, bridge, friend, stranger)
    matches = engine.match("me")
    assert [m.partner_id for m in matches] == ["friend", "stranger"]
    assert matches[0].introduced_by == "bridge"
    assert matches[0].components["network"] == 1.0
    assert "introduced by BRIDGE" in matches[0].reason


def test_filters_and_diversity() -> None:
    me = actor("me", region="AT12", requests=[["vc.test"]])
    others = [
        actor("at-a", region="AT13", offers=[["vc.test"]]),
        actor("at-b", region="AT12", offers=[["vc.test"]]),
        actor("be-a", region="BE21", offers=[["vc.test"]], kind="research"),
        actor("be-b", region="BE21", offers=[["vc.test"]]),
        actor("de-a", region="DE21", offers=[["vc.test"]]),
        actor("expert-be", region="BE21", offers=[["vc.test"]], kind="expert", affiliation="be-b"),
    ]
    engine = _engine(me, *others)
    assert _ids(engine, "me", kinds=["research"]) == ["be-a"]
    assert set(_ids(engine, "me", countries=["at"])) == {"at-a", "at-b"}
    assert set(_ids(engine, "me", regions=["BE2"])) == {"be-a", "be-b", "expert-be"}
    assert _ids(engine, "me", scope="same_region") == ["at-b"]
    assert "at-b" not in _ids(engine, "me", scope="other_regions")
    assert all(m.score >= 0.4 for m in engine.match("me", MatchOptions(min_score=0.4)))
    per_region = _ids(engine, "me", per_region=1)
    assert len(per_region) == 4
    per_org = _ids(engine, "me", per_organisation=1)
    assert not {"be-b", "expert-be"} <= set(per_org)
    assert _ids(engine, "me", top=2) == _ids(engine, "me")[:2]


def test_bad_requests_name_the_problem() -> None:
    engine = _engine(POWDER, PRINTER_BE)
    with pytest.raises(NotFound, match="nobody"):
        engine.match("nobody")
    with pytest.raises(ValidationFailed, match="unknown profile 'nope'"):
        engine.match("powder", MatchOptions(profile="nope"))
    with pytest.raises(ValidationFailed, match="unknown weight"):
        engine.match("powder", MatchOptions(weights={"luck": 1.0}))
    with pytest.raises(ValidationFailed, match=r"weights\.region"):
        engine.match("powder", MatchOptions(weights={"region": -1.0}))
    with pytest.raises(ValidationFailed, match="positive weight"):
        engine.match(
            "powder",
            MatchOptions(
                weights={"complementarity_needs": 0, "complementarity_offers": 0, "similarity": 0}
            ),
        )


def test_weights_passed_per_request_change_the_ranking() -> None:
    me = actor("me", region="AT12", requests=[["vc.test"]], competences={"proc.coldspray": 3})
    near = actor("near", region="AT12", offers=[["vc.test"]])
    far = actor("far", region="ES51", competences={"proc.coldspray": 3})
    engine = _engine(me, near, far)
    assert _ids(engine, "me")[0] == "near"
    assert _ids(engine, "me", weights={"similarity": 5.0})[0] == "far"
