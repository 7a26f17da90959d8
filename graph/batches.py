"""What both stores do with a batch: key it by id and flag ids given twice, by row; check that a
replacement (writes and deletions together) leaves no reference to a deleted actor."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from graph.protocol import WriteReport
from matchmaker.errors import Conflict, RowProblem
from matchmaker.models import Actor


class HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=HasId)


def index_batch(items: Sequence[T]) -> tuple[dict[str, T], dict[str, int], list[RowProblem]]:
    """Key a batch by id.

    Returns
    -------
    The items by id (first occurrence kept), each id's 1-based row, and one problem per
    repeated id naming both rows.

    Examples
    --------
    >>> from matchmaker.models import Concept
    >>> a = Concept(id="am", label="AM", facet="process")
    >>> batch, rows, problems = index_batch([a, a])
    >>> list(batch), rows, problems[0].row
    (['am'], {'am': 1}, 2)
    """
    batch: dict[str, T] = {}
    first_row: dict[str, int] = {}
    problems: list[RowProblem] = []
    for row, item in enumerate(items, start=1):
        if item.id in first_row:
            message = f"duplicate id '{item.id}' in the batch (first at row {first_row[item.id]})"
            problems.append(RowProblem(row, "id", message, item.id))
            continue
        first_row[item.id] = row
        batch[item.id] = item
    return batch, first_row, problems


def classify(
    batch: Mapping[str, T], compare: Callable[[str, T], bool | None]
) -> tuple[WriteReport, list[str]]:
    """Sort a keyed batch into created, updated and unchanged ids.

    Parameters
    ----------
    batch
        Items by id (see :func:`index_batch`).
    compare
        ``compare(id, item)``: ``None`` when nothing is stored under ``id``, otherwise whether the
        stored version equals ``item``.

    Returns
    -------
    The report (ids sorted) and the ids that must be written (created or updated), sorted.
    """
    report = WriteReport()
    to_write: list[str] = []
    for ident in sorted(batch):
        same = compare(ident, batch[ident])
        if same:
            report.unchanged.append(ident)
            continue
        (report.created if same is None else report.updated).append(ident)
        to_write.append(ident)
    return report, to_write


def check_replacement(
    batch: Mapping[str, Actor], doomed: Sequence[str], stored_referrers: Mapping[str, Sequence[str]]
) -> None:
    """Raise ``Conflict`` unless writing ``batch`` and deleting ``doomed`` leaves no reference
    to a deleted actor.

    ``stored_referrers[d]`` lists the stored actors that reference ``d`` now; those rewritten in
    the batch count with their new references instead.
    """
    gone = set(doomed)
    both = sorted(gone & set(batch))
    if both:
        raise Conflict(f"cannot both write and delete: {', '.join(both)}")
    refs: dict[str, set[str]] = {d: set() for d in gone}
    for target, referrers in stored_referrers.items():
        refs[target].update(r for r in referrers if r not in batch and r not in gone)
    for actor in batch.values():
        for target in gone & set(actor.referenced_actors()):
            refs[target].add(actor.id)
    detail = "; ".join(
        f"'{target}' is referenced by {', '.join(sorted(who))}"
        for target, who in sorted(refs.items())
        if who
    )
    if detail:
        raise Conflict(f"cannot delete: {detail}")
