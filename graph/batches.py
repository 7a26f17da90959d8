"""What both stores do first with a batch: key it by id and flag ids given twice, by row."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from graph.protocol import WriteReport
from matchmaker.errors import RowProblem


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
