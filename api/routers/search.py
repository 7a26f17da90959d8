"""Search for researchers, and the graph questions: paths, the regional map, communities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import StoreDep
from api.engines import EnginesDep
from api.security import Reader
from matchmaker.models import ActorKind
from matchmaker.search.communities import Community, communities
from matchmaker.search.engine import SearchRequest, SearchResponse
from matchmaker.search.paths import ConnectionPath, connection_paths
from matchmaker.search.regional_map import RegionalMap, map_csv, map_png, map_svg, regional_map

router = APIRouter(tags=["search"])


async def search_request(
    q: Annotated[str, Query(max_length=500, examples=["WAAM Austria", "HIP Ti64"])] = "",
    concept: Annotated[list[str] | None, Query(description="concept or narrower")] = None,
    process: Annotated[list[str] | None, Query()] = None,
    material: Annotated[list[str] | None, Query()] = None,
    stage: Annotated[list[str] | None, Query(description="value-chain stage")] = None,
    kind: Annotated[list[ActorKind] | None, Query()] = None,
    region: Annotated[list[str] | None, Query(description="NUTS code or country")] = None,
    min_level: Annotated[int, Query(ge=1, le=3)] = 1,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> SearchRequest:
    """A search request from query parameters."""
    return SearchRequest(
        text=q,
        concepts=concept or [],
        processes=process or [],
        materials=material or [],
        stages=stage or [],
        kinds=kind or [],
        regions=region or [],
        min_level=min_level,
        offset=offset,
        limit=limit,
    )


@router.get("/search", response_model=SearchResponse)
def search(
    request: Annotated[SearchRequest, Depends(search_request)],
    store: StoreDep,
    engines: EnginesDep,
    _: Reader,
) -> SearchResponse:
    """Ranked actors with evidence, facet counts, and what the query was understood as."""
    return engines.search_engine(store).search(request)


@router.get("/paths", response_model=list[ConnectionPath])
def paths(
    source: Annotated[str, Query(description="actor id")],
    target: Annotated[str, Query(description="actor id")],
    store: StoreDep,
    engines: EnginesDep,
    _: Reader,
    max_paths: Annotated[int, Query(ge=1, le=20)] = 3,
) -> list[ConnectionPath]:
    """Shortest connection paths between two actors through clusters, projects, affiliations."""
    store.get_actor(source)
    store.get_actor(target)
    return connection_paths(engines.snapshot(store), source, target, max_paths=max_paths)


def _map(store: StoreDep, engines: EnginesDep, depth: int | None, min_actors: int) -> RegionalMap:
    return regional_map(engines.snapshot(store), max_depth=depth, min_actors=min_actors)


MapDepth = Annotated[int | None, Query(ge=0, description="only concepts at most this deep")]
MapMin = Annotated[int, Query(ge=1, description="only concepts with this many actors")]


@router.get("/map", response_model=RegionalMap)
def competence_map(
    store: StoreDep, engines: EnginesDep, _: Reader, depth: MapDepth = None, min_actors: MapMin = 1
) -> RegionalMap:
    """Actors per region and process / material / value-chain stage, with location quotients."""
    return _map(store, engines, depth, min_actors)


@router.get("/map.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def competence_map_csv(
    store: StoreDep, engines: EnginesDep, _: Reader, depth: MapDepth = None, min_actors: MapMin = 1
) -> Response:
    """The regional map as CSV."""
    return Response(map_csv(_map(store, engines, depth, min_actors)), media_type="text/csv")


@router.get(
    "/map.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}}
)
def competence_map_svg(
    store: StoreDep, engines: EnginesDep, _: Reader, depth: MapDepth = None, min_actors: MapMin = 1
) -> Response:
    """The regional map as an SVG heat map."""
    return Response(map_svg(_map(store, engines, depth, min_actors)), media_type="image/svg+xml")


@router.get("/map.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def competence_map_png(
    store: StoreDep, engines: EnginesDep, _: Reader, depth: MapDepth = None, min_actors: MapMin = 1
) -> Response:
    """The regional map as a PNG heat map."""
    return Response(map_png(_map(store, engines, depth, min_actors)), media_type="image/png")


@router.get("/communities", response_model=list[Community])
def list_communities(
    store: StoreDep,
    engines: EnginesDep,
    _: Reader,
    seed: Annotated[int, Query()] = 1,
    min_size: Annotated[int, Query(ge=1)] = 3,
) -> list[Community]:
    """Groups of densely connected actors across regions, with their dominant concepts."""
    return communities(engines.snapshot(store), seed=seed, min_size=min_size)
