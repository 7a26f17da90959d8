"""Duplicate detection: blocking, then rapidfuzz scores with human-readable evidence.

The same organisation reaches the matchmaker under several records (CORDIS lists "RHP TECHNOLOGY
GMBH" and "RHP-TECHNOLOGY GMBH & CO KG"; member lists spell names their own way). Comparing all
pairs of 30,000 records would be 460 million comparisons, so records are first put into
*blocks* that share something cheap to compute, all within one country:

* the cleaned name key (names equal after removing legal form, case, punctuation, diacritics),
* each of the rarest name tokens (a token shared by fewer than ``max_block`` records),
* the first characters of the name key with spaces removed,
* the website domain and the short name.

Within a block, :func:`rapidfuzz.process.cdist` compares every pair at once; pairs above a loose
cut-off become candidates and are scored in detail (cleaned names, short names, city, website).
Each :class:`Candidate` carries the score and the evidence ("same website domain", "names equal
after removing legal form"). Pairs in different countries are never candidates: a name registered
in two countries belongs to two legal entities (subsidiaries, national ministries); the one
exception is an equal name in the same city, where one record's country is likely wrong.

Examples
--------
>>> records = [
...     DedupeRecord("1", "RHP TECHNOLOGY GMBH", "AT", city="Seibersdorf"),
...     DedupeRecord("2", "RHP-Technology GmbH & Co. KG", "AT", city="SEIBERSDORF"),
...     DedupeRecord("3", "RHP Technology GmbH", "DE"),
... ]
>>> [(c.a, c.b, c.duplicate) for c in find_candidates(records)]
[('1', '2', True)]
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from matchmaker.cleaning import CleanName, clean_name, clean_website, fold
from matchmaker.errors import MatchmakerError

DISTINCT_WORDS: frozenset[str] = frozenset(
    {
        "foundation", "fundacion", "fundacio", "fundacao", "fondazione", "fondation", "fundacja",
        "stiftung", "holding", "holdings", "services", "service", "serveis", "servicios",
        "enterprises", "enterprise", "innovations", "verwaltungs", "verwaltung", "gestion",
        "group", "gruppe", "groupe", "gruppo", "grupo", "international", "industrial",
        "europe", "european", "uk", "france", "deutschland", "italia", "espana", "ip",
        "trading", "consulting", "research", "technology", "technologies", "systems",
    }
)  # fmt: skip
"""Words whose presence in only one of two names marks a different entity (a foundation,
holding, service company or national branch of the other)."""

INSTITUTION_WORDS: tuple[str, ...] = (
    "univ", "uniw", "hochschule", "sveucilist", "college", "politec", "ecole", "academ",
    "akadem", "instit", "fakult", "facult", "ministr", "ministe", "agenc", "agenzi",
)  # fmt: skip
"""Prefixes of words naming institutions whose names differ by any single word (universities,
academies and their institutes, ministries): one extra word there means another institution."""

CITY_NAMES: dict[str, str] = {
    "rome": "roma", "athens": "athina", "athinai": "athina", "the hague": "den haag",
    "s gravenhage": "den haag", "munich": "munchen", "muenchen": "munchen", "vienna": "wien",
    "brussels": "bruxelles", "brussel": "bruxelles", "cologne": "koln", "koeln": "koln",
    "warsaw": "warszawa", "prague": "praha", "lisbon": "lisboa", "milan": "milano",
    "turin": "torino", "florence": "firenze", "naples": "napoli", "moscow": "moskva",
    "kiev": "kyiv", "bucharest": "bucuresti", "copenhagen": "kobenhavn",
    "gothenburg": "goteborg", "goeteborg": "goteborg", "belgrade": "beograd",
    "nicosia": "lefkosia", "geneva": "geneve", "antwerp": "antwerpen", "ghent": "gent",
    "venice": "venezia", "genoa": "genova", "seville": "sevilla", "zurich": "zurich",
    "thessaloniki": "thessaloniki", "krakow": "krakow", "cracow": "krakow",
}  # fmt: skip
"""English or variant city names -> one spelling, after :func:`~matchmaker.cleaning.fold`."""


@dataclass(frozen=True, slots=True)
class DedupeRecord:
    """What the detector compares: an id, a name and what else the source knows."""

    id: str
    name: str
    country: str = ""
    city: str = ""
    website: str = ""
    short_name: str = ""


@dataclass(frozen=True, slots=True)
class DedupeConfig:
    """Thresholds of the detector (scores are 0..1).

    ``threshold``: a candidate at or above it is called a duplicate. ``min_score``: candidates
    below it are not reported at all. ``prefilter``: the loose name cut-off applied inside blocks.
    ``max_block``: tokens shared by more records than this are too common to block on.
    ``rare_tokens``: how many of a record's rarest tokens it is blocked on.
    ``workers``: threads for :func:`rapidfuzz.process.cdist` (``-1`` = all cores).
    """

    threshold: float = 0.9
    min_score: float = 0.7
    prefilter: float = 0.6
    max_block: int = 300
    rare_tokens: int = 2
    prefix_chars: int = 8
    workers: int = 1

    def __post_init__(self) -> None:
        for name in ("threshold", "min_score", "prefilter"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise DedupeError(f"DedupeConfig.{name} must lie in 0..1, got {value}")
        if self.max_block < 2 or self.rare_tokens < 0 or self.prefix_chars < 1:
            raise DedupeError("DedupeConfig: max_block >= 2, rare_tokens >= 0, prefix_chars >= 1")


class DedupeError(MatchmakerError):
    """The duplicate detector was configured or called wrongly."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair of records that may denote the same organisation (``a < b``)."""

    a: str
    b: str
    score: float
    evidence: tuple[str, ...]
    duplicate: bool = False

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "duplicate": self.duplicate,
            "evidence": list(self.evidence),
        }


