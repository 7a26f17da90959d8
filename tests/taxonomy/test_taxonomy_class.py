"""The Taxonomy class: validation, navigation and hierarchy similarity."""

from __future__ import annotations

import pytest

from matchmaker.errors import TaxonomyError, UnknownConcept
from matchmaker.models import Concept, Facet
from matchmaker.taxonomy import Taxonomy, default_taxonomy, load_concepts


def concept(cid: str, *broader: str, facet: Facet = Facet.PROCESS) -> Concept:
    return Concept(id=cid, label=cid.upper(), facet=facet, broader=list(broader))


@pytest.fixture
def small() -> Taxonomy:
    return Taxonomy(
        [
            concept("r"),
            concept("r.a", "r"),
            concept("r.b", "r"),
            concept("r.a.x", "r.a"),
            concept("r.ab", "r.a", "r.b"),
            concept("m", facet=Facet.MATERIAL),
        ]
    )


def test_unknown_broader_names_the_concept() -> None:
    with pytest.raises(TaxonomyError, match=r"'r\.a'.*unknown broader concept 'nope'"):
        Taxonomy([concept("r"), concept("r.a", "nope")])


def test_cycle_is_rejected_and_named() -> None:
    with pytest.raises(TaxonomyError, match=r"cycle through: a, b, c"):
        Taxonomy([concept("a", "c"), concept("b", "a"), concept("c", "b"), concept("d")])


def test_duplicate_id_is_rejected() -> None:
    with pytest.raises(TaxonomyError, match=r"duplicate concept id 'r'"):
        Taxonomy([concept("r"), concept("r")])


def test_cross_facet_broader_is_rejected() -> None:
    with pytest.raises(TaxonomyError, match=r"'x'.*another facet"):
        Taxonomy([concept("r"), concept("x", "r", facet=Facet.MATERIAL)])


def test_navigation(small: Taxonomy) -> None:
    assert len(small) == 6
    assert "r.ab" in small
    assert "zz" not in small
    assert [c.id for c in small.concepts] == ["m", "r", "r.a", "r.a.x", "r.ab", "r.b"]
    assert small.roots == ("m", "r")
    assert small.parents("r.ab") == {"r.a", "r.b"}
    assert small.children("r.a") == {"r.a.x", "r.ab"}
    assert small.ancestors("r.a.x") == {"r.a", "r"}
    assert small.descendants("r") == {"r.a", "r.b", "r.a.x", "r.ab"}
    assert small.descendants("r.a.x") == frozenset()
    assert [small.depth(c) for c in ("r", "r.a", "r.ab", "m")] == [1, 2, 3, 1]
    assert small.facet("m") is Facet.MATERIAL
    assert small.subsumes("r", "r.ab")
    assert not small.subsumes("r.b", "r.a.x")


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.get("zz"),
        lambda t: t.parents("zz"),
        lambda t: t.children("zz"),
        lambda t: t.ancestors("zz"),
        lambda t: t.descendants("zz"),
        lambda t: t.depth("zz"),
        lambda t: t.hierarchy_similarity("r", "zz"),
    ],
)
def test_unknown_ids_raise_unknown_concept(small: Taxonomy, call: object) -> None:
    with pytest.raises(UnknownConcept, match="concept 'zz' not found"):
        call(small)  # type: ignore[operator]


def test_lowest_common_ancestors(small: Taxonomy) -> None:
    assert small.lowest_common_ancestors("r.a.x", "r.ab") == {"r.a"}
    assert small.lowest_common_ancestors("r.a", "r.ab") == {"r.a"}
    assert small.lowest_common_ancestors("r.a.x", "r.b") == {"r"}
    assert small.lowest_common_ancestors("r.a", "m") == frozenset()


def test_wu_palmer_values(small: Taxonomy) -> None:
    assert small.hierarchy_similarity("r.a", "r.a") == 1.0
    assert small.hierarchy_similarity("r.a", "m") == 0.0
    assert small.hierarchy_similarity("r.a", "r.b") == pytest.approx(2 * 1 / 4)
    assert small.hierarchy_similarity("r.a.x", "r.ab") == pytest.approx(2 * 2 / 6)
    assert small.hierarchy_similarity("r.a", "r.ab") == pytest.approx(2 * 2 / 5)


def test_similarity_bounds_and_symmetry_on_packaged_taxonomy() -> None:
    tax = default_taxonomy()
    ids = [c.id for c in tax.concepts]
    for a in ids[::3]:
        for b in ids[::5]:
            value = tax.hierarchy_similarity(a, b)
            assert 0.0 <= value <= 1.0
            assert value == tax.hierarchy_similarity(b, a)
            assert (value == 1.0) == (a == b)
            assert (value == 0.0) == (tax.facet(a) is not tax.facet(b))


def test_parent_child_closer_than_siblings() -> None:
    tax = default_taxonomy()
    sim = tax.hierarchy_similarity
    assert sim("proc.pbf.lb_m", "proc.pbf.metal") > sim("proc.pbf.lb_m", "proc.pbf.eb_m")
    assert sim("proc.pbf.lb_m", "proc.pbf.eb_m") > sim("proc.pbf.lb_m", "proc.ded.arc_m")
    assert sim("mat.ti.ti64", "mat.ti.ti64eli") > sim("mat.ti.ti64", "mat.ni.in718")


def test_load_concepts_reports_position_and_field() -> None:
    with pytest.raises(TaxonomyError, match=r"concept 2 \('bad id'\), field 'id'"):
        load_concepts(
            '[{"id": "a", "label": "A", "facet": "process"},'
            ' {"id": "bad id", "label": "B", "facet": "process"}]'
        )
    with pytest.raises(TaxonomyError, match="invalid JSON at line 1"):
        load_concepts("{nope")
    with pytest.raises(TaxonomyError, match="expected a list"):
        load_concepts('{"concepts": 3}')
