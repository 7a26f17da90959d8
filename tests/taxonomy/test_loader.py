"""load_taxonomy_into writes the packaged taxonomy into a real store, idempotently."""

from __future__ import annotations

from graph.memory import MemoryStore
from graph.taxonomy_loader import load_taxonomy_into
from matchmaker.models import Facet
from matchmaker.taxonomy import default_taxonomy


def test_load_into_memory_store_and_again() -> None:
    store = MemoryStore()
    tax = default_taxonomy()
    first = load_taxonomy_into(store)
    assert first.created == sorted(c.id for c in tax.concepts)
    assert store.get_concept("mat.ti.ti64") == tax.get("mat.ti.ti64")
    assert store.broader("proc.pbf.lb_m") == sorted(tax.ancestors("proc.pbf.lb_m"))
    assert store.narrower("vc.post") == sorted(tax.descendants("vc.post"))
    assert len(store.list_concepts(Facet.SECTOR)) == sum(
        1 for c in tax.concepts if c.facet is Facet.SECTOR
    )
    second = load_taxonomy_into(store)
    assert second.created == []
    assert second.unchanged == first.created