@dataclass(slots=True)
class _Prepared:
    record: DedupeRecord
    name: CleanName
    compact: str
    short: str
    city: str
    domain: str
    numbers: frozenset[str] = field(default_factory=frozenset)
    acronyms: frozenset[str] = field(default_factory=frozenset)


def _numbers(tokens: Sequence[str]) -> frozenset[str]:
    last = len(tokens) - 1
    return frozenset(
        t
        for k, t in enumerate(tokens)
        if any(ch.isdigit() for ch in t) or (t in _ROMAN and (len(t) > 1 or k == last))
    )


def _city(text: str) -> str:
    words = " ".join(w for w in fold(text).replace("-", " ").split() if w.isalpha())
    return CITY_NAMES.get(words, words)


def _prepare(record: DedupeRecord) -> _Prepared:
    name = clean_name(record.name)
    try:
        domain = clean_website(record.website)
    except MatchmakerError:
        domain = ""
    return _Prepared(
        record=record,
        name=name,
        compact=name.key.replace(" ", ""),
        short=" ".join(fold(record.short_name).split()),
        city=_city(record.city),
        domain=domain,
        numbers=_numbers(name.tokens),
        acronyms=_acronyms(name.tokens),
    )


def _blocks(
    prepared: Sequence[_Prepared], config: DedupeConfig
) -> dict[tuple[str, ...], list[int]]:
    frequency: dict[tuple[str, str], int] = defaultdict(int)
    for p in prepared:
        for token in set(p.name.tokens):
            frequency[(p.record.country, token)] += 1
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        country = p.record.country
        blocks[("key", country, p.name.key)].append(index)
        blocks[("prefix", country, p.compact[: config.prefix_chars])].append(index)
        if p.domain:
            blocks[("web", country, p.domain)].append(index)
        if p.short:
            blocks[("short", country, p.short)].append(index)
        if p.city:
            blocks[("key", "*", p.name.key, p.city)].append(index)
        usable = sorted(
            (frequency[(country, t)], t)
            for t in set(p.name.tokens)
            if len(t) >= 3 and frequency[(country, t)] <= config.max_block
        )
        for _, token in usable[: config.rare_tokens]:
            blocks[("token", country, token)].append(index)
    return blocks


_EXACT_KINDS = frozenset({"key", "web", "short"})


def _idf(prepared: Sequence[_Prepared]) -> dict[str, float]:
    frequency: dict[str, int] = defaultdict(int)
    for p in prepared:
        for token in set(p.name.tokens):
            frequency[token] += 1
    n = max(len(prepared), 1)
    return {token: math.log(1 + n / count) for token, count in frequency.items()}


