"""Property: merging two random actors keeps every relation, and unmerge restores both."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.merge import merge, unmerge
from matchmaker.models import (
    Actor,
    ActorKind,
    Collaboration,
    Competence,
    Membership,
    NameVariant,
    Offer,
    Provenance,
    Request,
)

AT = datetime(2025, 1, 1, tzinfo=UTC)
CONCEPTS = ["proc.pbf.lb_m", "proc.ded", "mat.ti", "mat.ni.in718", "vc.post.hip", "mat.al"]
CLUSTERS = ["c1", "c2", "c3", "keep", "other"]
PROJECTS = ["p1", "p2", "p3"]
SOURCES = ["file:a.csv", "file:b.csv", "api:ops"]

provenance = st.lists(
    st.builds(
        Provenance,
        source=st.sampled_from(SOURCES),
        row=st.none() | st.integers(1, 50),
        at=st.just(AT),
    ),
    max_size=2,
)
competences = st.lists(
    st.builds(
        Competence,
        concept=st.sampled_from(CONCEPTS),
        level=st.integers(1, 3),
        evidence=st.sampled_from(["", "text"]),
        provenance=provenance,
    ),
    max_size=4,
    unique_by=lambda c: c.concept,
)
statements = st.lists(
    st.tuples(st.lists(st.sampled_from(CONCEPTS), max_size=2, unique=True),
              st.sampled_from(["", "x", "y"])).filter(lambda t: t[0] or t[1]),
    max_size=3,
)  # fmt: skip
memberships = st.lists(
    st.builds(Membership, cluster=st.sampled_from(CLUSTERS), since=st.none() | st.just(2020)),
    max_size=3,
    unique_by=lambda m: m.cluster,
)
collaborations = st.lists(
    st.builds(Collaboration, project=st.sampled_from(PROJECTS), year=st.integers(2010, 2012)),
    max_size=3,
    unique_by=lambda c: c.project,
)
names = st.sampled_from(["Arcam AB", "ARCAM", "Arcam", "GE Additive"])


@st.composite
def actors(draw: st.DrawFn, ident: str) -> Actor:
    return Actor(
        id=ident,
        name=draw(names),
        kind=ActorKind.COMPANY,
        region=draw(st.sampled_from(["SE12", "SE22"])),
        country="SE",
        city=draw(st.sampled_from(["", "Mölndal"])),
        website=draw(st.sampled_from(["", "https://arcam.com"])),
        competences=draw(competences),
        offers=[Offer(concepts=c, text=t) for c, t in draw(statements)],
        requests=[Request(concepts=c, text=t) for c, t in draw(statements)],
        memberships=[m for m in draw(memberships) if m.cluster != ident],
        collaborations=draw(collaborations),
        aliases=draw(st.lists(st.sampled_from(["A", "B", "other"]), max_size=2, unique=True)),
        name_variants=[NameVariant(name=n) for n in draw(st.lists(names, max_size=2, unique=True))],
    )


def _keys(actor: Actor) -> dict[str, set[Any]]:
    return {
        "competences": {c.concept for c in actor.competences},
        "offers": {(tuple(o.concepts), o.text) for o in actor.offers},
        "requests": {(tuple(r.concepts), r.text) for r in actor.requests},
        "memberships": {m.cluster for m in actor.memberships} - {"keep", "other"},
        "collaborations": {c.project for c in actor.collaborations},
    }


@settings(max_examples=150, deadline=None)
@given(keep=actors("keep"), other=actors("other"))
def test_merge_keeps_everything_and_unmerge_restores_both(keep: Actor, other: Actor) -> None:
    merged = merge(keep, other, at=AT)
    mine, theirs, got = _keys(keep), _keys(other), _keys(merged)
    for field, values in got.items():
        assert values == mine[field] | theirs[field], field
    for c in merged.competences:
        levels = [
            x.level for x in (*keep.competences, *other.competences) if x.concept == c.concept
        ]
        assert c.level == max(levels)
    assert "other" in merged.aliases
    assert other.name in merged.aliases or other.name == keep.name
    assert unmerge(merged, "other") == (keep, other)


@settings(max_examples=60, deadline=None)
@given(keep=actors("keep"), other=actors("other"))
def test_facts_added_after_the_merge_stay_with_the_kept_actor(keep: Actor, other: Actor) -> None:
    merged = merge(keep, other, at=AT)
    extra = Collaboration(project="p9", year=2013)
    later = merged.model_copy(update={"collaborations": [*merged.collaborations, extra]})
    restored, again = unmerge(Actor.model_validate(later.model_dump()), "other")
    assert restored.collaborations == [*keep.collaborations, extra]
    assert again == other
