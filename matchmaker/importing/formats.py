"""File formats: the project's CSV and JSON, CORDIS organisation records, mapped CSV.

Each parser reads text and returns a :class:`~matchmaker.importing.rows.ParsedFile` of
actor-shaped rows; :func:`parse_text` picks the parser. Reading files from disk is the caller's.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from matchmaker.cleaning import fold
from matchmaker.errors import RowProblem, ValidationFailed
from matchmaker.importing.cells import KIND_CODES, CellParser, infer_kind, split_list
from matchmaker.importing.cordis import fp7_name, parse_fp7_address
from matchmaker.importing.places import place_region
from matchmaker.importing.rows import ParsedFile, SourceRow
from matchmaker.models import ActorKind
from matchmaker.nuts import nuts2_region

csv.field_size_limit(10_000_000)


class Format(StrEnum):
    """Import formats (``matchmaker import --format``)."""

    PROJECT = "project"  # the project's CSV layout
    JSON = "json"  # a list of Actor objects, or JSON Lines
    CORDIS_FP7 = "cordis-fp7"  # organisation_id,country,name,address
    CORDIS = "cordis"  # the official CORDIS organization.csv (';'-separated)
    MAPPED = "mapped"  # any CSV with a mapping file


PROJECT_COLUMNS: tuple[str, ...] = (
    "id", "name", "kind", "region", "country", "city", "website", "description", "competences",
    "offers", "requests", "memberships", "affiliation", "aliases",
)  # fmt: skip
MAPPABLE = frozenset(PROJECT_COLUMNS)
REQUIRED_PROJECT = ("id", "name", "country")


@dataclass(slots=True)
class ColumnMapping:
    """A mapping file: which column holds which actor field, constants, and the id template."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    id_template: str = "{row}"
    delimiter: str = ","
    kinds: dict[str, str] = field(default_factory=dict)
    list_separator: str = ";"


def load_mapping(text: str, *, name: str = "mapping") -> ColumnMapping:
    """Read a mapping file (TOML); see ``docs/import.md`` for its keys.

    Raises
    ------
    ValidationFailed: bad TOML, an unknown actor field, or no name column (field = the key).

    Examples
    --------
    >>> m = load_mapping('[columns]\\nname = "Firma"\\ncompetences = ["Verfahren", "Werkstoffe"]\\n'
    ...                  '[constants]\\ncountry = "AT"\\n[id]\\ntemplate = "at-{name}"')
    >>> m.columns["competences"], m.constants, m.id_template
    (['Verfahren', 'Werkstoffe'], {'country': 'AT'}, 'at-{name}')
    """

    def fail(key: str, message: str) -> ValidationFailed:
        return ValidationFailed(f"{name}: {key}: {message}", [RowProblem(None, key, message)])

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise fail("toml", str(error)) from error
    unknown = set(raw) - {"columns", "constants", "id", "csv", "kinds"}
    if unknown:
        raise fail(sorted(unknown)[0], "unknown section (use columns, constants, id, csv, kinds)")
    mapping = ColumnMapping()
    for key, value in dict(raw.get("columns", {})).items():
        if key not in MAPPABLE:
            raise fail(f"columns.{key}", f"not an actor field ({', '.join(PROJECT_COLUMNS)})")
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(f"columns.{key}", "must be a column name or a list of column names")
        mapping.columns[key] = list(names)
    for key, value in dict(raw.get("constants", {})).items():
        if key not in MAPPABLE:
            raise fail(f"constants.{key}", "not an actor field")
        mapping.constants[key] = str(value)
    mapping.id_template = str(dict(raw.get("id", {})).get("template", "{row}"))
    options = dict(raw.get("csv", {}))
    mapping.delimiter = str(options.get("delimiter", ","))
    mapping.list_separator = str(options.get("list_separator", ";"))
    mapping.kinds = {fold(str(k)).lower(): str(v) for k, v in dict(raw.get("kinds", {})).items()}
    if "name" not in mapping.columns and "name" not in mapping.constants:
        raise fail("columns.name", "a mapping needs a name column")
    if len(mapping.delimiter) != 1:
        raise fail("csv.delimiter", "must be one character")
    return mapping


