"""Match lists as table rows (CSV exports of the CLI and the API share these)."""

from __future__ import annotations

from collections.abc import Iterable

from matchmaker.matching.profiles import COMPONENTS
from matchmaker.matching.results import Match

CSV_COLUMNS = [
    "actor_id",
    "rank",
    "partner_id",
    "partner_name",
    "partner_kind",
    "partner_region",
    "score",
    *COMPONENTS,
    "reason",
]


def csv_rows(actor_id: str, matches: list[Match]) -> Iterable[list[object]]:
    """One row per match, in rank order, columns as :data:`CSV_COLUMNS`."""
    for rank, m in enumerate(matches, start=1):
        yield [
            actor_id,
            rank,
            m.partner_id,
            m.partner_name,
            m.partner_kind.value,
            m.partner_region,
            f"{m.score:.6f}",
            *(f"{m.contributions[c]:.6f}" for c in COMPONENTS),
            m.reason,
        ]
