"""Applying imports to a store: atomic batches, dry runs, idempotent re-import, provenance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from graph.memory import MemoryStore
from matchmaker.errors import BatchRejected
from matchmaker.importing.apply import ImportReport, actor_candidates, import_parsed
from matchmaker.importing.formats import Format, parse_text
from matchmaker.models import Actor
from tests.importing.conftest import PROJECT_HEADER, T0, T1

GOOD = PROJECT_HEADER + (
    "am-cluster,AM Cluster Austria,cluster,AT12,AT,,,,,,,,,\n"
    'rhp,RHP-Technology GmbH,company,AT12,AT,Seibersdorf,,,"proc.pbf.lb_m:3; titanium",,,'
    "am-cluster,,\n"
)


def _run(
    store: MemoryStore, text: str, source: str = "file:a.csv", at: datetime = T0, **kw: Any
) -> ImportReport:
    fmt, parsed = parse_text(text, Format.PROJECT)
    return import_parsed(store, parsed, source=source, at=at, fmt=fmt, **kw)


def test_import_then_reimport_is_unchanged(store: MemoryStore) -> None:
    first = _run(store, GOOD)
    assert first.created == ["am-cluster", "rhp"]
    assert not first.updated
    before = store.snapshot()
    again = _run(store, GOOD, at=T1)
    assert again.unchanged == ["am-cluster", "rhp"]
    assert not again.created
    assert store.snapshot() == before
    assert store.get_actor("rhp").competences[0].provenance[0].at == T0


def test_dry_run_writes_nothing(store: MemoryStore) -> None:
    before = store.snapshot()
    report = _run(store, GOOD, dry_run=True)
    assert report.created == ["am-cluster", "rhp"]
    assert report.dry_run
    assert store.snapshot() == before


def test_a_bad_row_rejects_the_whole_batch(store: MemoryStore) -> None:
    bad = GOOD + "x,X,company,AT12,AT,,,,,,,no-such-cluster,,\ny,Y,robot,AT12,AT,,,,,,,,,\n"
    with pytest.raises(BatchRejected) as info:
        _run(store, bad)
    assert [(p.row, p.field) for p in info.value.problems] == [(3, "memberships"), (4, "kind")]
    assert store.counts().actors == 0
    report = _run(store, bad, skip_invalid=True)
    assert report.created == ["am-cluster", "rhp"]
    assert [(p.row, p.field) for p in report.rejected] == [(3, "memberships"), (4, "kind")]
    assert store.counts().actors == 2


def test_reimport_from_one_source_keeps_what_other_sources_said(store: MemoryStore) -> None:
    _run(store, GOOD, source="file:a.csv")
    other = PROJECT_HEADER + 'rhp,RHP Technology,company,AT12,AT,,,,"mat.ni.in718:2",,,,,\n'
    report = _run(store, other, source="file:b.csv", at=T1)
    assert report.updated == ["rhp"]
    rhp = store.get_actor("rhp")
    sources = {c.concept: [p.source for p in c.provenance] for c in rhp.competences}
    assert sources == {
        "proc.pbf.lb_m": ["file:a.csv"],
        "mat.ti": ["file:a.csv"],
        "mat.ni.in718": ["file:b.csv"],
    }
    assert rhp.memberships[0].cluster == "am-cluster"
    assert [(v.name, v.provenance[0].source) for v in rhp.name_variants] == [
        ("RHP-Technology GmbH", "file:a.csv"),
        ("RHP Technology", "file:b.csv"),
    ]
    # Source a now drops titanium and changes a level: only a's facts change.
    changed = GOOD.replace('"proc.pbf.lb_m:3; titanium"', '"proc.pbf.lb_m:2"')
    _run(store, changed, source="file:a.csv", at=T1)
    rhp = store.get_actor("rhp")
    assert [(c.concept, c.level) for c in rhp.competences] == [
        ("proc.pbf.lb_m", 2),
        ("mat.ni.in718", 2),
    ]
    assert rhp.competences[0].provenance[0].at == T1


def test_same_fact_from_two_sources_lists_both(store: MemoryStore) -> None:
    _run(store, GOOD, source="file:a.csv")
    _run(store, GOOD.replace("RHP-Technology GmbH", "RHP"), source="file:b.csv", at=T1)
    comp = store.get_actor("rhp").competences[0]
    assert [(p.source, p.at) for p in comp.provenance] == [("file:a.csv", T0), ("file:b.csv", T1)]


def test_duplicates_reported_and_auto_merged(store: MemoryStore) -> None:
    text = PROJECT_HEADER + (
        "a1,Böhler Edelstahl GmbH & Co KG,company,AT22,AT,Kapfenberg,,,mat.fe.tool,,,,,\n"
        "a2,BOEHLER EDELSTAHL GMBH,company,AT22,AT,KAPFENBERG,,,mat.ti,,,,,\n"
        "a3,Voestalpine AG,company,AT31,AT,Linz,,,,,,,,\n"
    )
    report = _run(store, text)
    assert [(c.a, c.b, c.duplicate) for c in report.duplicates] == [("a1", "a2", True)]
    assert report.merged == []
    merged = _run(store, text, at=T1, auto_merge=0.95)
    assert merged.merged == [("a1", "a2")]
    a1 = store.get_actor("a1")
    assert {c.concept for c in a1.competences} == {"mat.fe.tool", "mat.ti"}
    assert store.get_actors(["a2"]) == []


def _actor(ident: str, name: str, country: str, region: str, **kw: object) -> Actor:
    return Actor(id=ident, name=name, kind="company", region=region, country=country, **kw)  # type: ignore[arg-type]


def test_duplicates_on_a_hand_made_set() -> None:
    actors = [
        # cross-language legal forms: the same company under its long and short legal form
        _actor("es1", "Talleres Mecánicos Vascos, Sociedad Anónima", "ES", "ES21"),
        _actor("es2", "TALLERES MECANICOS VASCOS SA", "ES", "ES21"),
        _actor("it1", "Prima Industrie Società per Azioni", "IT", "ITC1"),
        _actor("it2", "Prima Industrie S.p.A.", "IT", "ITC1"),
        _actor("de1", "Trumpf Werkzeugmaschinen Aktiengesellschaft", "DE", "DE11"),
        _actor("de2", "TRUMPF Werkzeugmaschinen AG", "DE", "DE11"),
        # a renamed company whose new record keeps the former name as an alias
        _actor("cl", "Concept Laser GmbH", "DE", "DE24", city="Lichtenfels"),
        _actor(
            "ge",
            "GE Additive Germany GmbH",
            "DE",
            "DE24",
            city="Lichtenfels",
            aliases=["Concept Laser GmbH"],
        ),
        # look-alikes that are different entities
        _actor("f1", "Fundación Prodintec", "ES", "ES12"),
        _actor("f2", "Prodintec Servicios SL", "ES", "ES12"),
        _actor("x1", "Renishaw GmbH", "DE", "DE11"),
        _actor("x2", "Renishaw SpA", "IT", "ITC1"),
    ]
    found = {(c.a, c.b) for c in actor_candidates(actors) if c.duplicate}
    assert found == {("es1", "es2"), ("it1", "it2"), ("de1", "de2"), ("cl", "ge")}
    renamed = next(c for c in actor_candidates(actors) if (c.a, c.b) == ("cl", "ge"))
    assert renamed.evidence[0] == "alias 'Concept Laser GmbH'"
