"""Ranked, explained partner lists for one actor, and a cluster's batch export as CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import IdPath, StoreDep
from api.engines import EnginesDep
from api.security import Reader
from matchmaker.errors import ValidationFailed
from matchmaker.matching import Match, MatchOptions
from matchmaker.matching.table import CSV_COLUMNS, csv_rows
from matchmaker.models import ActorKind

router = APIRouter(tags=["matches"])


def parse_weights(raw: str | None) -> dict[str, float] | None:
    """``"region=0,kind=0.3"`` -> ``{"region": 0.0, "kind": 0.3}``."""
    if not raw:
        return None
    weights: dict[str, float] = {}
    for item in raw.split(","):
        name, sep, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise ValidationFailed(f"weights: '{item}' is not NAME=NUMBER") from None
        if not sep:
            raise ValidationFailed(f"weights: '{item}' is not NAME=NUMBER")
    return weights


async def options_from_query(
    profile: Annotated[str, Query(description="partnering, research, supply-chain, b2b-event")] = (
        "partnering"
    ),
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    weights: Annotated[str | None, Query(description="overrides: 'region=0,kind=0.3'")] = None,
    kind: Annotated[list[ActorKind] | None, Query()] = None,
    region: Annotated[list[str] | None, Query(description="NUTS prefixes")] = None,
    country: Annotated[list[str] | None, Query()] = None,
    scope: Annotated[str | None, Query(description="any, same_region, other_regions")] = None,
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
    exclude: Annotated[list[str] | None, Query(description="actor ids never proposed")] = None,
    exclude_partners: Annotated[bool | None, Query()] = None,
    per_organisation: Annotated[int | None, Query(ge=1)] = None,
    per_region: Annotated[int | None, Query(ge=1)] = None,
) -> MatchOptions:
    """Match options from query parameters (validated like the CLI's)."""
    return MatchOptions.model_validate(
        {
            "profile": profile,
            "top": top,
            "weights": parse_weights(weights),
            "kinds": kind or [],
            "regions": region or [],
            "countries": [c.upper() for c in country or []],
            "scope": scope,
            "min_score": min_score,
            "exclude_ids": exclude or [],
            "exclude_partners": exclude_partners,
            "per_organisation": per_organisation,
            "per_region": per_region,
        }
    )


OptionsDep = Annotated[MatchOptions, Depends(options_from_query)]


@router.get("/actors/{actor_id}/matches", response_model=list[Match])
def actor_matches(
    actor_id: IdPath, options: OptionsDep, store: StoreDep, engines: EnginesDep, _: Reader
) -> list[Match]:
    """The actor's best partners with per-component contributions and a readable reason."""
    store.get_actor(actor_id)
    return engines.match_engine(store).match(actor_id, options)


@router.get(
    "/clusters/{cluster_id}/matches.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per proposed partner"}},
)
def cluster_matches_csv(
    cluster_id: IdPath, options: OptionsDep, store: StoreDep, engines: EnginesDep, _: Reader
) -> Response:
    """Every member's match list as CSV (the batch export for cluster managers)."""
    members = store.members(cluster_id)
    engine = engines.match_engine(store)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for actor_id, matches in engine.match_many(members, options):
        writer.writerows(csv_rows(actor_id, matches))
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{cluster_id}-matches.csv"'},
    )