def slug(text: str, max_length: int = 60) -> str:
    """An id-safe slug: ``"Böhler Edelstahl GmbH"`` -> ``"bohler-edelstahl-gmbh"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")[:max_length].strip("-")


def tidy(text: str) -> str:
    """Repair broken encodings, drop stray quotes and collapse white space."""
    return fp7_name(text) if text else ""


_EXTRA = "\0extra"


def _reader(text: str, delimiter: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    rows = []
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        record = dict(zip(header, cells, strict=False))
        if len(cells) > len(header):
            record[_EXTRA] = str(len(cells) - len(header))
        rows.append((number, record))
    return header, rows


class _Converter:
    """Shared conversion of string cells (keyed by actor field) to an actor-shaped row."""

    def __init__(self, cells: CellParser, list_separator: str = ";") -> None:
        self.cells = cells
        self.sep = list_separator

    def convert(
        self,
        row: SourceRow,
        values: Mapping[str, str],
        kinds: Mapping[str, str] | None = None,
    ) -> None:
        data = row.data
        name = tidy(values.get("name", ""))
        data["name"] = name
        for key in ("id", "city", "description", "website", "affiliation"):
            value = values.get(key, "").strip()
            if value:
                data[key] = tidy(value) if key == "city" else value
        self._kind(row, values.get("kind", ""), name, kinds or {})
        self._place(row, values.get("country", ""), values.get("region", ""), data.get("city", ""))
        if values.get("competences", "").strip():
            self.cells.competences(values["competences"].replace(self.sep, ";"), row)
        for key in ("offers", "requests"):
            if values.get(key, "").strip():
                self.cells.statements(values[key].replace(self.sep, ";"), row, key)
        if values.get("memberships", "").strip():
            self.cells.memberships(values["memberships"].replace(self.sep, ";"), row)
        if values.get("aliases", "").strip():
            data["aliases"] = [tidy(a) for a in split_list(values["aliases"], self.sep)]

    @staticmethod
    def _kind(row: SourceRow, raw: str, name: str, kinds: Mapping[str, str]) -> None:
        text = raw.strip()
        if not text:
            row.data["kind"] = infer_kind(name).value
            return
        mapped = kinds.get(fold(text).lower(), text)
        code = KIND_CODES.get(mapped.upper())
        if code is not None:
            row.data["kind"] = code.value
        elif mapped.upper() == "OTH":
            row.data["kind"] = infer_kind(name).value
        elif mapped.lower() in {k.value for k in ActorKind}:
            row.data["kind"] = mapped.lower()
        else:
            allowed = ", ".join(k.value for k in ActorKind)
            row.problem("kind", f"'{raw}' is not a kind ({allowed}, or a CORDIS activity type)")

    @staticmethod
    def _place(row: SourceRow, country_raw: str, region_raw: str, city: str) -> None:
        from matchmaker.cleaning import clean_country

        country = ""
        if country_raw.strip():
            try:
                country = clean_country(country_raw)
            except ValidationFailed as error:
                row.problem("country", error.problems[0].message)
                return
            row.data["country"] = country
        region = region_raw.strip().upper()
        if region:
            if len(region) > 4 and nuts2_region(region[:4]) is not None:
                region = region[:4]
            row.data["region"] = region
            if not country:
                row.data["country"] = {"EL": "GR"}.get(region[:2], region[:2])
            return
        if not country:
            row.problem("country", "needs a country (or a NUTS region)")
            return
        placed = place_region(country, city)
        if placed is None:
            row.problem("region", f"no NUTS 2021 region in {country}; give a region column")
            return
        row.data["region"] = placed.code
        row.region_method = placed.method
        if placed.method == "capital":
            row.warn("region", f"no region given; the capital's region {placed.code} assumed")


def _id_from(template: str, row: int, values: Mapping[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "row":
            return str(row)
        return slug(values.get(key, ""))

    return slug(re.sub(r"\{([a-z_]+)\}", fill, template), 128)


def parse_mapped(text: str, mapping: ColumnMapping, cells: CellParser | None = None) -> ParsedFile:
    """Rows of any CSV through a mapping (the project layout is the identity mapping)."""
    parsed = ParsedFile()
    header, records = _reader(text, mapping.delimiter)
    for key, names in mapping.columns.items():
        for column in names:
            if column not in header:
                parsed.problems.append(
                    RowProblem(None, column, f"column for '{key}' missing from the header")
                )
    if parsed.problems:
        return parsed
    converter = _Converter(cells or CellParser(), mapping.list_separator)
    source_of = {key: names[0] for key, names in mapping.columns.items()}
    for number, record in records:
        values = dict(mapping.constants)
        for key, names in mapping.columns.items():
            parts = [record.get(n, "").strip() for n in names]
            joined = mapping.list_separator.join(p for p in parts if p)
            if joined:
                values[key] = joined
        row = SourceRow(number, {}, columns=source_of)
        if _EXTRA in record:
            row.problem("row", f"{record[_EXTRA]} more cell(s) than the header has columns")
        if not values.get("id"):
            values["id"] = _id_from(mapping.id_template, number, values)
        row.data["id"] = values["id"].strip()
        converter.convert(row, values, mapping.kinds)
        parsed.rows.append(row)
    return parsed


def parse_project_csv(text: str, cells: CellParser | None = None) -> ParsedFile:
    """The project's CSV layout (``docs/import.md``): one actor per row, ``;``-separated lists."""
    header, _ = _reader(text, ",")
    missing = [c for c in REQUIRED_PROJECT if c not in header]
    if missing:
        return ParsedFile(
            problems=[RowProblem(None, c, "required column missing") for c in missing]
        )
    unknown = [c for c in header if c not in MAPPABLE]
    if unknown:
        return ParsedFile(
            problems=[
                RowProblem(None, c, f"unknown column (allowed: {', '.join(PROJECT_COLUMNS)})")
                for c in unknown
            ]
        )
    mapping = ColumnMapping(columns={c: [c] for c in header if c})
    return parse_mapped(text, mapping, cells)


