"""Cleaning of organisation names, countries and websites before matching and import.

Names from the regions' member lists and from CORDIS spell the same organisation in many ways:
upper or mixed case, with or without diacritics, with the legal form abbreviated, spelled out or
missing, with ``&``, ``und`` or ``et``. :func:`clean_name` reduces a name to a comparable key and
reports the legal form it removed. The legal forms are data (:data:`LEGAL_FORMS`), not branches.

Examples
--------
>>> clean_name("RHP-Technology GmbH & Co. KG").key
'rhp technology'
>>> clean_name("RHP TECHNOLOGY GMBH").legal_form
'GmbH'
>>> clean_country("EL"), clean_country("United Kingdom"), clean_country("Österreich")
('GR', 'GB', 'AT')
>>> clean_website("HTTP://www.Example.org/en/about")
'example.org'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from matchmaker.errors import RowProblem, ValidationFailed

LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    # German-speaking
    "GmbH & Co KG": (
        "gmbh and co kg",
        "gmbh co kg",
        "gmbh and cokg",
        "gmbh cokg",
        "gmbh and co kgaa",
        "gmbh co kgaa",
        "gmbh and co ohg",
        "ag and co kg",
        "ag co kg",
        "se and co kg",
        "se co kg",
    ),
    "GmbH": (
        "gmbh",
        "gesmbh",
        "ges mbh",
        "mbh",
        "gesellschaft mbh",
        "gesellschaft mit beschrankter haftung",
    ),
    "gGmbH": ("ggmbh", "gemeinnutzige gmbh"),
    "AG": ("ag", "aktiengesellschaft"),
    "KG": ("kg", "kommanditgesellschaft", "kgaa"),
    "OHG": ("ohg", "og", "oeg", "keg"),
    "UG": ("ug haftungsbeschrankt", "ug"),
    "e.V.": ("ev", "e v", "eingetragener verein"),
    "eG": ("eg",),
    "e.K.": ("ek", "e k", "ekfm"),
    "GbR": ("gbr",),
    "SE": ("se",),
    # French, Belgian, Luxembourgish
    "SA": ("sa", "s a", "societe anonyme", "sociedad anonima", "sociedade anonima"),
    "SAS": ("sas", "sasu", "societe par actions simplifiee"),
    "SARL": ("sarl", "eurl", "societe a responsabilite limitee"),
    "SNC": ("snc",),
    "SCA": ("sca",),
    "SPRL": ("sprl", "bvba"),
    "SCRL": ("scrl", "cvba", "scrlfs"),
    "ASBL": ("asbl", "vzw", "aisbl", "ivzw"),
    "SCOP": ("scop",),
    # Spanish, Portuguese
    "S.L.": ("sl", "s l", "slu", "sll", "sociedad limitada", "slne"),
    "AIE": ("aie", "agrupacion de interes economico", "eeig", "geie", "ewiv"),
    "ERIC": ("eric",),
    "S.Coop.": ("scoop", "s coop", "sccl"),
    "Lda": ("lda", "unipessoal lda", "ltda"),
    # Italian
    "S.r.l.": ("srl", "s r l", "srls", "societa a responsabilita limitata"),
    "S.p.A.": ("spa", "s p a", "societa per azioni"),
    "S.c.a.r.l.": ("scarl", "scrl", "scpa", "sc a rl", "soc cons a rl", "societa consortile a rl"),
    "S.a.s.": ("sas di", "sapa"),
    "Onlus": ("onlus",),
    # Central and Eastern Europe
    "Rt.": (
        "zartkoruen mukodo reszvenytarsasag",
        "nyilvanosan mukodo reszvenytarsasag",
        "reszvenytarsasag",
    ),
    "Kft.": (
        "nonprofit korlatolt felelossegu tarsasag",
        "nonprofit kozhasznu korlatolt felelossegu tarsasag",
        "kft",
        "korlatolt felelossegu tarsasag",
        "nonprofit kft",
        "nonprofit kozhasznu kft",
    ),
    "Zrt.": ("zrt", "nyrt", "nonprofit zrt"),
    "Bt.": ("bt",),
    "s.r.o.": ("sro", "s r o", "spol sro", "spol s r o"),
    "a.s.": ("as", "a s"),
    "d.o.o.": ("doo", "d o o"),
    "d.d.": ("dd",),
    "Sp. z o.o.": ("sp z oo", "spzoo", "sp z o o", "sp zoo", "spolka z oo"),
    "S.A. (PL)": ("spolka akcyjna",),
    "Sp. z o.o. (long)": ("spolka z ograniczona odpowiedzialnoscia",),
    "v.v.i.": ("vvi",),
    "A.S. (TR)": (
        "anonim sirketi",
        "limited sirketi",
        "sanayi ve ticaret anonim sirketi",
        "sanayi ve ticaret limited sirketi",
        "sanayi ticaret anonim sirketi",
        "san ve tic as",
        "ticaret anonim sirketi",
        "ticaret limited sirketi",
    ),
    "Sp. j.": ("spj", "sp j"),
    "Sp. k.": ("spk", "sp k"),
    "OOO": ("ooo", "zao", "oao", "pao", "ojsc", "cjsc", "jsc"),
    "AD": ("ad", "ead", "ood", "eood"),
    "UAB": ("uab",),
    "SIA": ("sia",),
    "OU": ("ou", "ouu"),
    # Nordic
    "A/S": ("as", "a s", "asa"),
    "ApS": ("aps", "ivs", "amba", "is"),
    "AB": ("ab", "ab publ", "aktiebolag", "aktiebolaget"),
    "Oy": ("oy", "oyj", "ry", "osakeyhtio"),
    "hf.": ("hf", "ehf"),
    # Benelux
    "NV": ("nv", "naamloze vennootschap"),
    "BV": ("bv", "besloten vennootschap", "bv io"),
    "VOF": ("vof",),
    # Greek
    "AE": ("ae", "a e", "anonymi etaireia", "anonymos etaireia", "etaireia"),
    "EPE": ("epe", "ike", "oe", "ee"),
    # English-speaking and others
    "Ltd": (
        "ltd",
        "limited",
        "co ltd",
        "company limited",
        "pty ltd",
        "pvt ltd",
        "private limited",
        "ltd sti",
        "tic ltd sti",
        "san ve tic ltd sti",
        "san tic ltd sti",
        "as ltd",
    ),
    "LBG": ("lbg", "limited by guarantee", "ltd by guarantee"),
    "plc": ("plc", "public limited company"),
    "LLP": ("llp", "lp"),
    "CIC": ("cic",),
    "& Co": ("and co", "co", "and cie", "cie", "and c"),
    "Inc": ("inc", "incorporated", "corp", "corporation", "llc"),
}
"""Canonical legal form -> its spellings as cleaned tokens (lower case, no dots or diacritics)."""

PREFIX_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "OOO": ("ooo", "zao", "oao", "pao", "tov"),
    "SC": ("sc",),
}
"""Legal forms written before the name (Russian/Ukrainian, Romanian ``SC ... SRL``)."""

CONNECTIVES: frozenset[str] = frozenset(
    {"and", "und", "et", "y", "e", "i", "og", "och", "en", "es"}
)
"""Words for "and" in the regions' languages; ``&`` is mapped to ``and`` first."""

