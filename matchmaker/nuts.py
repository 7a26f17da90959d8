"""NUTS 2021 regions shipped with the package (Eurostat classification, levels 0-2).

The table lives in ``matchmaker/data/nuts2021.csv`` (columns ``code,level,name,country``). It is
package data read once through :mod:`importlib.resources`; nothing here touches the network.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class NutsRegion:
    code: str
    level: int
    name: str
    country: str  # ISO 3166 alpha-2 (GR for NUTS "EL")


# NUTS uses EL for Greece; ISO 3166 uses GR. (UK left NUTS in 2021 and is not in the table.)
NUTS_TO_ISO = {"EL": "GR"}
ISO_TO_NUTS = {v: k for k, v in NUTS_TO_ISO.items()}


@cache
def nuts_table() -> dict[str, NutsRegion]:
    """Return every shipped NUTS region by code.

    Returns
    -------
    dict mapping a NUTS code (``"AT12"``) to its :class:`NutsRegion`.

    Examples
    --------
    >>> nuts_table()["AT12"].name
    'Niederösterreich'
    """
    text = resources.files("matchmaker.data").joinpath("nuts2021.csv").read_text(encoding="utf-8")
    table: dict[str, NutsRegion] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"].strip()
        table[code] = NutsRegion(
            code=code, level=int(row["level"]), name=row["name"].strip(), country=row["country"]
        )
    return table


def nuts2_region(code: str) -> NutsRegion | None:
    """The NUTS-2 region with this code, or ``None``."""
    region = nuts_table().get(code.strip().upper())
    return region if region is not None and region.level == 2 else None


def country_of(code: str) -> str:
    """ISO alpha-2 country of a NUTS code (``"EL30"`` -> ``"GR"``)."""
    prefix = code[:2].upper()
    return NUTS_TO_ISO.get(prefix, prefix)