def parse_json(text: str) -> ParsedFile:
    """A JSON list of Actor objects, or JSON Lines (one object per line)."""
    parsed = ParsedFile()
    stripped = text.strip().removeprefix("\ufeff")
    items: list[tuple[int, Any]] = []
    if stripped.startswith("["):
        try:
            loaded = json.loads(stripped)
        except json.JSONDecodeError as error:
            parsed.problems.append(RowProblem(None, "json", f"line {error.lineno}: {error.msg}"))
            return parsed
        items = list(enumerate(loaded, start=1))
    else:
        for number, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                parsed.problems.append(RowProblem(number, "json", error.msg))
    for number, item in items:
        if not isinstance(item, dict):
            parsed.problems.append(RowProblem(number, "json", "each item must be an object"))
            continue
        parsed.rows.append(SourceRow(number, dict(item)))
    return parsed


def _cordis_skip(number: int, country: str, ident: str) -> RowProblem:
    return RowProblem(
        number,
        "country",
        f"{country or 'no country'}: no NUTS 2021 regions (outside the regions the matchmaker "
        "covers)",
        ident,
    )


def parse_cordis_fp7(text: str) -> ParsedFile:
    """The FP7 extract: ``organisation_id,country,name,address`` (no type, no NUTS code).

    The id is ``cordis-<organisation_id>``; the kind is inferred from the name
    (:func:`~matchmaker.importing.cells.infer_kind`); the region from postcode and city
    (:func:`~matchmaker.importing.places.place_region`). Organisations in countries without
    NUTS 2021 regions (the United Kingdom, outside Europe) are skipped and listed.
    """
    from matchmaker.cleaning import clean_country

    parsed = ParsedFile()
    header, records = _reader(text, ",")
    for column in ("organisation_id", "country", "name", "address"):
        if column not in header:
            parsed.problems.append(RowProblem(None, column, "required column missing"))
    if parsed.problems:
        return parsed
    for number, record in records:
        ident = f"cordis-{record['organisation_id'].strip()}"
        row = SourceRow(number, {"id": ident}, columns={"region": "address", "city": "address"})
        address = parse_fp7_address(record.get("address", ""))
        name = fp7_name(record.get("name", ""))
        row.data["name"] = name
        try:
            country = clean_country(record.get("country", ""))
        except ValidationFailed as error:
            row.problem("country", error.problems[0].message)
            parsed.rows.append(row)
            continue
        placed = place_region(country, address.city, address.postcode)
        if placed is None:
            parsed.skipped.append(_cordis_skip(number, country, ident))
            continue
        city = address.city.title() if address.city.isupper() else address.city
        row.data.update(country=country, region=placed.code, kind=infer_kind(name).value, city=city)
        row.region_method = placed.method
        parsed.rows.append(row)
    return parsed


