"""``list_actors`` filters: each alone and combined (AND across, OR within)."""

from __future__ import annotations

import pytest

from graph.protocol import ActorQuery, GraphStore
from matchmaker.models import ActorKind
from tests.store import sample


def _ids(store: GraphStore, **filters: object) -> list[str]:
    page = store.list_actors(ActorQuery.model_validate(filters), limit=1000)
    assert page.total == len(page.items)
    return [a.id for a in page.items]


def test_no_query_lists_everything(loaded: GraphStore) -> None:
    assert _ids(loaded) == sample.ACTOR_IDS
    assert [a.id for a in loaded.list_actors(None).items] == sample.ACTOR_IDS


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": [ActorKind.CLUSTER]}, ["cl-am-austria", "cl-bavaria"]),
        ({"kinds": ["research", "university"]}, ["fraunhofer-x", "tu-graz"]),
        ({"regions": ["AT22"]}, ["expert-anna", "styria-region", "tu-graz"]),
        ({"regions": ["AT1"]}, ["acme-additive", "cl-am-austria"]),
        (
            {"regions": ["AT"]},
            ["acme-additive", "cl-am-austria", "expert-anna", "styria-region", "tu-graz"],
        ),
        (
            {"regions": ["AT13", "DE2"]},
            ["cl-am-austria", "cl-bavaria", "ded-works", "fraunhofer-x"],
        ),
        ({"regions": ["EL30"]}, ["metal-hellas"]),
        ({"regions": ["FR"]}, []),
        ({"countries": ["GR"]}, ["metal-hellas"]),
        ({"countries": ["DE", "GR"]}, ["cl-bavaria", "ded-works", "fraunhofer-x", "metal-hellas"]),
        ({"concepts": ["mat.ti.ti64"]}, ["acme-additive", "fraunhofer-x", "metal-hellas"]),
        ({"concepts": ["svc.testing"]}, ["ded-works", "expert-anna", "metal-hellas"]),
        ({"concepts": ["proc.pbf"]}, []),
        ({"concepts": ["proc.ded", "proc.pbf.eb_m"]}, ["fraunhofer-x", "tu-graz"]),
        ({"cluster": "cl-am-austria"}, ["acme-additive", "ded-works", "tu-graz"]),
        ({"cluster": "no-such-cluster"}, []),
        ({"name_contains": "cluster"}, ["cl-am-austria", "cl-bavaria"]),
        ({"name_contains": "GRAZ"}, ["tu-graz"]),
        ({"name_contains": "zzz"}, []),
    ],
)
def test_single_filter(loaded: GraphStore, filters: dict[str, object], expected: list[str]) -> None:
    assert _ids(loaded, **filters) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": ["company"], "regions": ["DE"]}, ["ded-works"]),
        ({"kinds": ["company"], "concepts": ["mat.ti.ti64"]}, ["acme-additive", "metal-hellas"]),
        ({"cluster": "cl-am-austria", "countries": ["AT"]}, ["acme-additive", "tu-graz"]),
        ({"cluster": "cl-bavaria", "name_contains": "fraun"}, ["fraunhofer-x"]),
        (
            {"kinds": ["company", "university"], "regions": ["AT"], "concepts": ["proc.pbf.lb_m"]},
            ["acme-additive", "tu-graz"],
        ),
        ({"kinds": ["expert"], "countries": ["DE"]}, []),
        ({"regions": ["AT"], "countries": ["DE"]}, []),
    ],
)
def test_combined_filters(
    loaded: GraphStore, filters: dict[str, object], expected: list[str]
) -> None:
    assert _ids(loaded, **filters) == expected


def test_filters_follow_updates(loaded: GraphStore) -> None:
    moved = loaded.get_actor("metal-hellas").model_copy(
        update={"region": "AT13", "country": "AT", "offers": []}
    )
    loaded.upsert_actor(moved)
    assert _ids(loaded, countries=["GR"]) == []
    assert "metal-hellas" in _ids(loaded, regions=["AT13"])
    assert _ids(loaded, concepts=["mat.ti.ti64"]) == ["acme-additive", "fraunhofer-x"]
