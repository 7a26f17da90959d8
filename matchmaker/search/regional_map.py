"""Regional competence map: actors per region and concept, and each region's location quotient.

An actor counts for a concept when it states the concept or a narrower one in a competence or an
offer (hierarchy-aware). The location quotient of region ``r`` for concept ``c`` is
``(n[r, c] / n[r]) / (n[c] / n)`` with ``n[r]`` the actors of the region and ``n`` all actors:
above 1 the region is stronger in ``c`` than the network as a whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from html import escape

from pydantic import BaseModel, ConfigDict

from graph.protocol import Snapshot
from matchmaker.models import Facet
from matchmaker.nuts import nuts_table
from matchmaker.search.ranking import actor_facts

MAP_FACETS = (Facet.PROCESS, Facet.MATERIAL, Facet.VALUE_CHAIN)


class MapCell(BaseModel):
    """One region x concept cell."""

    model_config = ConfigDict(extra="forbid")

    region: str
    concept: str
    actors: int
    lq: float


class RegionalMap(BaseModel):
    """Counts and location quotients; ``regions`` and ``concepts`` are the axes, sorted."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str]
    region_actors: dict[str, int]
    concepts: list[str]
    labels: dict[str, str]
    facets: dict[str, str]
    concept_actors: dict[str, int]
    total_actors: int
    cells: list[MapCell]

    def cell(self, region: str, concept: str) -> MapCell:
        """The cell of ``region`` and ``concept`` (``KeyError`` if either is not an axis)."""
        i, j = self.regions.index(region), self.concepts.index(concept)
        return self.cells[i * len(self.concepts) + j]


def regional_map(
    snapshot: Snapshot,
    *,
    facets: Sequence[Facet] = MAP_FACETS,
    max_depth: int | None = None,
    min_actors: int = 1,
) -> RegionalMap:
    """Count actors per region and concept and compute location quotients.

    Parameters
    ----------
    snapshot
        The store's snapshot.
    facets
        Concept facets to map.
    max_depth
        Only concepts at most this deep (roots have depth 0); ``None`` keeps all.
    min_actors
        Drop concepts with fewer actors in the whole network (at least 1: a concept nobody
        states has no location quotient).

    Returns
    -------
    RegionalMap
        With one cell per (region, concept), row-major.
    """
    parents = {c.id: c.broader for c in snapshot.concepts}
    depth: dict[str, int] = {}

    def depth_of(cid: str) -> int:
        if cid not in depth:
            ps = parents.get(cid, [])
            depth[cid] = 0 if not ps else 1 + min(depth_of(p) for p in ps)
        return depth[cid]

    def with_ancestors(cid: str, out: set[str]) -> None:
        if cid in out:
            return
        out.add(cid)
        for p in parents.get(cid, []):
            with_ancestors(p, out)

    wanted = {
        c.id
        for c in snapshot.concepts
        if c.facet in facets and (max_depth is None or depth_of(c.id) <= max_depth)
    }
    counts: dict[tuple[str, str], int] = {}
    region_actors: dict[str, int] = {}
    concept_actors: dict[str, int] = {}
    for actor in snapshot.actors:
        region_actors[actor.region] = region_actors.get(actor.region, 0) + 1
        covered: set[str] = set()
        for concept, *_ in actor_facts(actor):
            with_ancestors(concept, covered)
        for concept in covered & wanted:
            counts[actor.region, concept] = counts.get((actor.region, concept), 0) + 1
            concept_actors[concept] = concept_actors.get(concept, 0) + 1
    concepts = sorted(c for c in wanted if concept_actors.get(c, 0) >= max(min_actors, 1))
    regions = sorted(region_actors)
    total = len(snapshot.actors)
    cells: list[MapCell] = []
    for region in regions:
        for concept in concepts:
            n = counts.get((region, concept), 0)
            share_all = concept_actors[concept] / total
            lq = round((n / region_actors[region]) / share_all, 4)
            cells.append(MapCell(region=region, concept=concept, actors=n, lq=lq))
    by_id = {c.id: c for c in snapshot.concepts}
    return RegionalMap(
        regions=regions,
        region_actors=region_actors,
        concepts=concepts,
        labels={c: by_id[c].label for c in concepts},
        facets={c: by_id[c].facet.value for c in concepts},
        concept_actors={c: concept_actors[c] for c in concepts},
        total_actors=total,
        cells=cells,
    )


