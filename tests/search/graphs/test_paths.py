"""Connection paths on the small ecosystem, checked by hand."""

from __future__ import annotations

import pytest

from graph.protocol import Snapshot
from matchmaker.errors import NotFound
from matchmaker.search.paths import connection_paths


def test_path_through_cluster_and_projects(small_snapshot: Snapshot) -> None:
    paths = connection_paths(small_snapshot, "rhp", "waamco")
    assert [p.actors for p in paths] == [["rhp", "clu-at", "fotec", "kul", "waamco"]]
    relations = [(s.relation, s.via) for s in paths[0].steps]
    assert relations == [
        ("member_of", None),
        ("has_member", None),
        ("project", "p-amaze"),
        ("project", "p-waam"),
    ]
    assert "worked together in project p-waam (2020)" in paths[0].explanation


def test_direct_project_partners(small_snapshot: Snapshot) -> None:
    (path,) = connection_paths(small_snapshot, "fotec", "kul")
    assert path.actors == ["fotec", "kul"]
    assert path.steps[0].text.startswith("FOTEC Forschungs GmbH (fotec) and KU Leuven (kul)")


def test_unconnected_and_unknown(small_snapshot: Snapshot) -> None:
    assert connection_paths(small_snapshot, "lonely", "fotec") == []
    assert connection_paths(small_snapshot, "fotec", "fotec")[0].steps == []
    with pytest.raises(NotFound, match="nobody"):
        connection_paths(small_snapshot, "fotec", "nobody")
