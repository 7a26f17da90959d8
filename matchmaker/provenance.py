"""Combining what one source says about an actor with what is stored (re-import semantics).

A re-import from a source replaces that source's facts and leaves every other source's facts
alone. A fact that a source states again unchanged keeps the time it was first recorded, so
re-importing the same file leaves every actor equal to what is stored (reported ``unchanged``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from matchmaker.models import Actor, Provenance

T = TypeVar("T", bound=BaseModel)

MAX_PROVENANCE = 50


def fact_key(field: str, item: BaseModel) -> Hashable:
    """What identifies a fact within its list: the concept of a competence, the cluster of a
    membership, the project of a collaboration, the name of a variant, the concepts and text of
    an offer or request."""
    data: dict[str, Any] = item.__dict__
    if field == "competences":
        return str(data["concept"])
    if field == "memberships":
        return str(data["cluster"])
    if field == "collaborations":
        return str(data["project"])
    if field == "name_variants":
        return str(data["name"])
    return (tuple(data["concepts"]), str(data["text"]))


def _provenance(item: BaseModel) -> list[Provenance]:
    found: list[Provenance] = item.__dict__["provenance"]
    return list(found)


def _content(item: BaseModel) -> dict[str, Any]:
    return item.model_dump(exclude={"provenance"})


def _combine_list(field: str, stored: Sequence[T], incoming: Sequence[T], source: str) -> list[T]:
    new_by_key = {fact_key(field, i): i for i in incoming}
    result: list[T] = []
    used: set[Hashable] = set()
    for old in stored:
        key = fact_key(field, old)
        old_prov: list[Provenance] = _provenance(old)
        others = [p for p in old_prov if p.source != source]
        mine_before = [p for p in old_prov if p.source == source]
        new = new_by_key.get(key)
        if new is None:
            if others or not old_prov:
                result.append(
                    old if others == old_prov else old.model_copy(update={"provenance": others})
                )
            continue
        used.add(key)
        new_prov: list[Provenance] = _provenance(new)
        if mine_before and _content(old) == _content(new):
            first = min(p.at for p in mine_before)
            new_prov = [p.model_copy(update={"at": first}) for p in new_prov]
        merged = (others + new_prov)[-MAX_PROVENANCE:]
        result.append(new.model_copy(update={"provenance": merged}))
    result.extend(i for i in incoming if fact_key(field, i) not in used)
    return result


_LISTS = ("competences", "offers", "requests", "memberships", "collaborations", "name_variants")


def combine(stored: Actor | None, incoming: Actor, source: str) -> Actor:
    """The actor after ``source`` said ``incoming`` about it.

    Parameters
    ----------
    stored: the stored actor, or ``None`` for a new one.
    incoming: what the source says now (its facts carry ``source`` provenance).
    source: the source's name, e.g. ``"file:members-at.csv"``.

    Returns
    -------
    Name, kind, region and country from ``incoming``; city, website, description and
    affiliation from ``incoming`` unless it leaves them empty; for each fact list, the other
    sources' facts kept, this source's replaced; aliases and merge records kept and extended.

    Raises
    ------
    pydantic.ValidationError: the combination is not a valid actor (e.g. over a list limit).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from matchmaker.models import Competence
    >>> t0, t1 = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    >>> def said(source, at, concept):
    ...     p = Provenance(source=source, row=1, at=at)
    ...     return Actor(id="x", name="X", kind="company", region="AT12", country="AT",
    ...                  competences=[Competence(concept=concept, provenance=[p])])
    >>> a = combine(said("file:a.csv", t0, "proc.ded"), said("file:b.csv", t1, "mat.ti"),
    ...             "file:b.csv")
    >>> [(c.concept, c.provenance[0].source) for c in a.competences]
    [('proc.ded', 'file:a.csv'), ('mat.ti', 'file:b.csv')]
    >>> combine(a, said("file:b.csv", t1, "mat.ti"), "file:b.csv") == a
    True
    """
    if stored is None:
        return incoming
    update: dict[str, Any] = {}
    for name in ("name", "kind", "region", "country"):
        update[name] = getattr(incoming, name)
    for name in ("city", "website", "description", "affiliation"):
        value = getattr(incoming, name)
        update[name] = value if value else getattr(stored, name)
    for name in _LISTS:
        update[name] = _combine_list(name, getattr(stored, name), getattr(incoming, name), source)
    update["aliases"] = list(dict.fromkeys([*stored.aliases, *incoming.aliases]))
    update["merged_from"] = list(stored.merged_from)
    data = stored.model_dump()
    for name, value in update.items():
        data[name] = (
            [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
            if isinstance(value, list)
            else value
        )
    return Actor.model_validate(data)


def sources_of(actor: Actor) -> dict[str, list[str]]:
    """Per competence concept, the sources that stated it (for profiles)."""
    return {c.concept: sorted({p.source for p in c.provenance}) for c in actor.competences}


Combiner = Callable[[Actor | None, Actor, str], Actor]
