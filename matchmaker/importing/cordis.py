"""CORDIS organisation records: the FP7 extract layout and the official ``organization.csv``.

Functions here take rows already read (``csv.DictReader`` dictionaries); reading files is the
caller's job (the CLI, the benchmark).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matchmaker.cleaning import repair_mojibake
from matchmaker.dedupe import DedupeRecord


@dataclass(frozen=True, slots=True)
class Address:
    """An FP7 address split into its parts (any part may be empty)."""

    street: str
    city: str
    postcode: str


def _unquote(text: str) -> str:
    text = repair_mojibake(text).strip()
    while len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].strip()
    return " ".join(text.replace('""', '"').split())


def parse_fp7_address(address: str) -> Address:
    """Split an FP7 address ``"street, city, postcode"`` (the street may itself hold commas).

    Examples
    --------
    >>> parse_fp7_address('"Granta Park, Great Abington", CAMBRIDGE, CB21 6AL')
    Address(street='Granta Park, Great Abington', city='CAMBRIDGE', postcode='CB21 6AL')
    >>> parse_fp7_address(", ADDIS ABABA, ")
    Address(street='', city='ADDIS ABABA', postcode='')
    """
    parts = [p.strip() for p in address.rsplit(",", 2)]
    while len(parts) < 3:
        parts.insert(0, "")
    street, city, postcode = parts
    postcode = "" if postcode in {"-", "n/a"} else postcode
    return Address(street=_unquote(street), city=_unquote(city), postcode=_unquote(postcode))


def fp7_name(raw: str) -> str:
    """An FP7 organisation name without the extract's stray quotes and broken encoding."""
    return _unquote(raw)


def fp7_dedupe_records(rows: Iterable[Mapping[str, str]]) -> list[DedupeRecord]:
    """Records for :func:`matchmaker.dedupe.find_candidates` from FP7 organisation rows.

    Parameters
    ----------
    rows: dictionaries with ``organisation_id``, ``country``, ``name``, ``address``.

    Returns
    -------
    One :class:`~matchmaker.dedupe.DedupeRecord` per row; the id is the CORDIS id.
    """
    records = []
    for row in rows:
        address = parse_fp7_address(row.get("address", ""))
        country = row.get("country", "").strip().upper()
        records.append(
            DedupeRecord(
                id=row["organisation_id"].strip(),
                name=fp7_name(row["name"]),
                country={"EL": "GR", "UK": "GB"}.get(country, country),
                city=address.city,
            )
        )
    return records
