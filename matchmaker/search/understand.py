"""Query understanding: free text -> concepts (with the alias that matched), places and words.

Places (countries, NUTS regions) are recognised first and become region filters; the rest goes
through the taxonomy normaliser; words that map to no concept (minus filler words) are searched
as free text in names and descriptions. :meth:`Understanding.summary` says all of it in one line,
so the user sees what was searched.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from matchmaker.normalise import Normaliser
from matchmaker.search.places import find_places
from matchmaker.search.text import tokens_with_spans

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "or",
        "the",
        "of",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "to",
        "from",
        "any",
        "all",
        "who",
        "which",
        "what",
        "is",
        "are",
        "und",
        "oder",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "mit",
        "von",
        "im",
        "fur",
        "auf",
        "bei",
        "zu",
        "ein",
        "eine",
        "et",
        "ou",
        "le",
        "la",
        "les",
        "du",
        "de",
        "en",
        "pour",
        "avec",
        "dans",
        "un",
        "une",
        "e",
        "o",
        "il",
        "lo",
        "gli",
        "di",
        "da",
        "del",
        "della",
        "per",
        "con",
        "nel",
        "nella",
        "y",
        "el",
        "los",
        "las",
        "para",
        "por",
        "het",
        "een",
        "van",
        "voor",
        "met",
        "op",
        "te",
        "och",
        "i",
        "pa",
        "med",
        "av",
        "ett",
        "og",
        "til",
        "af",
        "si",
        "sau",
        "cu",
        "din",
        "pentru",
        "pe",
        "es",
        "vagy",
        "az",
        "egy",
        "nebo",
        "v",
        "ve",
        "na",
        "pro",
        "s",
        "z",
        "companies",
        "company",
        "firms",
        "partners",
        "partner",
        "actors",
        "actor",
    }
)
"""Filler words of the partner languages (folded), never searched as text."""


class UnderstoodConcept(BaseModel):
    """A concept found in the query: from which words and through which alias."""

    model_config = ConfigDict(extra="forbid")

    concept: str
    label: str
    facet: str
    text: str
    alias: str
    confidence: float
    ambiguous: bool = False
    start: int
    end: int

    @property
    def weight(self) -> int:
        """Weight (percent) of the concept in the ranking."""
        return max(1, min(100, round(self.confidence * 100)))


class UnderstoodPlace(BaseModel):
    """A place found in the query; it filters by these NUTS codes / countries."""

    model_config = ConfigDict(extra="forbid")

    codes: list[str]
    text: str
    start: int
    end: int


class Understanding(BaseModel):
    """What the engine made of a query text."""

    model_config = ConfigDict(extra="forbid")

    text: str
    concepts: list[UnderstoodConcept] = Field(default_factory=list)
    places: list[UnderstoodPlace] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list, description="searched as free text")
    ignored: list[str] = Field(default_factory=list, description="filler words")

    def summary(self, unmatched_terms: frozenset[str] = frozenset()) -> str:
        """One line: ``understood: process L-PBF (from 'SLM'); place AT (from 'Austria');
        as text: 'fotec'; not understood: 'asap'``.

        ``unmatched_terms`` are text terms that matched nothing at all.
        """
        parts: list[str] = []
        understood = [
            f"{c.facet.replace('_', ' ')} {c.label} (from '{c.text}'"
            + (f" via '{c.alias}'" if c.alias and c.alias.casefold() != c.text.casefold() else "")
            + (", ambiguous" if c.ambiguous else "")
            + ")"
            for c in self.concepts
        ]
        understood += [f"place {', '.join(p.codes)} (from '{p.text}')" for p in self.places]
        if understood:
            parts.append("understood: " + ", ".join(understood))
        text = [t for t in self.terms if t not in unmatched_terms]
        if text:
            parts.append("as text: " + ", ".join(f"'{t}'" for t in text))
        missing = [t for t in self.terms if t in unmatched_terms]
        if missing:
            parts.append("not understood: " + ", ".join(f"'{t}'" for t in missing))
        return "; ".join(parts) if parts else "empty query: every actor passing the filters"


def understand(
    text: str,
    normaliser: Normaliser,
    labels: Mapping[str, tuple[str, str]],
) -> Understanding:
    """Understand a query text.

    Parameters
    ----------
    text
        What the user typed, in any partner-region language.
    normaliser
        The taxonomy normaliser (``matchmaker.normalise.default_normaliser()``).
    labels
        ``concept id -> (label, facet)`` of the store's taxonomy; concepts the store does not
        know are dropped.

    Returns
    -------
    Understanding
        Concepts (one per concept, the most confident reading), places, text terms and ignored
        filler words, in the order they appear.
    """
    places = find_places(text)
    masked = list(text)
    for place in places:
        masked[place.start : place.end] = " " * (place.end - place.start)
    rest = "".join(masked)
    result = normaliser.normalise(rest)
    concepts: dict[str, UnderstoodConcept] = {}
    for match in result.matches:
        if match.concept not in labels:
            continue
        start, end = match.span
        found = UnderstoodConcept(
            concept=match.concept,
            label=labels[match.concept][0],
            facet=labels[match.concept][1],
            text=text[start:end],
            alias=match.alias,
            confidence=match.confidence,
            ambiguous=match.ambiguous,
            start=start,
            end=end,
        )
        old = concepts.get(match.concept)
        if old is None or found.confidence > old.confidence:
            concepts[match.concept] = found
    terms: list[str] = []
    ignored: list[str] = []
    for span in result.unmatched:
        for token, _, _ in tokens_with_spans(span.text):
            (ignored if token in STOPWORDS else terms).append(token)
    return Understanding(
        text=text,
        concepts=sorted(concepts.values(), key=lambda c: (c.start, c.concept)),
        places=[
            UnderstoodPlace(codes=list(p.codes), text=p.text, start=p.start, end=p.end)
            for p in places
        ],
        terms=list(dict.fromkeys(terms)),
        ignored=list(dict.fromkeys(ignored)),
    )
