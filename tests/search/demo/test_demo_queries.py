"""A table of demo queries (multilingual, typos, acronyms, places, filters) with expected
understanding, totals and top hits; every result is also checked against a plain recount."""

from __future__ import annotations

from typing import Any

import pytest

from graph.memory import MemoryStore
from graph.search_types import CandidateQuery, QueryConcept
from matchmaker.search.engine import SearchEngine, SearchRequest
from matchmaker.taxonomy import default_taxonomy
from tests.search.oracle import plain_search

# (text, filters, understood concepts, places, total, first hit)
CASES: list[tuple[str, dict[str, Any], list[str], list[str], int, str | None]] = [
    (
        "metal AM",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    ("WAAM Austria", {}, ["proc.ded.arc_m"], ["AT"], 2, "fachhochschule-neckarau"),
    ("HIP Ti64", {}, ["vc.post.hip", "mat.ti.ti64"], [], 95, "hogeschool-dijle"),
    (
        "Laserstrahlschmelzen Inconel",
        {},
        ["proc.pbf.lb_m", "mat.ni"],
        [],
        110,
        "additive-valsugana-s-r-l",
    ),
    (
        "fabricatie aditiva metal",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    ("SLM", {}, ["proc.pbf.lb_m"], [], 41, "additive-dolomiti-s-r-l"),
    ("SLS", {}, ["proc.pbf.lb_m"], [], 41, "additive-dolomiti-s-r-l"),
    ("HIP", {}, ["vc.post.hip"], [], 15, "arges-tratamente-termice-s-a"),
    (
        "EBM titanium",
        {},
        ["proc.pbf.eb_m", "mat.ti"],
        [],
        109,
        "hochwald-forschungszentrum-werkstoffe",
    ),
    ("L-PBF", {}, ["proc.pbf.lb_m"], [], 41, "additive-dolomiti-s-r-l"),
    ("LPBF AlSi10Mg", {}, ["proc.pbf.lb_m", "mat.al.alsi10mg"], [], 109, "fachhochschule-neckarau"),
    ("selective laser melting", {}, ["proc.pbf.lb_m"], [], 41, "additive-dolomiti-s-r-l"),
    ("DMLS 316L", {}, ["proc.pbf.lb_m", "mat.fe.316l"], [], 98, "institutul-de-cercetari-voronet"),
    ("binder jetting", {}, ["proc.bjt"], [], 14, "fundacion-de-investigacion-aneto"),
    (
        "metal binder jetting Sweden",
        {},
        ["proc.bjt.metal"],
        ["SE"],
        2,
        "oresund-forskningsinstitut",
    ),
    ("cold spray", {}, ["proc.coldspray"], [], 0, None),
    ("laser metal deposition", {}, ["proc.ded.lb_m"], [], 13, "centro-ricerche-brennero"),
    ("LMD repair", {}, ["proc.ded.lb_m", "vc.repair"], [], 18, "orobica-energia-s-p-a"),
    ("wire arc additive manufacturing", {}, ["proc.ded.arc_m"], [], 19, "fachhochschule-neckarau"),
    ("Ti-6Al-4V", {}, ["mat.ti.ti64"], [], 84, "bram-goossens"),
    ("Ti6Al4V", {}, ["mat.ti.ti64"], [], 84, "bram-goossens"),
    ("Inconel 718", {}, ["mat.ni.in718"], [], 64, "additive-valsugana-s-r-l"),
    ("IN718", {}, ["mat.ni.in718"], [], 64, "additive-valsugana-s-r-l"),
    ("Alloy 625", {}, ["mat.ni.in625"], [], 17, "orseg-repulestechnika-kft"),
    ("17-4PH", {}, ["mat.fe.174ph"], [], 21, "automotive-appennino-s-r-l"),
    ("maraging steel", {}, ["mat.fe.maraging"], [], 31, "brunnauer-werkzeugbau-gmbh"),
    ("tool steel H13", {}, ["mat.fe.tool"], [], 24, "als-vrktj-aps"),
    ("copper", {}, ["mat.cu"], [], 22, "brunnauer-werkzeugbau-gmbh"),
    ("CuCrZr", {}, ["mat.cu.cucrzr"], [], 12, "brunnauer-werkzeugbau-gmbh"),
    ("tungsten", {}, ["mat.refr.w"], [], 15, "lilleblt-ingenirhjskole"),
    ("heat treatment", {}, ["vc.post.ht"], [], 24, "als-varmebehandling-aps"),
    ("Wärmebehandlung", {}, ["vc.post.ht"], [], 24, "als-varmebehandling-aps"),
    ("hot isostatic pressing", {}, ["vc.post.hip"], [], 15, "arges-tratamente-termice-s-a"),
    ("CT scanning", {}, ["vc.test"], [], 57, "brabantse-onderzoekscentrum-maakindustrie"),
    (
        "non-destructive testing",
        {},
        ["vc.test"],
        [],
        57,
        "brabantse-onderzoekscentrum-maakindustrie",
    ),
    ("topology optimisation", {}, ["vc.design.topopt"], [], 67, "additive-nete-bv"),
    ("design for AM", {}, ["vc.design"], [], 67, "arges-matrite-s-a"),
    ("DfAM", {}, ["vc.design"], [], 67, "arges-matrite-s-a"),
    ("simulation", {}, ["vc.sim"], [], 38, "douro-software-s-a"),
    ("powder production", {}, ["vc.materials"], [], 34, "davide-gasser"),
    ("metal powder atomisation", {}, ["fs.powder", "vc.materials"], [], 34, "davide-gasser"),
    ("post-processing", {}, ["vc.post"], [], 140, "additive-nete-bv"),
    ("surface finishing", {}, ["vc.post.surface"], [], 24, "bram-goossens"),
    ("machining", {}, ["vc.post.machining"], [], 95, "aeronautica-carpatin-s-r-l"),
    ("qualification", {}, ["vc.qual"], [], 61, "aerospace-leie-bv"),
    ("certification", {}, ["vc.qual"], [], 61, "aerospace-leie-bv"),
    ("training", {}, ["vc.training"], [], 73, "dijle-netwerk-additieve-productie"),
    ("aerospace", {}, ["app.aero"], [], 69, "ybbstal-luftfahrttechnik-gmbh"),
    ("medical implants", {}, ["app.medical"], [], 53, "anouk-claes"),
    ("dental", {}, ["app.dental"], [], 0, None),
    ("automotive", {}, ["app.auto"], [], 48, "automobile-du-chartreuse-sa"),
    ("tooling conformal cooling", {}, ["app.tooling"], [], 25, "als-vrktj-a-s"),
    (
        "fabrication additive métallique",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    (
        "impression 3D métal",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    (
        "additive Fertigung Metall",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    (
        "fabbricazione additiva metalli",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    (
        "3D tisk kovů",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    (
        "additiv tillverkning metall",
        {},
        ["proc.any_metal_am", "mat.metal"],
        [],
        267,
        "fundacion-de-investigacion-aneto",
    ),
    ("Titan Pulver", {}, ["mat.ti", "fs.powder"], [], 95, "bram-goossens"),
    ("Inconell 718", {}, ["mat.ni", "mat.ni.in718"], [], 78, "additive-valsugana-s-r-l"),
    ("titanium Lower Austria", {}, ["mat.ti"], ["AT12"], 10, "florian-aigner"),
    ("aluminium Flanders", {}, ["mat.al"], ["BE2"], 9, "aerospace-polder-bv"),
    ("Skåne", {}, [], ["SE22"], 22, "gustav-holm"),
    ("Ostrava", {}, [], ["CZ08"], 18, "centrum-materialoveho-vyzkumu-radhost"),
    ("laser powder bed fusion Italy", {}, ["proc.pbf.lb_m"], ["IT"], 6, "additive-dolomiti-s-r-l"),
    ("fraunhofer", {}, [], [], 0, None),
    ("ASAP", {}, [], [], 0, None),
    ("WAAM rail", {}, ["proc.ded.arc_m", "app.rail"], [], 26, "fachhochschule-neckarau"),
    ("HIP Inconel Belgium", {}, ["vc.post.hip", "mat.ni"], ["BE"], 14, "schelde-hip-inspectie-nv"),
    (
        "metal AM",
        {"regions": ["AT12"], "kinds": ["research"]},
        ["proc.any_metal_am", "mat.metal"],
        [],
        3,
        "institut-fur-fertigungsinnovation-traisen",
    ),
    ("Ti64", {"min_level": 3}, ["mat.ti.ti64"], [], 22, "bram-goossens"),
    ("", {"stages": ["vc.post"], "regions": ["SE"]}, [], [], 9, "gustav-holm"),
    ("WAAM", {"kinds": ["company"]}, ["proc.ded.arc_m"], [], 2, "ljunga-maskin-ab"),
    ("HIP", {"facets": ["value_chain"]}, ["vc.post.hip"], [], 15, "arges-tratamente-termice-s-a"),
    (
        "",
        {"processes": ["proc.pbf"], "materials": ["mat.ti"]},
        [],
        [],
        14,
        "centro-ricerche-brennero",
    ),
]


@pytest.mark.parametrize(("text", "filters", "concepts", "places", "total", "first"), CASES)
def test_demo_query(
    demo_engine: SearchEngine,
    text: str,
    filters: dict[str, Any],
    concepts: list[str],
    places: list[str],
    total: int,
    first: str | None,
) -> None:
    response = demo_engine.search(SearchRequest(text=text, limit=5, **filters))
    assert [c.concept for c in response.understanding.concepts] == concepts
    assert [c for p in response.understanding.places for c in p.codes] == places
    assert response.total == total
    assert (response.hits[0].actor_id if response.hits else None) == first


@pytest.mark.parametrize(("text", "filters"), [(c[0], c[1]) for c in CASES])
def test_demo_query_agrees_with_plain_recount(
    demo_engine: SearchEngine, demo_memory: MemoryStore, text: str, filters: dict[str, Any]
) -> None:
    request = SearchRequest(text=text, limit=200, **filters)
    response = demo_engine.search(request)
    understood = response.understanding
    query = CandidateQuery(
        concepts=[QueryConcept(id=c.concept, weight=c.weight) for c in understood.concepts],
        terms=understood.terms,
        kinds=request.kinds,
        regions=request.regions + [c for p in understood.places for c in p.codes],
        require=[
            g for g in (request.concepts, request.processes, request.materials, request.stages) if g
        ],
        min_level=request.min_level,
    )
    hits, facets = plain_search(demo_memory.snapshot(), default_taxonomy(), query)
    assert [(h.actor_id, h.score) for h in response.hits] == hits[:200]
    assert response.total == len(hits)
    assert response.facets == facets
