"""Concepts: upsert, lookup, facets, the broader/narrower hierarchy, and rejected hierarchies."""

from __future__ import annotations

import pytest

from graph.protocol import GraphStore
from matchmaker.errors import BatchRejected, UnknownConcept
from matchmaker.models import Concept, Facet
from tests.store import sample
from tests.store.sample import concept


def test_concepts_round_trip(loaded: GraphStore) -> None:
    expected = sorted(sample.concepts(), key=lambda c: c.id)
    assert loaded.list_concepts() == expected
    assert loaded.get_concept("proc.hybrid") == concept(
        "proc.hybrid", "process", "proc.ded", "proc.pbf"
    )


def test_list_concepts_by_facet(loaded: GraphStore) -> None:
    assert [c.id for c in loaded.list_concepts(Facet.SERVICE)] == ["svc", "svc.testing"]
    assert loaded.list_concepts(Facet.SECTOR) == []


def test_unknown_concept(loaded: GraphStore) -> None:
    with pytest.raises(UnknownConcept, match=r"mat\.gold"):
        loaded.get_concept("mat.gold")
    with pytest.raises(UnknownConcept):
        loaded.narrower("mat.gold")
    with pytest.raises(UnknownConcept):
        loaded.broader("mat.gold", transitive=False)


@pytest.mark.parametrize(
    ("ident", "transitive", "expected"),
    [
        ("proc", False, ["proc.ded", "proc.pbf"]),
        (
            "proc",
            True,
            [
                "proc.ded",
                "proc.ded.waam",
                "proc.hybrid",
                "proc.pbf",
                "proc.pbf.eb_m",
                "proc.pbf.lb_m",
            ],
        ),
        ("proc.pbf", False, ["proc.hybrid", "proc.pbf.eb_m", "proc.pbf.lb_m"]),
        ("mat", True, ["mat.ni", "mat.ni.in718", "mat.ti", "mat.ti.ti64", "mat.ti.ti64_eli"]),
        ("mat.ti.ti64_eli", True, []),
    ],
)
def test_narrower(loaded: GraphStore, ident: str, transitive: bool, expected: list[str]) -> None:
    assert loaded.narrower(ident, transitive=transitive) == expected


@pytest.mark.parametrize(
    ("ident", "transitive", "expected"),
    [
        ("mat.ti.ti64_eli", False, ["mat.ti.ti64"]),
        ("mat.ti.ti64_eli", True, ["mat", "mat.ti", "mat.ti.ti64"]),
        ("proc.hybrid", False, ["proc.ded", "proc.pbf"]),
        ("proc.hybrid", True, ["proc", "proc.ded", "proc.pbf"]),
        ("svc", True, []),
    ],
)
def test_broader(loaded: GraphStore, ident: str, transitive: bool, expected: list[str]) -> None:
    assert loaded.broader(ident, transitive=transitive) == expected


def test_default_is_transitive(loaded: GraphStore) -> None:
    assert loaded.broader("mat.ti.ti64_eli") == ["mat", "mat.ti", "mat.ti.ti64"]


def test_concept_batch_may_list_children_before_parents(store: GraphStore) -> None:
    report = store.upsert_concepts(list(reversed(sample.concepts())))
    assert len(report.created) == len(sample.concepts())
    assert store.narrower("svc") == ["svc.testing"]


def test_moving_a_concept_changes_the_hierarchy(loaded: GraphStore) -> None:
    report = loaded.upsert_concepts([concept("mat.ni.in718", "material", "mat")])
    assert report.updated == ["mat.ni.in718"]
    assert loaded.narrower("mat.ni") == []
    assert loaded.broader("mat.ni.in718") == ["mat"]


def _rejects(store: GraphStore, batch: list[Concept]) -> list[tuple[int | None, str]]:
    before = store.snapshot()
    with pytest.raises(BatchRejected) as info:
        store.upsert_concepts(batch)
    assert store.snapshot() == before
    return [(p.row, p.field) for p in info.value.problems]


def test_dangling_broader_is_rejected(loaded: GraphStore) -> None:
    batch = [
        concept("mat.al", "material", "mat"),
        concept("mat.al.alsi10mg", "material", "mat.alu"),
    ]
    assert _rejects(loaded, batch) == [(2, "broader[0]")]


def test_duplicate_concept_id_is_rejected(loaded: GraphStore) -> None:
    batch = [concept("mat.al", "material", "mat"), concept("mat.al", "material", "mat.ti")]
    assert _rejects(loaded, batch) == [(2, "id")]


def test_cycle_within_the_batch_is_rejected(store: GraphStore) -> None:
    batch = [
        concept("x.a", "process", "x.c"),
        concept("x.b", "process", "x.a"),
        concept("x.c", "process", "x.b"),
        concept("x.d", "process"),
    ]
    assert _rejects(store, batch) == [(1, "broader"), (2, "broader"), (3, "broader")]


def test_cycle_through_stored_concepts_is_rejected(loaded: GraphStore) -> None:
    batch = [concept("svc", "service"), concept("mat", "material", "mat.ti.ti64_eli")]
    assert _rejects(loaded, batch) == [(2, "broader")]
    with pytest.raises(BatchRejected, match="cycle"):
        loaded.upsert_concepts(batch)
