"""Applying a parsed file to a store: validate, check references, combine with what is stored,
write one atomic batch, report duplicates and (optionally) merge the surest ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph.protocol import GraphStore
from matchmaker.dedupe import Candidate, DedupeConfig, DedupeRecord, find_candidates
from matchmaker.errors import BatchRejected, RowProblem
from matchmaker.importing.rows import ParsedFile, validate_rows
from matchmaker.merge import absorbed_ids, merge_in_store
from matchmaker.models import Actor, ActorKind
from matchmaker.provenance import combine

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stages: ``validate``, ``compare``, ``write``, ``dedupe``."""

CHUNK = 1000


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    source: str
    format: str
    rows: int
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    duplicates: list[Candidate] = field(default_factory=list)
    merged: list[tuple[str, str]] = field(default_factory=list)
    regions: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (problems as ``{row, column, reason, actor_id}``)."""

        def problems(items: Iterable[RowProblem]) -> list[dict[str, Any]]:
            return [
                {"row": p.row, "column": p.field, "reason": p.message, "actor_id": p.actor_id}
                for p in items
            ]

        return {
            "source": self.source,
            "format": self.format,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "created_ids": self.created,
            "updated_ids": self.updated,
            "rejected": problems(self.rejected),
            "warnings": problems(self.warnings),
            "skipped": problems(self.skipped),
            "duplicates": [c.as_dict() for c in self.duplicates],
            "merged": [{"keep": k, "other": o} for k, o in self.merged],
            "regions": self.regions,
        }


def dedupe_record(actor: Actor) -> DedupeRecord:
    """The duplicate detector's view of an actor (aliases that look like names become the
    short name)."""
    short = next((a for a in actor.aliases if len(a) <= 20 and " " not in a), "")
    return DedupeRecord(
        id=actor.id,
        name=actor.name,
        country=actor.country,
        city=actor.city,
        website=actor.website,
        short_name=short,
    )


def actor_candidates(
    actors: Sequence[Actor], config: DedupeConfig | None = None
) -> list[Candidate]:
    """Possible duplicates among actors, comparing every name each actor is known by.

    Besides the name, each alias and name variant (a former name, a short name, another
    source's spelling) is compared, so a renamed company whose new record lists the old name
    pairs with the old record. Aliases that are ids of actors merged in are left out.

    Returns
    -------
    One candidate per pair of actor ids (the best of its names), best first; evidence from an
    alias starts with ``alias '...'``.
    """
    config = config or DedupeConfig()
    records: list[DedupeRecord] = []
    owner: dict[str, tuple[str, str]] = {}
    for actor in actors:
        base = dedupe_record(actor)
        records.append(base)
        owner[actor.id] = (actor.id, "")
        skip = {actor.name, *absorbed_ids(actor)}
        names = [*actor.aliases, *(v.name for v in actor.name_variants)]
        for n, name in enumerate(dict.fromkeys(x for x in names if x not in skip)):
            key = f"{actor.id}\0{n}"
            owner[key] = (actor.id, name)
            records.append(
                DedupeRecord(key, name, actor.country, city=actor.city, website=actor.website)
            )
    best: dict[tuple[str, str], Candidate] = {}
    for c in find_candidates(records, config):
        (a, alias_a), (b, alias_b) = owner[c.a], owner[c.b]
        if a == b:
            continue
        via = [f"alias '{x}'" for x in (alias_a, alias_b) if x]
        first, second = sorted((a, b))
        pair = (first, second)
        if pair not in best or c.score > best[pair].score:
            best[pair] = Candidate(first, second, c.score, (*via, *c.evidence), c.duplicate)
    return sorted(best.values(), key=lambda c: (-c.score, c.a, c.b))


def all_actors(store: GraphStore) -> list[Actor]:
    """Every stored actor, page by page."""
    actors: list[Actor] = []
    after: str | None = None
    while True:
        page = store.list_actors(limit=1000, after=after)
        actors.extend(page.items)
        if page.next_after is None:
            return actors
        after = page.next_after


def _check_references(
    store: GraphStore, actors: Sequence[Actor], row_of: dict[str, int]
) -> list[RowProblem]:
    batch = {a.id: a for a in actors}
    wanted = sorted({r for a in actors for r in a.referenced_actors()} - set(batch))
    known = {a.id: a for a in store.get_actors(wanted)} if wanted else {}
    problems = []
    for actor in actors:
        for m in actor.memberships:
            target = batch.get(m.cluster) or known.get(m.cluster)
            if target is None or target.kind is not ActorKind.CLUSTER:
                what = "not found" if target is None else f"a {target.kind}, not a cluster"
                problems.append(
                    RowProblem(
                        row_of.get(actor.id),
                        "memberships",
                        f"cluster '{m.cluster}' {what}",
                        actor.id,
                    )
                )
        if actor.affiliation:
            target = batch.get(actor.affiliation) or known.get(actor.affiliation)
            if target is None or target.kind is ActorKind.EXPERT:
                problems.append(
                    RowProblem(
                        row_of.get(actor.id),
                        "affiliation",
                        f"organisation '{actor.affiliation}' not found",
                        actor.id,
                    )
                )
    return problems


def import_parsed(
    store: GraphStore,
    parsed: ParsedFile,
    *,
    source: str,
    at: datetime,
    fmt: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    duplicates: bool = True,
    dedupe: DedupeConfig | None = None,
    auto_merge: float | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import parsed rows into a store as one atomic batch.

    Parameters
    ----------
    store: the target store (read-only when ``dry_run``).
    parsed: from :func:`matchmaker.importing.formats.parse_text`.
    source, at: provenance of every fact (``"file:name.csv"``, ``"api:client"``; UTC time).
    dry_run: compute the report without writing anything.
    skip_invalid: import the valid rows and report the rejected ones, instead of rejecting the
        whole batch.
    duplicates: report possible duplicates of the imported actors among all stored ones.
    auto_merge: merge candidate pairs scoring at least this (``None``: never); the smaller id
        is kept, the merge is reported.

    Returns
    -------
    The :class:`ImportReport`.

    Raises
    ------
    BatchRejected: a row is invalid and ``skip_invalid`` is false (nothing was written).
    """
    tick = progress or (lambda stage, done, total: None)
    report = ImportReport(source=source, format=fmt, rows=len(parsed.rows), dry_run=dry_run)
    report.skipped = list(parsed.skipped)
    report.warnings = [w for r in parsed.rows for w in r.warnings]
    report.regions = dict(Counter(r.region_method for r in parsed.rows if r.region_method))
    tick("validate", 0, len(parsed.rows))
    actors, problems = validate_rows(parsed.rows, source=source, at=at)
    tick("validate", len(parsed.rows), len(parsed.rows))
    row_of = {str(r.data.get("id")): r.row for r in parsed.rows}
    problems = [*parsed.problems, *problems]
    while True:
        bad_refs = _check_references(store, actors, row_of)
        if not bad_refs:
            break
        problems.extend(bad_refs)
        if not skip_invalid:
            break
        bad_ids = {p.actor_id for p in bad_refs}
        actors = [a for a in actors if a.id not in bad_ids]
    if problems and (not skip_invalid or any(p.row is None for p in problems)):
        raise BatchRejected(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    report.rejected = sorted(problems, key=lambda p: (p.row or 0, p.field))
    if not dry_run and actors and store.counts().concepts == 0:
        from graph.taxonomy_loader import load_taxonomy_into

        load_taxonomy_into(store)
    to_write: list[Actor] = []
    for start in range(0, len(actors), CHUNK):
        chunk = actors[start : start + CHUNK]
        stored = {a.id: a for a in store.get_actors([a.id for a in chunk])}
        for actor in chunk:
            old = stored.get(actor.id)
            new = combine(old, actor, source)
            if old is None:
                report.created.append(actor.id)
                to_write.append(new)
            elif new == old:
                report.unchanged.append(actor.id)
            else:
                report.updated.append(actor.id)
                to_write.append(new)
        tick("compare", min(start + CHUNK, len(actors)), len(actors))
    if to_write and not dry_run:
        tick("write", 0, len(to_write))
        store.upsert_actors(to_write)
        tick("write", len(to_write), len(to_write))
    for ids in (report.created, report.updated, report.unchanged):
        ids.sort()
    if duplicates or auto_merge is not None:
        tick("dedupe", 0, 1)
        imported = {a.id for a in actors}
        current = {a.id: a for a in all_actors(store)}
        if dry_run:
            current.update({a.id: a for a in to_write})
        config = dedupe or DedupeConfig()
        found = actor_candidates(list(current.values()), config)
        report.duplicates = [c for c in found if c.a in imported or c.b in imported]
        tick("dedupe", 1, 1)
        if auto_merge is not None and not dry_run:
            gone: set[str] = set()
            for candidate in report.duplicates:
                if candidate.score < auto_merge or {candidate.a, candidate.b} & gone:
                    continue
                merge_in_store(store, candidate.a, candidate.b, at=at, source=f"merge:{source}")
                gone.add(candidate.b)
                report.merged.append((candidate.a, candidate.b))
    return report
