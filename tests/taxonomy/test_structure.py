"""Structure of the packaged taxonomy: facets, roots, hierarchy, languages, provenance."""

from __future__ import annotations

import itertools

import pytest

from matchmaker.models import Facet
from matchmaker.taxonomy import Taxonomy, default_taxonomy

REQUIRED_LANGUAGES = ("en", "de", "fr", "it", "es", "ro", "hu", "cs", "da", "sv", "nl")
FACET_ROOTS = {
    Facet.PROCESS: "am",
    Facet.MATERIAL: "mat.metal",
    Facet.FEEDSTOCK: "fs",
    Facet.VALUE_CHAIN: "vc",
    Facet.SECTOR: "app",
}
SOURCES = (
    "ISO/ASTM 52900 via DOAM (SINTEF, CC BY 4.0)",
    "taxonomy.md [S]",
    "taxonomy.md [K]",
)
# Concept ids named in /work/shared/domain/taxonomy.md: kept exactly.
DOCUMENTED_IDS = (
    "proc.bjt",
    "proc.ded",
    "proc.mex",
    "proc.mjt",
    "proc.pbf",
    "proc.shl",
    "proc.vpp",
    "proc.pbf.lb_m",
    "proc.pbf.eb_m",
    "proc.pbf.hybrid",
    "proc.pbf.area",
    "proc.ded.lb_m.powder",
    "proc.ded.lb_m.wire",
    "proc.ded.arc_m",
    "proc.ded.eb_m",
    "proc.ded.hybrid",
    "proc.ded.repair",
    "proc.coldspray",
    "proc.friction",
    "proc.bjt.metal",
    "proc.mex.metal",
    "proc.mjt.metal",
    "proc.shl.metal",
    "proc.vpp.metal",
    "proc.any_metal_am",
    "mat.ti.ti64",
    "mat.ti.ti64eli",
    "mat.ti.cp",
    "mat.ti.other",
    "mat.ti.tial",
    "mat.ni.in718",
    "mat.ni.in625",
    "mat.ni.other",
    "mat.fe.316l",
    "mat.fe.174ph",
    "mat.fe.155ph",
    "mat.fe.other_ss",
    "mat.fe.maraging",
    "mat.fe.tool",
    "mat.fe.lowalloy",
    "mat.al.alsi10mg",
    "mat.al.alsi7mg",
    "mat.al.alsi12",
    "mat.al.scalmalloy",
    "mat.al.highstrength",
    "mat.al.wire",
    "mat.co.cocr",
    "mat.cu.pure",
    "mat.cu.cucrzr",
    "mat.cu.other",
    "mat.refr.w",
    "mat.refr.other",
    "mat.fe.invar",
    "mat.mg",
    "mat.precious",
    "mat.nitinol",
    "mat.advanced",
    "vc.design",
    "vc.design.topopt",
    "vc.sim",
    "vc.software",
    "vc.monitoring",
    "vc.materials",
    "vc.equipment",
    "vc.print",
    "vc.repair",
    "vc.post",
    "vc.post.ht",
    "vc.post.hip",
    "vc.post.removal",
    "vc.post.machining",
    "vc.post.surface",
    "vc.post.sinter",
    "vc.test",
    "vc.qual",
    "vc.ehs",
    "vc.training",
    "vc.infra",
    "vc.policy",
    "app.aero",
    "app.space",
    "app.defence",
    "app.auto",
    "app.rail",
    "app.marine",
    "app.energy",
    "app.medical",
    "app.dental",
    "app.tooling",
    "app.machinery",
    "app.electronics",
    "app.consumer",
    "app.construction",
    "app.agrifood",
    "app.chemical",
    "app.textile",
    "app.plastics",
)
# Concepts whose aliases must cover every partner-region language.
MULTILINGUAL_CORE = (
    "am",
    "proc.any_metal_am",
    "proc.pbf",
    "proc.ded",
    "proc.pbf.lb_m",
    "proc.pbf.eb_m",
    "mat.metal",
    "mat.ti",
    "mat.ni",
    "mat.fe",
    "mat.fe.stainless",
    "mat.al",
    "mat.cu",
    "vc.post",
    "vc.post.ht",
    "vc.post.hip",
    "vc.post.machining",
    "vc.post.surface",
    "vc.test",
    "vc.design.topopt",
    "vc.training",
    "app.aero",
    "app.auto",
    "app.medical",
    "app.energy",
    "app.tooling",
)


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return default_taxonomy()


def test_default_taxonomy_is_cached(tax: Taxonomy) -> None:
    assert default_taxonomy() is tax


def test_every_documented_id_is_present(tax: Taxonomy) -> None:
    missing = [cid for cid in DOCUMENTED_IDS if cid not in tax]
    assert missing == []


