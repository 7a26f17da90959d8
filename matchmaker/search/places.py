"""Place names in queries: countries and NUTS regions, in the local and in English forms.

Local names come from the shipped NUTS 2021 table (:mod:`matchmaker.nuts`); English names of the
countries and of the programme's partner regions are listed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from matchmaker.nuts import country_of, nuts_table
from matchmaker.search.text import tokens

ENGLISH_COUNTRIES = {
    "AL": "Albania", "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CH": "Switzerland",
    "CY": "Cyprus", "CZ": "Czechia|Czech Republic", "DE": "Germany", "DK": "Denmark",
    "EE": "Estonia", "EL": "Greece", "ES": "Spain", "FI": "Finland", "FR": "France",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IS": "Iceland", "IT": "Italy",
    "LI": "Liechtenstein", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia",
    "ME": "Montenegro", "MK": "North Macedonia", "MT": "Malta", "NL": "Netherlands|Holland",
    "NO": "Norway", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "RS": "Serbia",
    "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia", "TR": "Turkey",
}  # fmt: skip
"""English (and common alternative) country names by NUTS country code; ``|`` separates forms."""

ENGLISH_REGIONS = {
    "AT12": "Lower Austria", "AT13": "Vienna", "AT22": "Styria", "AT21": "Carinthia",
    "AT31": "Upper Austria", "AT33": "Tyrol", "BE1": "Brussels", "BE2": "Flanders",
    "BE3": "Wallonia", "CZ08": "Moravian-Silesian|Moravia-Silesia|Ostrava",
    "DK03": "Southern Denmark",
    "FRK": "Auvergne-Rhone-Alpes", "HU22": "Western Transdanubia", "ITH1": "South Tyrol|Bolzano",
    "RO21": "North-East Romania", "RO32": "Bucharest", "SE22": "South Sweden|Skane|Scania",
    "DE2": "Bavaria", "ITC4": "Lombardy", "ITC1": "Piedmont", "ES51": "Catalonia",
}  # fmt: skip
"""English names of partner and other frequently searched regions by NUTS code."""

NOT_PLACES = frozenset(
    [
        "centro",
        "centru",
        "continente",
        "ege",
        "este",
        "isole",
        "jug",
        "marche",
        "noreste",
        "noroeste",
        "norte",
        "qender",
        "southern",
        "sud",
        "sur",
        "veri",
        "vest",
    ]
)
"""Region names that are common words in some partner language; never read as places."""


@dataclass(frozen=True, slots=True)
class Place:
    """A place recognised in a query: the NUTS code prefixes (or countries) it stands for."""

    codes: tuple[str, ...]
    name: str
    start: int
    end: int
    text: str


def _forms(name: str) -> list[str]:
    name = re.sub(r"\(.*?\)", " ", name).replace("Prov. ", " ")
    return [f.strip() for f in re.split(r"[/|]", name) if f.strip()]


@cache
def gazetteer() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Folded token sequences of place names mapped to the codes they stand for.

    Countries map to ISO alpha-2 codes (``GR`` for Greece), regions to NUTS codes; a name shared
    by several places (``Limburg``) maps to all of them, except that a country wins over regions.

    Examples
    --------
    >>> gazetteer()[("lower", "austria")], gazetteer()[("osterreich",)]
    (('AT12',), ('AT',))
    """
    countries: dict[tuple[str, ...], set[str]] = {}
    regions: dict[tuple[str, ...], set[str]] = {}
    for code, region in nuts_table().items():
        target = countries if region.level == 0 else regions
        for form in _forms(region.name):
            key = tuple(tokens(form))
            if key:
                target.setdefault(key, set()).add(country_of(code) if region.level == 0 else code)
    for code, names in ENGLISH_COUNTRIES.items():
        for form in _forms(names):
            countries.setdefault(tuple(tokens(form)), set()).add(country_of(code))
    for code, names in ENGLISH_REGIONS.items():
        for form in _forms(names):
            regions.setdefault(tuple(tokens(form)), set()).add(code)
    result = {k: tuple(sorted(v)) for k, v in regions.items() if " ".join(k) not in NOT_PLACES}
    result.update({k: tuple(sorted(v)) for k, v in countries.items()})
    return result


def find_places(text: str) -> list[Place]:
    """Place names in ``text``, longest match first, left to right, not overlapping.

    Examples
    --------
    >>> [(p.codes, p.text) for p in find_places("WAAM in Lower Austria or Sweden")]
    [(('AT12',), 'Lower Austria'), (('SE',), 'Sweden')]
    """
    from matchmaker.search.text import tokens_with_spans

    toks = tokens_with_spans(text)
    table = gazetteer()
    longest = max((len(k) for k in table), default=0)
    places: list[Place] = []
    i = 0
    while i < len(toks):
        for size in range(min(longest, len(toks) - i), 0, -1):
            key = tuple(t for t, _, _ in toks[i : i + size])
            codes = table.get(key)
            if codes is not None:
                start, end = toks[i][1], toks[i + size - 1][2]
                places.append(Place(codes, " ".join(key), start, end, text[start:end]))
                i += size
                break
        else:
            i += 1
    return places
