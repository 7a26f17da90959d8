"""search_candidates on the small ecosystem, checked by hand, identical on both stores."""

from __future__ import annotations

import pytest

from graph.protocol import GraphStore
from graph.search_types import CandidateQuery, QueryConcept, Relation
from matchmaker.models import ActorKind

pytestmark = pytest.mark.timeout(120)


def ids(store: GraphStore, query: CandidateQuery) -> list[tuple[str, int]]:
    return [(c.actor_id, c.score) for c in store.search_candidates(query).candidates]


def test_exact_beats_narrower_beats_broader(small_store: GraphStore) -> None:
    query = CandidateQuery(concepts=[QueryConcept(id="proc.pbf")])
    # kul: exact proc.pbf L2 = 1000 + 120; fotec: narrower L-PBF L3 = 700 + 180;
    # ebmlab: narrower EBM L2 = 700 + 120.
    assert ids(small_store, query) == [("kul", 1120), ("fotec", 880), ("ebmlab", 820)]


def test_broader_match_one_level_up(small_store: GraphStore) -> None:
    query = CandidateQuery(concepts=[QueryConcept(id="mat.ti.ti64")])
    # ebmlab exact L3 = 1180, fotec exact L2 = 1120, rhp has mat.ti (broader, L2) = 400 + 120.
    assert ids(small_store, query) == [("ebmlab", 1180), ("fotec", 1120), ("rhp", 520)]
    hit = small_store.search_candidates(query).candidates[2].concept_hits[0]
    assert (hit.concept, hit.relation, hit.hops) == ("mat.ti", Relation.BROADER, 1)


def test_two_levels_up_needs_broader_hops(small_store: GraphStore) -> None:
    two_up = CandidateQuery(concepts=[QueryConcept(id="mat.ti.ti64")], broader_hops=2)
    # kul states mat.metal, two levels above Ti64: 400 - 100 + 60 = 360
    assert ("kul", 360) in ids(small_store, two_up)
    assert "kul" not in dict(ids(small_store, CandidateQuery(concepts=two_up.concepts)))


def test_offer_with_text_counts_as_level_two_with_evidence(small_store: GraphStore) -> None:
    query = CandidateQuery(concepts=[QueryConcept(id="vc.post.hip")])
    # rhp L3 = 1180, ebmlab offer (level 2, text) = 1000 + 120 + 20, fotec L1 = 1060
    assert ids(small_store, query) == [("rhp", 1180), ("ebmlab", 1140), ("fotec", 1060)]
    offer = small_store.search_candidates(query).candidates[1].concept_hits[0]
    assert offer.source.value == "offer"
    assert offer.evidence == "HIP after EBM"


def test_weights_scale_points_and_sum_over_concepts(small_store: GraphStore) -> None:
    query = CandidateQuery(
        concepts=[QueryConcept(id="mat.ti.ti64"), QueryConcept(id="vc.post.hip", weight=50)]
    )
    # ebmlab 1180 + 1140 // 2; fotec 1120 + 1060 // 2; rhp 520 + 1180 // 2
    assert ids(small_store, query) == [("ebmlab", 1750), ("fotec", 1650), ("rhp", 1110)]


def test_text_terms_with_typos(small_store: GraphStore) -> None:
    query = CandidateQuery(terms=["leuvn", "powdr"])
    result = small_store.search_candidates(query)
    # kul: 'Leuven' in name with 1 edit (240) + 'powder' in description with 1 edit (120)
    # fotec: 'powder' in description (120)
    assert [(c.actor_id, c.score) for c in result.candidates] == [("kul", 360), ("fotec", 120)]
    hit = result.candidates[0].text_hits[0]
    assert (hit.matched, hit.field.value, hit.edits) == ("Leuven", "name", 1)


def test_short_terms_must_match_exactly(small_store: GraphStore) -> None:
    assert ids(small_store, CandidateQuery(terms=["lab"])) == [("ebmlab", 300), ("fotec", 150)]
    assert ids(small_store, CandidateQuery(terms=["lap"])) == []


def test_filters_combine(small_store: GraphStore) -> None:
    metal = [QueryConcept(id="proc.any_metal_am")]
    assert [a for a, _ in ids(small_store, CandidateQuery(concepts=metal))] == [
        "fotec",
        "waamco",
        "kul",
        "ebmlab",
    ]
    at = CandidateQuery(concepts=metal, regions=["AT"])
    assert [a for a, _ in ids(small_store, at)] == ["fotec", "waamco"]
    at12 = CandidateQuery(concepts=metal, regions=["AT12"], kinds=[ActorKind.RESEARCH])
    assert [a for a, _ in ids(small_store, at12)] == ["fotec"]
    level3 = CandidateQuery(concepts=metal, min_level=3)
    assert [a for a, _ in ids(small_store, level3)] == ["fotec", "waamco"]


def test_require_groups_are_hierarchy_aware(small_store: GraphStore) -> None:
    query = CandidateQuery(require=[["proc.pbf"], ["mat.ti"]])
    assert ids(small_store, query) == [("ebmlab", 0), ("fotec", 0)]


def test_facets_count_all_hits(small_store: GraphStore) -> None:
    result = small_store.search_candidates(CandidateQuery(concepts=[QueryConcept(id="mat.ti")]))
    # rhp (exact), fotec and ebmlab (Ti64, narrower), kul (mat.metal, broader)
    assert result.total == 4
    assert result.facets["region"] == {"AT12": 2, "BE24": 1, "SE22": 1}
    assert result.facets["country"] == {"AT": 2, "BE": 1, "SE": 1}
    assert result.facets["kind"] == {"company": 1, "research": 2, "university": 1}
    assert result.facets["material"] == {"mat.metal": 1, "mat.ti": 1, "mat.ti.ti64": 2}
    assert result.facets["value_chain"] == {"vc.post.hip": 3}
    assert result.facets["process"] == {"proc.pbf": 1, "proc.pbf.eb_m": 1, "proc.pbf.lb_m": 1}


def test_pagination_window(small_store: GraphStore) -> None:
    full = ids(small_store, CandidateQuery(concepts=[QueryConcept(id="proc.any_metal_am")]))
    page = CandidateQuery(concepts=[QueryConcept(id="proc.any_metal_am")], offset=1, limit=2)
    result = small_store.search_candidates(page)
    assert result.total == 4
    assert [(c.actor_id, c.score) for c in result.candidates] == full[:3]


def test_writes_are_seen(small_store: GraphStore) -> None:
    query = CandidateQuery(concepts=[QueryConcept(id="proc.ded.arc_m")])
    assert [a for a, _ in ids(small_store, query)] == ["waamco"]
    small_store.delete_actor("waamco")
    assert ids(small_store, query) == []