def map_csv(result: RegionalMap) -> str:
    """The map as CSV, one row per (region, concept) with at least one actor."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["region", "region_name", "facet", "concept", "label", "actors", "region_actors", "lq"]
    )
    names = nuts_table()
    for cell in result.cells:
        if not cell.actors:
            continue
        region = names.get(cell.region)
        writer.writerow(
            [
                cell.region,
                region.name if region else "",
                result.facets[cell.concept],
                cell.concept,
                result.labels[cell.concept],
                cell.actors,
                result.region_actors[cell.region],
                f"{cell.lq:.4f}",
            ]
        )
    return out.getvalue()


def _colour(lq: float) -> str:
    """White at LQ 0, pale at 1, deep blue from 3 on."""
    if not lq:
        return "#ffffff"
    t = min(lq / 3.0, 1.0)
    r = round(255 - t * (255 - 8))
    g = round(255 - t * (255 - 69))
    b = round(255 - t * (255 - 148))
    return f"#{r:02x}{g:02x}{b:02x}"


def map_svg(result: RegionalMap, *, cell: int = 22) -> str:
    """The map as an SVG heat map: regions as rows, concepts as columns, colour = location
    quotient, number = actors. Deterministic text, viewable in any browser."""
    left, top = 180, 190
    width = left + cell * len(result.concepts) + 20
    height = top + cell * len(result.regions) + 50
    names = nuts_table()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="10">',
        f'<text x="10" y="16" font-size="13">Actors per region and concept '
        f"(colour: location quotient, {result.total_actors} actors)</text>",
    ]
    for j, concept in enumerate(result.concepts):
        x = left + j * cell + cell // 2
        label = escape(result.labels[concept])
        parts.append(
            f'<text x="{x}" y="{top - 6}" transform="rotate(-60 {x} {top - 6})">{label}</text>'
        )
    for i, region in enumerate(result.regions):
        y = top + i * cell
        nuts = names.get(region)
        label = escape(f"{region} {nuts.name if nuts else ''}"[:28])
        parts.append(f'<text x="10" y="{y + cell * 0.65:.1f}">{label}</text>')
        for j, concept in enumerate(result.concepts):
            c = result.cells[i * len(result.concepts) + j]
            x = left + j * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{_colour(c.lq)}" '
                f'stroke="#ccc"><title>{escape(region)} / {escape(result.labels[concept])}: '
                f"{c.actors} actors, LQ {c.lq}</title></rect>"
            )
            if c.actors:
                fill = "#fff" if c.lq > 1.8 else "#000"
                parts.append(
                    f'<text x="{x + cell / 2:.1f}" y="{y + cell * 0.65:.1f}" '
                    f'text-anchor="middle" fill="{fill}">{c.actors}</text>'
                )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def map_png(result: RegionalMap, *, dpi: int = 100) -> bytes:
    """The map as a PNG heat map (matplotlib, ``Agg`` backend): regions as rows, concepts as
    columns, colour = location quotient (capped at 3), number = actors."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    n_regions, n_concepts = len(result.regions), len(result.concepts)
    lq = np.array([c.lq for c in result.cells], dtype=float).reshape(n_regions, n_concepts)
    fig, ax = plt.subplots(
        figsize=(max(6.0, 0.3 * n_concepts + 3), max(3.0, 0.3 * n_regions + 2.5)), dpi=dpi
    )
    try:
        if lq.size == 0:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no region and concept pass the filters", ha="center", va="center")
            out = io.BytesIO()
            fig.savefig(out, format="png", metadata={"Software": None})
            return out.getvalue()
        image = ax.imshow(np.minimum(lq, 3.0), cmap="Blues", vmin=0, vmax=3, aspect="auto")
        ax.set_xticks(range(n_concepts), [result.labels[c] for c in result.concepts], rotation=90)
        names = nuts_table()
        ax.set_yticks(
            range(n_regions),
            [f"{r} {names[r].name[:20] if r in names else ''}" for r in result.regions],
        )
        for k, cell in enumerate(result.cells):
            if cell.actors:
                i, j = divmod(k, n_concepts)
                colour = "white" if cell.lq > 1.8 else "black"
                ax.text(j, i, str(cell.actors), ha="center", va="center", fontsize=6, color=colour)
        fig.colorbar(image, ax=ax, label="location quotient")
        ax.set_title(f"Actors per region and concept ({result.total_actors} actors)")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None})
        return out.getvalue()
    finally:
        plt.close(fig)
