"""Tokens and typo-tolerant term matching, shared by both stores so text hits are identical.

Folding: each character is reduced to its base letters (``é`` -> ``e``, ``ß`` -> ``ss``) and
case-folded; tokens are runs of letters and digits (an apostrophe between letters joins, as in
Lucene's standard tokenizer). A term matches a token within :func:`max_edits` edits, counting a
swap of two neighbours as one edit (optimal string alignment, like Lucene's fuzzy query).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents.

    Examples
    --------
    >>> fold("Laserstrahlschmelzen FÜR Métal")
    'laserstrahlschmelzen fur metal'
    """
    return "".join(_fold_char(c) for c in text)


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens of ``text`` with their ``[start, end)`` offsets in the original text.

    Examples
    --------
    >>> tokens_with_spans("Ti-6Al-4V Gießerei")
    [('ti', 0, 2), ('6al', 3, 6), ('4v', 7, 9), ('giesserei', 10, 18)]
    """
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for f in _fold_char(char):
            folded.append(f)
            origin.append(i)
    joined = "".join(folded)
    result: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(joined):
        token = m.group().replace("’", "'")
        result.append((token, origin[m.start()], origin[m.end() - 1] + 1))
    return result


def tokens(text: str) -> list[str]:
    """Folded tokens of ``text`` (see :func:`tokens_with_spans`)."""
    return [t for t, _, _ in tokens_with_spans(text)]


def max_edits(term: str) -> int:
    """Edits tolerated for a term: none up to 3 characters, one up to 7, two from 8."""
    if len(term) <= 3:
        return 0
    return 1 if len(term) <= 7 else 2


def edits_between(term: str, token: str) -> int | None:
    """Edits from ``term`` to ``token`` if within :func:`max_edits`, else ``None``.

    Examples
    --------
    >>> edits_between("fraunhofer", "fraunhoffer"), edits_between("ilt", "ilm")
    (1, None)
    """
    limit = max_edits(term)
    if limit == 0:
        return 0 if term == token else None
    d = OSA.distance(term, token, score_cutoff=limit)
    return d if d <= limit else None
