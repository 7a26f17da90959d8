"""Regional competence map on the small ecosystem, checked by hand."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from graph.protocol import Snapshot
from matchmaker.models import Facet
from matchmaker.search.regional_map import map_csv, map_svg, regional_map


def test_counts_are_hierarchy_aware(small_snapshot: Snapshot) -> None:
    result = regional_map(small_snapshot)
    # AT12: clu-at, fotec, rhp; fotec states L-PBF, which counts for PBF and metal AM too
    assert result.region_actors["AT12"] == 3
    assert result.cell("AT12", "proc.pbf.lb_m").actors == 1
    assert result.cell("AT12", "proc.pbf").actors == 1
    assert result.cell("AT12", "proc.any_metal_am").actors == 1
    # titanium: fotec (Ti64) and rhp (mat.ti) in AT12, ebmlab in SE22
    assert result.cell("AT12", "mat.ti").actors == 2
    assert result.concept_actors["mat.ti"] == 3
    assert result.total_actors == 8


def test_location_quotient(small_snapshot: Snapshot) -> None:
    result = regional_map(small_snapshot)
    # (2 / 3) / (3 / 8) for titanium in AT12; (1 / 1) / (3 / 8) for HIP in SE22
    assert result.cell("AT12", "mat.ti").lq == pytest.approx(16 / 9, abs=1e-4)
    assert result.cell("SE22", "vc.post.hip").lq == pytest.approx(8 / 3, abs=1e-4)
    assert result.cell("RO21", "mat.ti").lq == 0


def test_depth_and_facet_selection(small_snapshot: Snapshot) -> None:
    result = regional_map(small_snapshot, facets=[Facet.PROCESS], max_depth=1)
    assert result.concepts == ["proc.any_metal_am", "proc.ded", "proc.pbf"]


def test_csv_and_svg_exports(small_snapshot: Snapshot) -> None:
    result = regional_map(small_snapshot)
    rows = list(csv.DictReader(io.StringIO(map_csv(result))))
    assert len(rows) == sum(1 for c in result.cells if c.actors)
    row = next(r for r in rows if r["region"] == "AT12" and r["concept"] == "mat.ti")
    assert row["region_name"] == "Niederösterreich"
    assert (row["actors"], row["region_actors"]) == ("2", "3")
    svg = ET.fromstring(map_svg(result))
    rects = svg.findall("{http://www.w3.org/2000/svg}rect")
    assert len(rects) == len(result.regions) * len(result.concepts)
