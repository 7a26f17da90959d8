"""NUTS-2 region of an address that has no NUTS code (the CORDIS FP7 extract has none).

The fallback, in this order (documented in ``docs/import.md``):

1. countries with a single NUTS-2 region (CY, EE, IS, LI, LU, LV, ME, MK, MT): that region;
2. postcode rules where the postcode determines the region: France (département), Spain
   (province), Austria and Belgium (first digits) and Denmark (first digits, approximate near
   the Syddanmark/Midtjylland border);
3. a table of the cities that occur most often in CORDIS (capitals, university towns) and of
   the partner regions' main cities;
4. otherwise the capital's region, marked ``"capital"`` so the import report can count it.

The method is returned with the region so callers can report how each region was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matchmaker.cleaning import fold
from matchmaker.nuts import nuts_table


@dataclass(frozen=True, slots=True)
class PlacedRegion:
    """A NUTS-2 code and how it was found: ``single``, ``postcode``, ``city`` or ``capital``."""

    code: str
    method: str


CAPITAL_REGION: dict[str, str] = {
    "AL": "AL02", "AT": "AT13", "BE": "BE10", "BG": "BG41", "CH": "CH02", "CY": "CY00",
    "CZ": "CZ01", "DE": "DE30", "DK": "DK01", "EE": "EE00", "ES": "ES30", "FI": "FI1B",
    "FR": "FR10", "GR": "EL30", "HR": "HR05", "HU": "HU11", "IE": "IE06", "IS": "IS00",
    "IT": "ITI4", "LI": "LI00", "LT": "LT01", "LU": "LU00", "LV": "LV00", "ME": "ME00",
    "MK": "MK00", "MT": "MT00", "NL": "NL32", "NO": "NO08", "PL": "PL91", "PT": "PT17",
    "RO": "RO32", "RS": "RS11", "SE": "SE11", "SI": "SI04", "SK": "SK01", "TR": "TR51",
}  # fmt: skip
"""ISO country -> NUTS-2 region of its capital (Bern for CH, Amsterdam for NL)."""

_FR_DEPARTEMENTS: dict[str, tuple[str, ...]] = {
    "FR10": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "FRB0": ("18", "28", "36", "37", "41", "45"),
    "FRC1": ("21", "58", "71", "89"),
    "FRC2": ("25", "39", "70", "90"),
    "FRD1": ("14", "50", "61"),
    "FRD2": ("27", "76"),
    "FRE1": ("59", "62"),
    "FRE2": ("02", "60", "80"),
    "FRF1": ("67", "68"),
    "FRF2": ("08", "10", "51", "52"),
    "FRF3": ("54", "55", "57", "88"),
    "FRG0": ("44", "49", "53", "72", "85"),
    "FRH0": ("22", "29", "35", "56"),
    "FRI1": ("24", "33", "40", "47", "64"),
    "FRI2": ("19", "23", "87"),
    "FRI3": ("16", "17", "79", "86"),
    "FRJ1": ("11", "30", "34", "48", "66"),
    "FRJ2": ("09", "12", "31", "32", "46", "65", "81", "82"),
    "FRK1": ("03", "15", "43", "63"),
    "FRK2": ("01", "07", "26", "38", "42", "69", "73", "74"),
    "FRL0": ("04", "05", "06", "13", "83", "84"),
    "FRM0": ("20",),
}
_FR_OVERSEAS = {"971": "FRY1", "972": "FRY2", "973": "FRY3", "974": "FRY4", "976": "FRY5"}

_ES_PROVINCES: dict[str, tuple[str, ...]] = {
    "ES11": ("15", "27", "32", "36"),
    "ES12": ("33",),
    "ES13": ("39",),
    "ES21": ("01", "20", "48"),
    "ES22": ("31",),
    "ES23": ("26",),
    "ES24": ("22", "44", "50"),
    "ES30": ("28",),
    "ES41": ("05", "09", "24", "34", "37", "40", "42", "47", "49"),
    "ES42": ("02", "13", "16", "19", "45"),
    "ES43": ("06", "10"),
    "ES51": ("08", "17", "25", "43"),
    "ES52": ("03", "12", "46"),
    "ES53": ("07",),
    "ES61": ("04", "11", "14", "18", "21", "23", "29", "41"),
    "ES62": ("30",),
    "ES63": ("51",),
    "ES64": ("52",),
    "ES70": ("35", "38"),
}

_FR_BY_PREFIX = {dep: code for code, deps in _FR_DEPARTEMENTS.items() for dep in deps}
_ES_BY_PREFIX = {prov: code for code, provs in _ES_PROVINCES.items() for prov in provs}

# Ranges of 4-digit postcodes: (first, last, region).
_RANGES: dict[str, tuple[tuple[int, int, str], ...]] = {
    "AT": (
        (1000, 1299, "AT13"), (1300, 3999, "AT12"), (4000, 4999, "AT31"), (5000, 5999, "AT32"),
        (6000, 6699, "AT33"), (6700, 6999, "AT34"), (7000, 7999, "AT11"), (8000, 8999, "AT22"),
        (9000, 9899, "AT21"), (9900, 9999, "AT33"),
    ),
    "BE": (
        (1000, 1299, "BE10"), (1300, 1499, "BE31"), (1500, 1999, "BE24"), (2000, 2999, "BE21"),
        (3000, 3499, "BE24"), (3500, 3999, "BE22"), (4000, 4999, "BE33"), (5000, 5999, "BE35"),
        (6000, 6599, "BE32"), (6600, 6999, "BE34"), (7000, 7999, "BE32"), (8000, 8999, "BE25"),
        (9000, 9999, "BE23"),
    ),
    "DK": (
        (1000, 3799, "DK01"), (4000, 4999, "DK02"), (5000, 7299, "DK03"), (7300, 8999, "DK04"),
        (9000, 9999, "DK05"),
    ),
}  # fmt: skip

_CITY_TEXT = """
BG41 sofia | BG42 plovdiv | BG33 varna
CH04 zurich winterthur | CH01 lausanne geneve geneva | CH03 basel | CH02 bern neuchatel fribourg
CH06 luzern lucerne zug | CH05 st gallen | CH07 lugano
CZ01 praha prague | CZ06 brno | CZ08 ostrava | CZ03 plzen
DE30 berlin | DE60 hamburg | DE21 munchen muenchen munich garching | DE11 stuttgart
DEA2 bonn koln koeln cologne aachen julich juelich | DE50 bremen bremerhaven
DED2 dresden | DE71 frankfurt frankfurt am main darmstadt wiesbaden | DE92 hannover
DEA5 dortmund | DE12 karlsruhe heidelberg mannheim | DE91 braunschweig
DEA1 dusseldorf duesseldorf duisburg essen | DEB3 mainz kaiserslautern | DED5 leipzig
DE13 freiburg | DEG0 jena erfurt | DE80 rostock | DEF0 kiel | DED4 chemnitz
DE94 oldenburg | DE23 regensburg | DE14 ulm | DE25 erlangen nurnberg nuernberg | DE40 potsdam
DE27 augsburg | DEA3 munster | DEE0 magdeburg | DE14 konstanz
ES30 madrid | ES51 barcelona | ES61 sevilla | ES52 valencia | ES24 zaragoza
ES21 san sebastian donostia bilbao | ES13 santander
FI1B helsinki espoo vantaa | FI19 tampere turku | FI1D oulu kuopio
FR10 paris | FRK2 lyon grenoble | FRJ2 toulouse | FRJ1 montpellier | FRL0 marseille
FRF1 strasbourg | FRG0 nantes
EL30 athina athens | EL52 thessaloniki | EL43 heraklion iraklio
HR05 zagreb | HU11 budapest | HU22 gyor | HU33 szeged
IE06 dublin | IE05 cork limerick | IE04 galway
ITI4 roma rome | ITC4 milano milan bergamo brescia pavia | ITC1 torino turin
ITC3 genova genoa | ITH5 bologna modena reggio emilia parma | ITI1 firenze florence pisa siena
ITF3 napoli naples | ITH4 trieste udine | ITH3 padova venezia venice verona
ITH2 trento rovereto | ITH1 bolzano bozen | ITF4 bari lecce
LT01 vilnius | LT02 kaunas
NL32 amsterdam haarlem | NL41 eindhoven tilburg helmond | NL31 utrecht amersfoort
NL33 den haag the hague s gravenhage rotterdam delft leiden | NL22 wageningen arnhem nijmegen
NL22 apeldoorn | NL21 enschede | NL42 maastricht | NL11 groningen
NO08 oslo | NO06 trondheim | NO0A bergen stavanger
PL91 warszawa warsaw | PL21 krakow | PL51 wroclaw | PL41 poznan | PL63 gdansk gdynia
PL71 lodz | PL22 katowice gliwice
PT17 lisboa lisbon | PT11 porto braga | PT16 coimbra aveiro
RO32 bucuresti bucharest | RO42 timisoara | RO21 iasi | RO11 cluj napoca
RS11 beograd belgrade | RS12 novi sad
SE11 stockholm kista solna | SE23 goteborg gothenburg | SE22 lund malmo | SE12 uppsala linkoping
SE33 lulea
SI04 ljubljana | SI03 maribor
SK01 bratislava | SK04 kosice
TR10 istanbul | TR51 ankara | TR31 izmir
"""


def _city_table() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    valid = nuts_table()
    for group in _CITY_TEXT.replace("\n", " | ").split("|"):
        words = group.split()
        if not words:
            continue
        if len(words[0]) == 2:
            words = words[1:]
        code = words[0]
        region = valid[code]
        # City names of several words are written joined in the table's groups; split on the
        # known multi-word names below.
        for city in _join_multiword(words[1:]):
            table[(region.country, city)] = code
    return table


_MULTIWORD = (
    "frankfurt am main", "san sebastian", "reggio emilia", "den haag", "the hague",
    "s gravenhage", "st gallen", "cluj napoca", "novi sad",
)  # fmt: skip


def _join_multiword(words: list[str]) -> list[str]:
    text = " ".join(words)
    cities: list[str] = []
    for name in sorted(_MULTIWORD, key=len, reverse=True):
        if name in text:
            cities.append(name)
            text = text.replace(name, " ")
    cities.extend(text.split())
    return cities


_CITIES = _city_table()
_SINGLE = {r.country: r.code for r in nuts_table().values() if r.level == 2}
_COUNT: dict[str, int] = {}
for _region in nuts_table().values():
    if _region.level == 2:
        _COUNT[_region.country] = _COUNT.get(_region.country, 0) + 1


def covered_countries() -> frozenset[str]:
    """ISO codes of the countries with NUTS 2021 regions (the ones an actor can be placed in)."""
    return frozenset(_COUNT)


def _by_postcode(country: str, postcode: str) -> str | None:
    digits = re.sub(r"\D", "", postcode)
    if country == "FR" and len(digits) == 5:
        if digits.startswith("97"):
            return _FR_OVERSEAS.get(digits[:3])
        if digits.startswith("20"):
            return "FRM0"
        return _FR_BY_PREFIX.get(digits[:2])
    if country == "ES" and len(digits) == 5:
        return _ES_BY_PREFIX.get(digits[:2])
    if country in _RANGES and len(digits) == 4:
        number = int(digits)
        for first, last, code in _RANGES[country]:
            if first <= number <= last:
                return code
    return None


def _city_key(city: str) -> str:
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(city)).split())
    return re.sub(r"\s+\d+$", "", key)


def place_region(country: str, city: str = "", postcode: str = "") -> PlacedRegion | None:
    """The NUTS-2 region of an address without a NUTS code.

    Parameters
    ----------
    country: ISO 3166-1 alpha-2 code (``GR``, not ``EL``).
    city, postcode: as written in the source (may be empty).

    Returns
    -------
    The region and the method that found it, or ``None`` if the country has no NUTS 2021
    regions (the United Kingdom, countries outside Europe).

    Examples
    --------
    >>> place_region("FR", "Vourles", "69390")
    PlacedRegion(code='FRK2', method='postcode')
    >>> place_region("IT", "MIRANDOLA", "41037")
    PlacedRegion(code='ITI4', method='capital')
    >>> place_region("IT", "Milano", "20133").code, place_region("GB", "London") is None
    ('ITC4', True)
    """
    country = country.upper()
    count = _COUNT.get(country)
    if count is None:
        return None
    if count == 1:
        return PlacedRegion(_SINGLE[country], "single")
    by_postcode = _by_postcode(country, postcode)
    if by_postcode is not None:
        return PlacedRegion(by_postcode, "postcode")
    by_city = _CITIES.get((country, _city_key(city)))
    if by_city is not None:
        return PlacedRegion(by_city, "city")
    return PlacedRegion(CAPITAL_REGION[country], "capital")


__all__ = ["CAPITAL_REGION", "PlacedRegion", "covered_countries", "place_region"]