def candidate_pairs(
    records: Sequence[DedupeRecord], config: DedupeConfig | None = None
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, that blocking and the loose name cut-off keep.

    Parameters
    ----------
    records: the records to compare.
    config: thresholds; the defaults of :class:`DedupeConfig` if ``None``.

    Returns
    -------
    The set of index pairs into ``records`` worth scoring.
    """
    config = config or DedupeConfig()
    prepared = [_prepare(r) for r in records]
    return _candidate_pairs(prepared, config)


def _candidate_pairs(prepared: Sequence[_Prepared], config: DedupeConfig) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    cutoff = config.prefilter * 100
    for block_key, members in _blocks(prepared, config).items():
        n = len(members)
        if n < 2 or (n > config.max_block and block_key[0] not in _EXACT_KINDS):
            continue
        if block_key[0] in _EXACT_KINDS and n <= config.max_block:
            pairs.update((members[i], members[j]) for i in range(n) for j in range(i + 1, n))
            continue
        keys = [prepared[m].name.key for m in members]
        matrix = process.cdist(
            keys,
            keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff,
            dtype=np.uint8,
            workers=config.workers,
        )
        rows, cols = np.nonzero(np.triu(matrix, k=1))
        pairs.update(
            (members[i], members[j]) for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        )
    return pairs


_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})
_MIN_FUZZY_LEN = 5
_TOKEN_MATCH = 90.0

Weights = Mapping[str, float]


def _weight(token: str, weights: Weights) -> float:
    base = weights.get(token, 1.0)
    return base * 0.5 if len(token) <= 2 else base


def _acronyms(tokens: Sequence[str]) -> frozenset[str]:
    found = set()
    for token in tokens:
        if len(token) < 2:
            continue
        others = [t for t in tokens if t != token]
        initials = "".join(t[0] for t in others)
        significant = "".join(t[0] for t in others if len(t) > 3)
        if token in (initials, significant) or (len(token) >= 3 and token in initials):
            found.add(token)
    return frozenset(found)


def _token_overlap(
    x: _Prepared, y: _Prepared, weights: Weights
) -> tuple[float, list[str], list[str]]:
    """IDF-weighted Dice overlap of the name tokens (matched fuzzily) and the words left over."""
    ys = list(y.name.tokens)
    used = [False] * len(ys)
    matched = 0.0
    left: list[str] = []
    order = sorted(x.name.tokens, key=lambda t: -_weight(t, weights))
    for token in order:
        best, best_score = -1, 0.0
        for k, other in enumerate(ys):
            if used[k]:
                continue
            if token == other:
                best, best_score = k, 100.0
                break
            if min(len(token), len(other)) >= _MIN_FUZZY_LEN:
                similarity = fuzz.ratio(token, other)
                if similarity >= _TOKEN_MATCH and similarity > best_score:
                    best, best_score = k, similarity
        if best >= 0:
            used[best] = True
            pair_weight = (_weight(token, weights) + _weight(ys[best], weights)) / 2
            matched += 2 * pair_weight * best_score / 100
        else:
            left.append(token)
    left_y = [t for t, u in zip(ys, used, strict=True) if not u]
    skip = (x.acronyms | y.acronyms) & set(left + left_y)
    total = sum(_weight(t, weights) for t in x.name.tokens if t not in skip) + sum(
        _weight(t, weights) for t in ys if t not in skip
    )
    return (
        (matched / total if total else 0.0),
        [t for t in x.name.tokens if t in left and t not in skip],
        [t for t in left_y if t not in skip],
    )


def _score(x: _Prepared, y: _Prepared, weights: Weights) -> tuple[float, list[str]]:
    if x.record.country != y.record.country:
        if x.name.key == y.name.key and x.city and x.city == y.city:
            return 0.92, ["same name", "same city", "different countries (one is likely wrong)"]
        return 0.0, ["different countries"]
    evidence: list[str] = []
    extends = False
    if x.name.key == y.name.key or (len(x.compact) > 6 and x.compact == y.compact):
        if x.name.text.casefold() == y.name.text.casefold():
            evidence.append("same name")
        elif x.name.legal_form != y.name.legal_form:
            evidence.append("names equal after removing legal form")
        else:
            evidence.append("names equal after removing case, punctuation and diacritics")
        score = 0.96
    else:
        score, left_x, left_y = _token_overlap(x, y, weights)
        left = left_x + left_y
        compact = fuzz.ratio(x.compact, y.compact) / 100
        typos = fuzz.ratio("".join(left_x), "".join(left_y)) >= 90
        if compact >= 0.95 and min(len(x.compact), len(y.compact)) >= 20 and typos:
            score = max(score, compact)
            evidence.append(f"names equal up to spacing and typos ({compact:.2f})")
            left = []
        else:
            evidence.append(f"name overlap {score:.2f}")
        if left_x and left_y and left:
            evidence.append("each name has words the other lacks")
            score -= 0.05
        if left:
            evidence.append(f"unmatched words: {' '.join(sorted(left))}")
            marked = sorted(DISTINCT_WORDS.intersection(left))
            extends = not marked and not (left_x and left_y)
            if marked:
                evidence.append(f"'{' '.join(marked)}' marks another entity")
                score -= 0.08
            elif any(w.startswith(INSTITUTION_WORDS) for w in (*x.name.tokens, *y.name.tokens)):
                evidence.append("institution names differ by a word")
                score -= 0.08
        skipped = sorted((x.acronyms ^ y.acronyms) & set(x.name.tokens) | set(y.name.tokens))
        skipped = [t for t in skipped if t in (x.acronyms | y.acronyms)]
        if skipped:
            evidence.append(f"acronym ignored: {' '.join(skipped)}")
    if x.numbers != y.numbers:
        evidence.append("different numbers in the names")
        score -= 0.2
    if x.domain and y.domain:
        if x.domain == y.domain:
            evidence.append("same website domain")
            score += 0.1
            if extends:
                evidence.append("one name extends the other on the same website (renamed)")
                score = max(score, 0.92)
        else:
            evidence.append("different website domains")
            score -= 0.1
    if x.short and y.short and x.short == y.short:
        evidence.append("same short name")
        score += 0.05
    if x.city and y.city:
        if fuzz.ratio(x.city, y.city) >= 85 or fuzz.partial_ratio(x.city, y.city) == 100:
            evidence.append("same city")
            score += 0.04
        else:
            evidence.append("different cities")
            score -= 0.04
            if any(w.startswith(INSTITUTION_WORDS) for w in x.name.tokens):
                evidence.append("an institution of this kind exists in many cities")
                score -= 0.08
    return max(0.0, min(1.0, score)), evidence


def score_pair(a: DedupeRecord, b: DedupeRecord, config: DedupeConfig | None = None) -> Candidate:
    """Score one pair of records without blocking.

    Parameters
    ----------
    a, b: the records.
    config: thresholds; the defaults if ``None``.

    Returns
    -------
    The :class:`Candidate` with its score and evidence (ids ordered). Records in different
    countries score 0 unless name and city are equal (then the country is likely wrong).

    Examples
    --------
    >>> c = score_pair(DedupeRecord("x", "Arcam AB", "SE"), DedupeRecord("y", "ARCAM", "SE"))
    >>> c.score, c.evidence[0]
    (0.96, 'names equal after removing legal form')
    """
    config = config or DedupeConfig()
    first, second = sorted((a, b), key=lambda r: r.id)
    score, evidence = _score(_prepare(first), _prepare(second), {})
    return Candidate(first.id, second.id, score, tuple(evidence), score >= config.threshold)


def find_candidates(
    records: Iterable[DedupeRecord], config: DedupeConfig | None = None
) -> list[Candidate]:
    """Candidate duplicate pairs among ``records``, best first.

    Parameters
    ----------
    records: records with unique ids.
    config: thresholds; the defaults of :class:`DedupeConfig` if ``None``.

    Returns
    -------
    Candidates scoring at least ``config.min_score``, sorted by score (descending) then ids;
    ``duplicate`` is set for those at or above ``config.threshold``.

    Raises
    ------
    DedupeError: two records share an id.
    """
    config = config or DedupeConfig()
    prepared = [_prepare(r) for r in records]
    ids = [p.record.id for p in prepared]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        twice = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise DedupeError(f"record ids must be unique; repeated: {', '.join(twice[:5])}")
    weights = _idf(prepared)
    found: list[Candidate] = []
    for i, j in _candidate_pairs(prepared, config):
        x, y = prepared[i], prepared[j]
        if x.record.id > y.record.id:
            x, y = y, x
        score, evidence = _score(x, y, weights)
        if score >= config.min_score:
            found.append(
                Candidate(
                    x.record.id, y.record.id, score, tuple(evidence), score >= config.threshold
                )
            )
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found
