"""Rows on their way to actors: what every format's parser produces and how it is validated.

A parser turns each data row of a file into a :class:`SourceRow`: an actor-shaped dictionary
(the keys of :class:`~matchmaker.models.Actor`), the 1-based data row number, which source column
each field came from (so errors name the column a person can find in the file) and any problems
or warnings found while converting cells. :func:`validate_rows` then builds the actors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from matchmaker.errors import RowProblem
from matchmaker.models import Actor, Provenance

FACT_FIELDS: tuple[str, ...] = (
    "competences", "offers", "requests", "memberships", "collaborations", "name_variants",
)  # fmt: skip
"""Actor fields whose items carry provenance."""


@dataclass(slots=True)
class SourceRow:
    """One data row converted to an actor-shaped dictionary.

    ``row``: 1-based data row (the header is row 0). ``columns``: actor field -> source column.
    ``problems`` reject the row; ``warnings`` are reported but do not.
    """

    row: int
    data: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    region_method: str = ""

    def problem(self, actor_field: str, message: str) -> None:
        """Record a problem with the column this field came from."""
        self.problems.append(self._at(actor_field, message))

    def warn(self, actor_field: str, message: str) -> None:
        """Record a warning with the column this field came from."""
        self.warnings.append(self._at(actor_field, message))

    def _at(self, actor_field: str, message: str) -> RowProblem:
        ident = self.data.get("id")
        return RowProblem(
            self.row,
            self.columns.get(actor_field, actor_field),
            message,
            ident if isinstance(ident, str) and ident else None,
        )


@dataclass(slots=True)
class ParsedFile:
    """What a parser read: the rows, file-level problems, and rows it left out on purpose
    (``skipped``: e.g. CORDIS organisations in countries without NUTS regions)."""

    rows: list[SourceRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)


def _describe(error: Mapping[str, Any]) -> tuple[str, str]:
    loc = [str(part) for part in error.get("loc", ())]
    top = loc[0] if loc else "row"
    detail = ".".join(loc[1:])
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return top, f"{detail}: {message}" if detail else message


def stamp(data: dict[str, Any], provenance: Provenance) -> None:
    """Give every fact in an actor-shaped dictionary without provenance this provenance."""
    stamp_json = provenance.model_dump(mode="json")
    for name in FACT_FIELDS:
        items = data.get(name)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, dict) and not item.get("provenance"):
                item["provenance"] = [dict(stamp_json)]


def validate_rows(
    rows: Iterable[SourceRow], *, source: str | None = None, at: datetime | None = None
) -> tuple[list[Actor], list[RowProblem]]:
    """Validate converted rows into actors.

    Parameters
    ----------
    rows: rows from a parser.
    source, at: when both are given, facts without provenance get ``Provenance(source, row, at)``
        (and the row's name is recorded as a name variant).

    Returns
    -------
    The valid actors (in row order) and every problem: the rows' own problems, model errors
    (field = source column, with the row and the actor id) and repeated ids (on the later row).

    Examples
    --------
    >>> ok = SourceRow(1, {"id": "a", "name": "A", "kind": "company", "region": "AT12",
    ...                    "country": "AT"})
    >>> bad = SourceRow(2, {"id": "b", "name": "B", "kind": "robot", "region": "AT12",
    ...                     "country": "AT"}, columns={"kind": "Type"})
    >>> actors, problems = validate_rows([ok, bad])
    >>> [a.id for a in actors], [(p.row, p.field) for p in problems]
    (['a'], [(2, 'Type')])
    """
    actors: list[Actor] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.problems:
            problems.extend(row.problems)
            continue
        data = row.data
        if source is not None and at is not None:
            data = {**data}
            for name in FACT_FIELDS:
                if isinstance(data.get(name), list):
                    data[name] = [dict(i) if isinstance(i, dict) else i for i in data[name]]
            if isinstance(data.get("name"), str) and not data.get("name_variants"):
                data["name_variants"] = [{"name": data["name"]}]
            stamp(data, Provenance(source=source, row=row.row, at=at))
        try:
            actor = Actor.model_validate(data)
        except ValidationError as error:
            ident = data.get("id") if isinstance(data.get("id"), str) else None
            for item in error.errors():
                top, message = _describe(item)
                problems.append(
                    RowProblem(row.row, row.columns.get(top, top), message, ident or None)
                )
            continue
        if actor.id in seen:
            problems.append(
                RowProblem(
                    row.row,
                    row.columns.get("id", "id"),
                    f"id '{actor.id}' already used in row {seen[actor.id]}",
                    actor.id,
                )
            )
            continue
        seen[actor.id] = row.row
        actors.append(actor)
    return actors, problems


def rows_of(actors: Sequence[Actor]) -> list[SourceRow]:
    """Rows for actors that are already models (JSON import, API): row i+1 is actor i."""
    return [SourceRow(i + 1, a.model_dump()) for i, a in enumerate(actors)]