def parse_cordis(text: str) -> ParsedFile:
    """The official CORDIS ``organization.csv`` (``;``-separated, one row per participation).

    An organisation's later rows (other projects) are folded into its first; ``activityType``
    gives the kind (``OTH`` is inferred from the name), ``nutsCode`` the region (NUTS-3 codes
    are cut to NUTS-2), ``shortName`` becomes an alias.
    """
    parsed = ParsedFile()
    header, records = _reader(text, ";")
    id_column = "organisationID" if "organisationID" in header else "id"
    for column in (id_column, "name", "country"):
        if column not in header:
            parsed.problems.append(RowProblem(None, column, "required column missing"))
    if parsed.problems:
        return parsed
    converter = _Converter(CellParser())
    columns = {
        "name": "name", "kind": "activityType", "country": "country", "region": "nutsCode",
        "city": "city", "website": "organizationURL", "aliases": "shortName", "id": id_column,
    }  # fmt: skip
    first: dict[str, int] = {}
    for number, record in records:
        ident = f"cordis-{record[id_column].strip()}"
        if ident in first:
            continue
        first[ident] = number
        country = record.get("country", "").strip().upper()
        nuts = record.get("nutsCode", "").strip().upper()
        iso = {"EL": "GR", "UK": "GB"}.get(country, country)
        if nuts2_region(nuts[:4]) is None and place_region(iso) is None:
            parsed.skipped.append(_cordis_skip(number, iso, ident))
            continue
        values = {key: record.get(column, "") for key, column in columns.items()}
        values["id"] = ident
        if nuts and nuts2_region(nuts[:4]) is None:
            values["region"] = ""
        row = SourceRow(number, {"id": ident}, columns=columns)
        converter.convert(row, values)
        website = str(row.data.get("website", ""))
        if website and not re.match(r"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}", website):
            row.warn("website", f"'{website}' is not a web address; left out")
            row.data.pop("website")
        parsed.rows.append(row)
    return parsed


def detect_format(text: str, filename: str = "") -> Format:
    """Guess the format from the file name and the header line.

    Raises
    ------
    ValidationFailed: the header matches no known layout (give ``--format`` or a mapping).
    """
    lower = filename.lower()
    if lower.endswith((".json", ".jsonl", ".ndjson")) or text.lstrip().startswith(("[", "{")):
        return Format.JSON
    first = text.removeprefix("\ufeff").split("\n", 1)[0]
    if (";" in first and "organizationURL" in first) or "activityType" in first:
        return Format.CORDIS
    columns = {c.strip() for c in first.strip().split(",")}
    if {"organisation_id", "country", "name", "address"} <= columns:
        return Format.CORDIS_FP7
    if set(REQUIRED_PROJECT) <= columns:
        return Format.PROJECT
    message = "unknown layout: give --format, or a --mapping file for other CSV files"
    raise ValidationFailed(message, [RowProblem(None, "format", message)])


def parse_text(
    text: str,
    fmt: Format | str | None = None,
    *,
    mapping: ColumnMapping | None = None,
    filename: str = "",
    cells: CellParser | None = None,
) -> tuple[Format, ParsedFile]:
    """Parse a whole file's text in the given (or detected) format.

    Returns
    -------
    The format used and the :class:`ParsedFile`.

    Raises
    ------
    ValidationFailed: unknown format, or ``mapped`` without a mapping.
    """
    if mapping is not None and fmt is None:
        fmt = Format.MAPPED
    try:
        chosen = Format(fmt) if fmt is not None else detect_format(text, filename)
    except ValueError as error:
        allowed = ", ".join(f.value for f in Format)
        message = f"unknown format '{fmt}' (use {allowed})"
        raise ValidationFailed(message, [RowProblem(None, "format", message)]) from error
    if chosen is Format.MAPPED:
        if mapping is None:
            message = "the mapped format needs a mapping file"
            raise ValidationFailed(message, [RowProblem(None, "mapping", message)])
        return chosen, parse_mapped(text, mapping, cells)
    if chosen is Format.PROJECT:
        return chosen, parse_project_csv(text, cells)
    if chosen is Format.JSON:
        return chosen, parse_json(text)
    if chosen is Format.CORDIS_FP7:
        return chosen, parse_cordis_fp7(text)
    return chosen, parse_cordis(text)