def test_one_root_per_facet(tax: Taxonomy) -> None:
    assert set(tax.roots) == set(FACET_ROOTS.values())
    for facet, root in FACET_ROOTS.items():
        assert tax.facet(root) is facet


def test_every_concept_reaches_its_facet_root(tax: Taxonomy) -> None:
    for concept in tax.concepts:
        assert tax.root_of(concept.id) == {FACET_ROOTS[concept.facet]}, concept.id


def test_facet_is_constant_along_broader_links(tax: Taxonomy) -> None:
    for concept in tax.concepts:
        for parent in concept.broader:
            assert tax.facet(parent) is concept.facet, (concept.id, parent)


def test_no_concept_is_its_own_ancestor(tax: Taxonomy) -> None:
    for concept in tax.concepts:
        assert concept.id not in tax.ancestors(concept.id)
        assert tax.ancestors(concept.id).isdisjoint(tax.descendants(concept.id))


@pytest.mark.parametrize(
    ("chain"),
    [
        ["proc.pbf.lb_m", "proc.pbf.metal", "proc.pbf", "am"],
        ["proc.pbf.eb_m", "proc.pbf.metal", "proc.any_metal_am", "am"],
        ["proc.ded.lb_m.powder", "proc.ded.lb_m", "proc.ded", "am"],
        ["proc.ded.arc_m", "proc.any_metal_am", "am"],
        ["mat.ti.ti64", "mat.ti", "mat.metal"],
        ["mat.ni.in718", "mat.ni", "mat.metal"],
        ["mat.fe.316l", "mat.fe.stainless", "mat.fe", "mat.metal"],
        ["mat.al.alsi10mg", "mat.al", "mat.metal"],
        ["vc.post.hip", "vc.post", "vc"],
        ["vc.design.topopt", "vc.design", "vc"],
        ["fs.powder.ga", "fs.powder", "fs"],
    ],
)
def test_hierarchy_chains(tax: Taxonomy, chain: list[str]) -> None:
    for child, parent in itertools.pairwise(chain):
        assert parent in tax.ancestors(child)
    assert chain[0] in tax.descendants(chain[-1])


def test_metal_pbf_has_two_parents(tax: Taxonomy) -> None:
    assert tax.parents("proc.pbf.metal") == {"proc.pbf", "proc.any_metal_am"}


def test_every_metal_process_variant_is_below_metal_am(tax: Taxonomy) -> None:
    metal_variants = [
        c.id
        for c in tax.concepts
        if c.facet is Facet.PROCESS and c.id.count(".") >= 2 and c.id.startswith("proc.")
    ]
    assert len(metal_variants) >= 15
    for cid in metal_variants:
        assert "proc.any_metal_am" in tax.ancestors(cid), cid


@pytest.mark.parametrize("lang", REQUIRED_LANGUAGES)
def test_each_required_language_covers_the_core(tax: Taxonomy, lang: str) -> None:
    missing = [cid for cid in MULTILINGUAL_CORE if not tax.get(cid).aliases.get(lang)]
    assert missing == []
    assert sum(1 for c in tax.concepts if c.aliases.get(lang)) >= 40


def test_only_known_language_codes(tax: Taxonomy) -> None:
    allowed = {*REQUIRED_LANGUAGES, "xx"}
    for concept in tax.concepts:
        assert set(concept.aliases) <= allowed, concept.id


def test_ambiguous_aliases_are_aliases(tax: Taxonomy) -> None:
    for concept in tax.concepts:
        for alias in concept.ambiguous:
            assert alias in concept.all_aliases(), (concept.id, alias)


def test_documented_ambiguous_aliases_are_flagged(tax: Taxonomy) -> None:
    flagged = {a for c in tax.concepts for a in c.ambiguous}
    assert {"SLS", "LMD", "ALM", "3DP", "EBM", "DMD", "CT", "HIP", "718"} <= flagged


def test_provenance_and_labels(tax: Taxonomy) -> None:
    for concept in tax.concepts:
        assert concept.source in SOURCES, concept.id
        assert concept.label.strip() == concept.label
    doam = {c.id for c in tax.concepts if c.source == SOURCES[0]}
    assert doam == {
        "am",
        "proc.bjt",
        "proc.ded",
        "proc.mex",
        "proc.mjt",
        "proc.pbf",
        "proc.shl",
        "proc.vpp",
    }


def test_machine_models_map_to_processes(tax: Taxonomy) -> None:
    def aliases(cid: str) -> list[str]:
        return tax.get(cid).all_aliases()

    assert "EOS M 290" in aliases("proc.pbf.lb_m")
    assert "Arcam Q20" in aliases("proc.pbf.eb_m")
    assert "Meltio" in aliases("proc.ded.lb_m.wire")
    assert "HP Metal Jet" in aliases("proc.bjt.metal")
    assert "Markforged Metal X" in aliases("proc.mex.metal")