LEADING_ARTICLES: frozenset[str] = frozenset({"the"})

_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
        "´": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "„": '"',
    }
)
_MOJIBAKE = re.compile(
    "[\u00c2-\u00c7\u00d0\u00d1\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,2}"
)
_LOST_BYTE = re.compile("Ã\ufffd(.?)")
_DROP_INSIDE = re.compile(r"[.'/]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_GERMAN_VOWELS = re.compile(r"(?<=[aou])e")


@dataclass(frozen=True, slots=True)
class CleanName:
    """A name reduced for comparison.

    ``key`` is the comparable form (lower case ASCII words, legal form and connectives removed,
    German ``ae/oe/ue`` folded to ``a/o/u``); ``legal_form`` is the canonical legal form that was
    removed (``None`` if none); ``tokens`` are the words of ``key``; ``text`` is the original name
    after repairing broken encodings and collapsing white space.
    """

    text: str
    key: str
    legal_form: str | None
    tokens: tuple[str, ...]


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Windows-1252 (``"BlÃ¼cher"`` -> ``"Blücher"``).

    Parameters
    ----------
    text: any string; parts that are not mojibake are left alone.

    Returns
    -------
    The repaired string.

    Examples
    --------
    >>> repair_mojibake("BlÃ¼cher GmbH â€“ Computerchemie")
    'Blücher GmbH – Computerchemie'
    """

    text = text.replace("â€\ufffd", "”")
    text = _LOST_BYTE.sub(lambda m: ("Í" if m.group(1) in "AEIOUaeiou" else "Á") + m.group(1), text)

    def fix(match: re.Match[str]) -> str:
        chunk = match.group(0)
        for cut in (len(chunk), len(chunk) - 1):
            try:
                return chunk[:cut].encode("cp1252").decode("utf-8") + chunk[cut:]
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return chunk

    return _MOJIBAKE.sub(fix, text) if _MOJIBAKE.search(text) else text


def fold(text: str) -> str:
    """Lower-case ASCII form of ``text``: diacritics removed, special letters transliterated.

    Examples
    --------
    >>> fold("Świętokrzyska Łódź Straße Ørsted")
    'swietokrzyska lodz strasse orsted'
    """
    text = repair_mojibake(text).translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(text: str) -> list[str]:
    text = fold(text).replace("&", " and ").replace("+", " plus ")
    text = _DROP_INSIDE.sub("", text)
    return [w for w in _NON_WORD.split(text) if w]


@cache
def _suffix_table() -> list[tuple[tuple[str, ...], str]]:
    table = [
        (tuple(spelling.split()), canonical)
        for canonical, spellings in LEGAL_FORMS.items()
        for spelling in spellings
    ]
    table.sort(key=lambda item: -len(item[0]))
    return table


@cache
def _prefix_table() -> list[tuple[tuple[str, ...], str]]:
    return [
        (tuple(spelling.split()), canonical)
        for canonical, spellings in PREFIX_LEGAL_FORMS.items()
        for spelling in spellings
    ]


def _strip_legal_forms(words: list[str]) -> tuple[list[str], str | None]:
    found: str | None = None
    changed = True
    while changed and len(words) > 1:
        changed = False
        for spelling, canonical in _suffix_table():
            n = len(spelling)
            if len(words) > n and tuple(words[-n:]) == spelling:
                words = words[:-n]
                found = found or canonical
                changed = True
                break
    for spelling, canonical in _prefix_table():
        n = len(spelling)
        if len(words) > n and tuple(words[:n]) == spelling:
            words = words[n:]
            found = found or canonical
            break
    return words, found


def clean_name(name: str) -> CleanName:
    """Reduce an organisation name to a comparable key and its legal form.

    Parameters
    ----------
    name: the name as written in the source.

    Returns
    -------
    A :class:`CleanName`. Names that are nothing but a legal form keep it as their key.

    Examples
    --------
    >>> clean_name("Technische Universität München").key
    'technische universitat munchen'
    >>> clean_name("TECHNISCHE UNIVERSITAET MUENCHEN").key
    'technische universitat munchen'
    >>> c = clean_name("Kovo & Strojírny s.r.o.")
    >>> c.key, c.legal_form
    ('kovo strojirny', 's.r.o.')
    >>> clean_name("SC ROMPLUMB SRL").key
    'romplumb'
    """
    text = " ".join(repair_mojibake(name).replace('"', " ").split())
    words = _words(text)
    while len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    words, legal_form = _strip_legal_forms(words)
    kept = [w for i, w in enumerate(words) if w not in CONNECTIVES or i in (0, len(words) - 1)]
    tokens = tuple(_GERMAN_VOWELS.sub("", w) if len(w) > 3 else w for w in kept)
    return CleanName(text=text, key=" ".join(tokens), legal_form=legal_form, tokens=tokens)


_COUNTRY_NAMES: dict[str, str] = {
    "austria": "AT", "osterreich": "AT", "belgium": "BE", "belgique": "BE", "belgie": "BE",
    "bulgaria": "BG", "croatia": "HR", "hrvatska": "HR", "cyprus": "CY", "czechia": "CZ",
    "czech republic": "CZ", "cesko": "CZ", "ceska republika": "CZ", "denmark": "DK",
    "danmark": "DK", "estonia": "EE", "eesti": "EE", "finland": "FI", "suomi": "FI",
    "france": "FR", "germany": "DE", "deutschland": "DE", "greece": "GR", "hellas": "GR",
    "ellada": "GR", "hungary": "HU", "magyarorszag": "HU", "ireland": "IE", "eire": "IE",
    "italy": "IT", "italia": "IT", "latvia": "LV", "latvija": "LV", "lithuania": "LT",
    "lietuva": "LT", "luxembourg": "LU", "malta": "MT", "netherlands": "NL",
    "the netherlands": "NL", "nederland": "NL", "holland": "NL", "poland": "PL", "polska": "PL",
    "portugal": "PT", "romania": "RO", "slovakia": "SK", "slovensko": "SK", "slovenia": "SI",
    "slovenija": "SI", "spain": "ES", "espana": "ES", "sweden": "SE", "sverige": "SE",
    "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "norway": "NO", "norge": "NO", "iceland": "IS",
    "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "liechtenstein": "LI", "turkey": "TR", "turkiye": "TR", "serbia": "RS", "srbija": "RS",
    "north macedonia": "MK", "macedonia": "MK", "albania": "AL", "montenegro": "ME",
    "bosnia and herzegovina": "BA", "ukraine": "UA", "moldova": "MD", "israel": "IL",
    "united states": "US", "usa": "US", "united states of america": "US", "canada": "CA",
    "russia": "RU", "russian federation": "RU", "china": "CN", "japan": "JP", "india": "IN",
    "brazil": "BR",
}  # fmt: skip
_COUNTRY_ALIASES: dict[str, str] = {"EL": "GR", "UK": "GB"}


def clean_country(value: str) -> str:
    """ISO 3166-1 alpha-2 code of a country given as a code or an English/native name.

    ``EL`` (the EU's code for Greece) becomes ``GR`` and ``UK`` becomes ``GB``.

    Parameters
    ----------
    value: a two-letter code (any case) or a country name such as ``"Deutschland"``.

    Returns
    -------
    The upper-case alpha-2 code.

    Raises
    ------
    ValidationFailed: the value is empty or not a known country (field ``country``).

    Examples
    --------
    >>> clean_country(" uk "), clean_country("Magyarország"), clean_country("de")
    ('GB', 'HU', 'DE')
    """
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        code = text.upper()
        return _COUNTRY_ALIASES.get(code, code)
    code_by_name = _COUNTRY_NAMES.get(" ".join(_words(text)))
    if code_by_name is None:
        message = f"'{value}' is not an ISO country code or a known country name"
        raise ValidationFailed(message, [RowProblem(None, "country", message)])
    return code_by_name


_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")


def clean_website(value: str) -> str:
    """The registrable host of a web address, lower case, without ``www.``, scheme, port or path.

    Parameters
    ----------
    value: a web address as people write it (``"www.x.de"``, ``"https://X.de/en"``) or ``""``.

    Returns
    -------
    The host (``"x.de"``), or ``""`` for an empty value.

    Raises
    ------
    ValidationFailed: the value is not a web address (field ``website``).

    Examples
    --------
    >>> clean_website("https://WWW.twi-global.com:443/what-we-do?x=1")
    'twi-global.com'
    >>> clean_website("")
    ''
    """
    text = value.strip().lower()
    if not text:
        return ""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    host = re.split(r"[/?#]", text, maxsplit=1)[0].split("@")[-1].split(":")[0].rstrip(".")
    host = host.removeprefix("www.")
    if not _HOST.match(host):
        message = f"'{value}' is not a web address"
        raise ValidationFailed(message, [RowProblem(None, "website", message)])
    return host
