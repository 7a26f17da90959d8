"""Merging duplicate actors, and undoing a merge from its record.

:func:`merge` is pure: the kept actor gains the union of both actors' competences, offers,
requests, memberships, collaborations, aliases and name variants (nothing dropped except
references that would point at the merged actor itself), the other actor's id and name become
aliases, and a :class:`~matchmaker.models.MergeRecord` keeps both actors as they were.
:func:`unmerge` uses that record to split them again; facts added to the kept actor after the
merge stay with it. :func:`merge_in_store` and :func:`unmerge_in_store` do the same on a store,
moving the references of third actors (members of a merged cluster, affiliated experts) in the
same atomic batch.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from graph.protocol import GraphStore
from matchmaker.errors import Conflict, NotFound, RowProblem, ValidationFailed
from matchmaker.models import (
    Actor,
    ActorKind,
    Competence,
    Membership,
    MergeRecord,
    NameVariant,
    Provenance,
    Repointed,
)
from matchmaker.provenance import MAX_PROVENANCE, fact_key

_LISTS = ("competences", "offers", "requests", "memberships", "collaborations", "name_variants")
_SCALARS = (
    "name", "kind", "region", "country", "city", "website", "description", "affiliation",
)  # fmt: skip


def _with_provenance(item: BaseModel, extra: Sequence[Provenance]) -> Any:
    current: list[Provenance] = list(item.__dict__["provenance"])
    merged = list(current)
    for p in extra:
        if p not in merged:
            merged.append(p)
    return item.model_copy(update={"provenance": merged[-MAX_PROVENANCE:]})


def _union(field: str, keep: Sequence[Any], other: Sequence[Any], mark: Provenance) -> list[Any]:
    result: list[Any] = list(keep)
    index = {fact_key(field, item): i for i, item in enumerate(result)}
    for item in other:
        key = fact_key(field, item)
        if key in index:
            current = result[index[key]]
            if isinstance(current, Competence):
                best = max(current.level, item.level)
                current = current.model_copy(
                    update={"level": best, "evidence": current.evidence or item.evidence}
                )
            result[index[key]] = _with_provenance(current, item.provenance)
        else:
            index[key] = len(result)
            result.append(_with_provenance(item, [*item.provenance, mark]))
    return result


def _build(data: dict[str, Any]) -> Actor:
    try:
        return Actor.model_validate(data)
    except ValidationError as error:
        problems = [
            RowProblem(None, str(e["loc"][0]) if e["loc"] else "actor", e["msg"], data.get("id"))
            for e in error.errors()
        ]
        raise ValidationFailed(
            f"merged actor '{data.get('id')}' is invalid: {problems[0]}", problems
        ) from error


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def merge(keep: Actor, other: Actor, *, at: datetime, source: str | None = None) -> Actor:
    """Merge ``other`` into ``keep``.

    Parameters
    ----------
    keep, other: two different actors.
    at: the time of the merge (timezone-aware UTC).
    source: recorded as the merge's source; ``"merge:<other id>"`` by default.

    Returns
    -------
    ``keep`` with the union of both actors' facts (facts of ``other`` gain a ``merge:`` provenance
    entry), ``other``'s id, name and aliases as aliases, and a merge record for :func:`unmerge`.
    Memberships of either actor in the other are dropped (they would be self-references); they
    are restored by :func:`unmerge`.

    Raises
    ------
    ValidationFailed: same id, or the merged actor breaks a limit (e.g. over 50 aliases).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> at = datetime(2025, 5, 1, tzinfo=UTC)
    >>> a = Actor(id="a", name="Arcam AB", kind="company", region="SE12", country="SE",
    ...           competences=[Competence(concept="proc.pbf.eb_m", level=3)])
    >>> b = Actor(id="b", name="ARCAM", kind="company", region="SE12", country="SE",
    ...           competences=[Competence(concept="mat.ti", level=2)])
    >>> m = merge(a, b, at=at)
    >>> [c.concept for c in m.competences], m.aliases
    (['proc.pbf.eb_m', 'mat.ti'], ['ARCAM', 'b'])
    >>> unmerge(m, "b") == (a, b)
    True
    """
    if keep.id == other.id:
        message = f"cannot merge '{keep.id}' with itself"
        raise ValidationFailed(message, [RowProblem(None, "id", message, keep.id)])
    origin = source or f"merge:{other.id}"
    mark = Provenance(source=origin, at=at)
    data = keep.model_dump()
    for name in ("city", "website", "description"):
        if not data[name]:
            data[name] = getattr(other, name)
    if keep.kind is ActorKind.EXPERT and keep.affiliation is None:
        data["affiliation"] = other.affiliation if other.affiliation != keep.id else None
    for name in _LISTS:
        data[name] = _dump(_union(name, getattr(keep, name), getattr(other, name), mark))
    if all(v["name"] != other.name for v in data["name_variants"]):
        data["name_variants"].append(NameVariant(name=other.name, provenance=[mark]).model_dump())
    gone = {keep.id, other.id}
    data["memberships"] = [m for m in data["memberships"] if m["cluster"] not in gone]
    aliases = [*keep.aliases, other.name, *other.aliases, other.id]
    data["aliases"] = [a for a in dict.fromkeys(aliases) if a != keep.name]
    record = MergeRecord(
        other_id=other.id,
        source=origin,
        at=at,
        keep_before=keep.model_copy(update={"merged_from": []}),
        other=other,
    )
    data["merged_from"] = [*_dump(keep.merged_from), record.model_dump()]
    return _build(data)


def _restore(
    field: str, before: Sequence[Any], then: Sequence[Any], now: Sequence[Any]
) -> list[Any]:
    def key(item: Any) -> Hashable:
        return item if isinstance(item, str) else fact_key(field, item)

    then_by = {key(i): i for i in then}
    now_by = {key(i): i for i in now}
    before_keys = {key(i) for i in before}
    result: list[Any] = []
    for item in before:
        k = key(item)
        if k not in then_by:
            result.append(item)
        elif k in now_by:
            result.append(item if now_by[k] == then_by[k] else now_by[k])
    for item in now:
        k = key(item)
        if k not in before_keys and (k not in then_by or then_by[k] != item):
            result.append(item)
    return result


def find_record(merged: Actor, other_id: str) -> MergeRecord:
    """The latest merge record of ``other_id`` in ``merged``; ``NotFound`` if there is none."""
    for record in reversed(merged.merged_from):
        if record.other_id == other_id:
            return record
    raise NotFound(f"merge of '{other_id}' into", merged.id)


def unmerge(merged: Actor, other_id: str) -> tuple[Actor, Actor]:
    """Split a merged actor into the kept actor and the one merged into it.

    Facts and field values that are as the merge left them go back to what each actor had;
    anything changed or added since the merge stays with the kept actor.

    Returns
    -------
    ``(kept actor, other actor)``; merging them again gives ``merged`` back if nothing changed.

    Raises
    ------
    NotFound: ``merged`` has no record of merging ``other_id``.
    """
    record = find_record(merged, other_id)
    before = record.keep_before
    then = merge(before, record.other, at=record.at, source=record.source)
    data = merged.model_dump()
    for name in _SCALARS:
        if getattr(merged, name) == getattr(then, name):
            data[name] = _dump(getattr(before, name))
    for name in _LISTS:
        data[name] = _dump(
            _restore(name, getattr(before, name), getattr(then, name), getattr(merged, name))
        )
    data["aliases"] = _restore("aliases", before.aliases, then.aliases, merged.aliases)
    data["merged_from"] = _dump([r for r in merged.merged_from if r is not record])
    return _build(data), record.other


def _referrers(store: GraphStore, actor: Actor) -> list[Actor]:
    ids: set[str] = set()
    if actor.kind is ActorKind.CLUSTER:
        ids.update(store.members(actor.id))
    if actor.kind is not ActorKind.EXPERT:
        ids.update(store.affiliates(actor.id))
    return store.get_actors(sorted(ids))


def merge_in_store(
    store: GraphStore, keep_id: str, other_id: str, *, at: datetime, source: str | None = None
) -> Actor:
    """Merge two stored actors: write the merged one, move third actors' references (members of
    ``other``, experts affiliated with it) to ``keep`` and delete ``other``, in one atomic write.

    Returns
    -------
    The merged actor as stored.

    Raises
    ------
    NotFound: either actor is missing. ValidationFailed: as :func:`merge`.
    BatchRejected: the store refuses the result (e.g. members moved to a non-cluster).
    """
    keep = store.get_actor(keep_id)
    other = store.get_actor(other_id)
    merged = merge(keep, other, at=at, source=source)
    moved: list[Repointed] = []
    changed: list[Actor] = []
    for actor in _referrers(store, other):
        if actor.id == keep_id:
            continue
        update: dict[str, Any] = {}
        had_keep = any(m.cluster == keep_id for m in actor.memberships)
        memberships: list[Membership] = []
        for position, m in enumerate(actor.memberships):
            if m.cluster != other_id:
                memberships.append(m)
                continue
            moved.append(
                Repointed(actor=actor.id, membership=m, position=position, had_keep=had_keep)
            )
            if not had_keep:
                memberships.append(m.model_copy(update={"cluster": keep_id}))
        if len(moved) and moved[-1].actor == actor.id:
            update["memberships"] = memberships
        if actor.affiliation == other_id:
            moved.append(Repointed(actor=actor.id, affiliation=True))
            update["affiliation"] = keep_id
        changed.append(_build({**actor.model_dump(), **_dump(update)}))
    if moved:
        records = list(merged.merged_from)
        records[-1] = records[-1].model_copy(update={"repointed": moved})
        merged = merged.model_copy(update={"merged_from": records})
    store.replace_actors([merged, *changed], [other_id])
    return merged


def unmerge_in_store(store: GraphStore, keep_id: str, other_id: str) -> tuple[Actor, Actor]:
    """Undo :func:`merge_in_store`: write both actors back and move the references back, in
    one atomic batch.

    Raises
    ------
    NotFound: ``keep_id`` is missing or has no record of merging ``other_id``.
    Conflict: an actor with ``other_id`` exists again.
    """
    merged = store.get_actor(keep_id)
    record = find_record(merged, other_id)
    if store.get_actors([other_id]):
        raise Conflict(f"cannot unmerge: an actor '{other_id}' exists again")
    keep, other = unmerge(merged, other_id)
    changed: list[Actor] = []
    by_actor: dict[str, list[Repointed]] = {}
    for item in record.repointed:
        by_actor.setdefault(item.actor, []).append(item)
    for actor in store.get_actors(sorted(by_actor)):
        data = actor.model_dump()
        for item in by_actor[actor.id]:
            if item.affiliation and data["affiliation"] == keep_id:
                data["affiliation"] = other_id
            if item.membership is not None:
                old = item.membership.model_dump()
                spots = [i for i, m in enumerate(data["memberships"]) if m["cluster"] == keep_id]
                if spots and not item.had_keep:
                    data["memberships"][spots[0]] = old
                elif all(m["cluster"] != other_id for m in data["memberships"]):
                    data["memberships"].insert(item.position, old)
        changed.append(_build(data))
    store.upsert_actors([other, keep, *changed])
    return store.get_actor(keep_id), store.get_actor(other_id)


def absorbed_ids(actor: Actor) -> set[str]:
    """Ids of every actor merged into this one, directly or through earlier merges."""
    found: set[str] = set()
    for record in actor.merged_from:
        found.add(record.other_id)
        found |= absorbed_ids(record.other)
    return found


def resolve_actor_id(store: GraphStore, ident: str) -> str:
    """The id of the stored actor ``ident`` names: itself, or the actor it was merged into.

    Raises
    ------
    NotFound: no actor has this id or alias.
    """
    if store.get_actors([ident]):
        return ident
    after: str | None = None
    while True:
        page = store.list_actors(limit=1000, after=after)
        for actor in page.items:
            if ident in absorbed_ids(actor):
                return actor.id
        if page.next_after is None:
            raise NotFound("actor", ident)
        after = page.next_after
