"""Maps free text (profiles, offers, requests; 11 European languages) to taxonomy concepts.

How it works (see ``docs/taxonomy.md`` for the full rules):

1. **Folding.** Text and aliases are folded the same way: NFKD, combining marks dropped,
   casefolded, ``ß``/``ø``/``æ``/``ł``/``đ``/``œ`` spelled out, ``®``/``™`` dropped. Tokens are
   runs of letters and digits; every folded character remembers its position in the original
   text, so every span indexes the *original* string.
2. **Exact aliases first.** Each alias is indexed by its *compact key*: its folded tokens joined
   without separators, so ``Ti-6Al-4V`` = ``Ti6Al4V`` = ``ti 6al 4v`` and ``PBF-LB/M`` =
   ``pbf lb m``. Token n-grams are joined across spaces, hyphens, slashes, ``+``, ``&``,
   ``|``, apostrophes and a dot between digits (``1.4404``), never across other punctuation.
3. **Fuzzy second** (rapidfuzz), only for n-grams whose compact form has at least
   :data:`MIN_FUZZY_CHARS` characters, against aliases of the same token count:
   ``fuzz.ratio`` for one token (typos: *Inconnel*, *titanum*, *Laserstrahlschmelzn*),
   ``fuzz.token_sort_ratio`` for several (typos plus word order: *fusion laser powder bed*).
   Digits must agree exactly (``IN718`` never fuzzes into ``IN738``); short acronyms, ambiguous
   and case-sensitive aliases are exact-only.
4. **Compounds** (German, Dutch, Nordic, Hungarian): a long unmatched token is split into known
   aliases of at least five letters plus optional linking ``s``/``n``/``e``/``en``/``es``/``er``
   (*Titanbauteile*, *Edelstahlpulver*); the rest is reported unmatched.
5. **Selection:** greedy, longest (most tokens) first, then most confident, then leftmost;
   matches never overlap.

Case: an alias of at most three characters that contains a capital (``HIP``, ``CT``, ``AM``,
``Cu``) or an ambiguous alias with a capital (``LENS``, ``ADAM``) matches only when the text
writes it the same way or in capitals; two-letter element symbols (``Al``, ``Ti``) do not
match as the first word of a sentence.

Confidence: exact alias 1.0; fuzzy ``0.9 * score / 100``; compound part 0.75. An *ambiguous*
alias (``HIP``, ``CT``, ``SLS``, ``LMD``, ``EBM``, ``718``...) gets 0.8 if the text or the
``context`` has AM context, otherwise 0.3. AM context is any other non-ambiguous match with
confidence >= 0.7 in the process, material or feedstock facets or under ``vc.post``
(post-processing), ``vc.repair``, ``vc.materials`` or ``vc.monitoring``; a ``context`` item is
either such a concept id or text normalised the same way. So "HIP of Ti64 parts" is confident,
"HIP replacement" is not.

Example:
    >>> n = default_normaliser().normalise("Wir fertigen Bauteile aus Ti64 auf zwei EOS M290")
    >>> [(m.concept, m.text) for m in n.matches]
    [('mat.ti.ti64', 'Ti64'), ('proc.pbf.lb_m', 'EOS M290')]
    >>> [u.text for u in n.unmatched]
    ['fertigen Bauteile']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from matchmaker.models import Facet
from matchmaker.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "MIN_FUZZY_CHARS",
    "ConceptMatch",
    "Normalisation",
    "Normaliser",
    "TextSpan",
    "default_normaliser",
    "fold",
]

MIN_FUZZY_CHARS = 6
FUZZY_CUTOFF = 88.0
MIN_COMPOUND_PART = 5
MIN_COMPOUND_TOKEN = 8
EXACT, FUZZY, COMPOUND = "exact", "fuzzy", "compound"
CONFIDENT = 0.5
AMBIGUOUS_WITH_CONTEXT = 0.8
AMBIGUOUS_WITHOUT_CONTEXT = 0.3
COMPOUND_CONFIDENCE = 0.75
CONTEXT_MIN_CONFIDENCE = 0.7
CONTEXT_FACETS = frozenset({Facet.PROCESS, Facet.MATERIAL, Facet.FEEDSTOCK})
CONTEXT_SUBTREES = ("vc.post", "vc.repair", "vc.materials", "vc.monitoring")
LINKERS = frozenset({"s", "n", "e", "en", "es", "er"})

_SPELLED = {"ß": "ss", "ø": "o", "æ": "ae", "ł": "l", "đ": "d", "œ": "oe", "ı": "i", "ŀ": "l"}
_DROPPED = frozenset("®™©℠")
_TOKEN = re.compile(r"[^\W_]+")
_JOIN_GAP = re.compile(r"[\s\-\u2010-\u2015\u2212/+&|'`´’·]*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|^\s*$")

# Function words of the supported languages, folded (no diacritics). Not reported as unmatched.
_STOP_TEXT = """
a an the and or of in on at to for from by with without as is are was were be been being it its
this that these those we our us you your they their them he she his her which who whom whose what
also such other more most very can could will would shall should may might must do does did has
have had not no nor but if then than so into onto over under up out about between among per via
within across through during before after both each all any some own same only just well both
including e g i eg ie etc one two three four five six ten several many new since until while
der die das den dem des ein eine einen einem einer eines und oder im mit von vom zu zum zur fur
auf an am aus bei nach uber unter wir sie es ist sind wird werden wurde auch als sowie bis durch
unsere unser unseren unserer unserem ihre ihr ihren sich nicht wie so z b bzw usw sowohl zwei drei
vier funf dieser diese dieses jeder jede alle sehr mehr noch nur um gegen ohne seit ab zwischen
le la les l un une des du de d et ou en dans par pour sur avec au aux ce cet cette ces est sont
nous vous notre nos qui que qu se sa son ses leur leurs ne pas plus y il elle ils elles etre ete
comme ainsi egalement entre sans sous chez tout tous toute toutes deux trois depuis
il lo gli i un uno una di del della dei degli delle dello dell e ed o nel nella nei nelle nell con
su sul sulla sui da dal dalla dai a al alla ai all agli che sono noi nostro nostra nostri nostre
ci si non come anche tra fra questo questa questi queste quello quella per due tre
el los las unos unas y u por para que es son su sus nuestro nuestra nuestros nuestras lo le les
como tambien sin sobre desde hasta muy mas este esta estos estas ese esa esos esas dos
si sau in din de la cu pe pentru prin spre al ale ai o unei unui niste care ce este sunt noi
nostru noastra nostri noastre sa nu mai ca dintre intre fara dupa acest aceasta aceste acestea
cel cea cei cele doua trei
az es egy is hogy nem van vagy meg mint mar csak el ki be fel le altal valamint illetve mas
minden ez azt ezt ket harom ota
v ve na s se z ze k ke u do od pro pri po za je jsou i nebo ze ktery ktera ktere jako take by to
tak jeho jeji dva tri
og af at til med pa for er et den det de som fra vi har kan om eller ved der hos samt vores
to tre siden
och av att till med pa for ar ett fran inom var vara oss tva sedan
het een en van op met voor te aan door bij uit om als zijn wij we ons onze of tot naar die dat
dit deze ook worden wordt twee drie sinds
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_UNIT_TEXT = """
mm cm m km um μm nm kg g t w kw mw kwh h min s hz khz mhz bar mbar pa kpa mpa gpa l ml c k x
mm2 mm3 cm2 cm3 m2 m3 ppm pcs stk stuck
"""
UNITS = frozenset(_UNIT_TEXT.split())


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A piece of the original text: ``text == original[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """One mention of a concept in the text.

    ``span`` indexes the original text; ``alias`` is the taxonomy surface form that matched;
    ``method`` is ``"exact"``, ``"fuzzy"`` or ``"compound"``; ``ambiguous`` says the alias is
    flagged ambiguous (its confidence then reflects the AM context rule).
    """

    concept: str
    confidence: float
    span: tuple[int, int]
    text: str
    alias: str
    ambiguous: bool
    method: str


@dataclass(frozen=True, slots=True)
class Normalisation:
    """The result of :meth:`Normaliser.normalise`.

    ``matches``: one entry per concept (its best mention), most confident first, without a
    broader concept when a more specific match of at least the same confidence implies it.
    ``mentions``: every match in text order. ``unmatched``: text that is neither a mention nor
    a stop word, punctuation or a bare number (runs of adjacent words are merged).
    """

    text: str
    matches: list[ConceptMatch] = field(default_factory=list)
    mentions: list[ConceptMatch] = field(default_factory=list)
    unmatched: list[TextSpan] = field(default_factory=list)

    def concept_ids(self, min_confidence: float = CONFIDENT) -> list[str]:
        """Ids of ``matches`` with at least this confidence, in rank order."""
        return [m.concept for m in self.matches if m.confidence >= min_confidence]


@dataclass(frozen=True, slots=True)
class _Alias:
    concept: str
    alias: str
    ambiguous: bool
    cased: str | None
    """The alias's compact form with its original case, if it must match case-sensitively."""


@dataclass(slots=True)
class _Token:
    norm: str
    fstart: int
    fend: int
    start: int
    end: int
    joins_previous: bool
    sentence_start: bool
    stop: bool
    number: bool


@dataclass(frozen=True, slots=True)
class _Candidate:
    first: int
    last: int
    concept: str
    confidence: float
    alias: str
    ambiguous: bool
    method: str
    cut: tuple[int, int] | None = None
    """Folded character range inside a single token (compound parts)."""


@cache
def _fold_char(ch: str) -> str:
    if ch in _DROPPED:
        return ""
    low = ch.casefold()
    spelled = "".join(_SPELLED.get(c, c) for c in low)
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching and map each folded character to its original index.

    Example:
        >>> fold("Wärme™-Behandlung")[0]
        'warme-behandlung'
    """
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        folded = ch.lower() if ch.isascii() else _fold_char(ch)
        out.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(out), offsets


def _compact_tokens(alias: str) -> list[str]:
    return _TOKEN.findall(fold(alias)[0])


def _cased_compact(alias: str) -> str:
    return "".join(_TOKEN.findall(alias))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class Normaliser:
    """Maps text to concepts of ``taxonomy``; build once (indexes), call :meth:`normalise`
    many times. Thread-safe for reading; the fuzzy cache is a plain dict.

    Parameters:
        taxonomy: the concepts and aliases to recognise.
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._exact: dict[str, list[_Alias]] = {}
        self._prefixes: set[str] = set()
        self._max_key = 0
        one: dict[tuple[str, int], list[str]] = {}
        self._one_owner: dict[str, _Alias] = {}
        self._multi: dict[int, list[tuple[str, _Alias]]] = {}
        self._multi_tokens: dict[int, dict[str, list[int]]] = {}
        self._compound: dict[str, _Alias] = {}
        for concept in taxonomy.concepts:
            forms: dict[str, list[str]] = {}
            for alias in concept.all_aliases():
                forms.setdefault("".join(_compact_tokens(alias)), []).append(alias)
            ambiguous = {"".join(_compact_tokens(a)): a for a in concept.ambiguous}
            for key, aliases in forms.items():
                if not key:
                    continue
                alias = ambiguous.get(key, aliases[0])
                tokens = _compact_tokens(alias)
                is_ambiguous = key in ambiguous
                cased_form = _cased_compact(alias)
                lower_form = any(a == a.lower() for a in aliases) and not is_ambiguous
                has_capital = any(ch.isupper() for ch in cased_form)
                case_sensitive = has_capital and not lower_form and (len(key) <= 3 or is_ambiguous)
                entry = _Alias(
                    concept.id, alias, is_ambiguous, cased_form if case_sensitive else None
                )
                bucket = self._exact.setdefault(key, [])
                if all(e.concept != concept.id for e in bucket):
                    bucket.append(entry)
                self._max_key = max(self._max_key, len(key))
                for end in range(1, len(key) + 1):
                    self._prefixes.add(key[:end])
                if is_ambiguous or case_sensitive:
                    continue
                if len(tokens) == 1 and key.isalpha() and len(key) >= MIN_COMPOUND_PART:
                    self._compound.setdefault(key, entry)
                if len(key) < MIN_FUZZY_CHARS:
                    continue
                if len(tokens) == 1:
                    one.setdefault((key[0], len(key)), []).append(key)
                    self._one_owner.setdefault(key, entry)
                else:
                    spaced = " ".join(tokens)
                    items = self._multi.setdefault(len(tokens), [])
                    position = len(items)
                    items.append((spaced, entry))
                    per_token = self._multi_tokens.setdefault(len(tokens), {})
                    for token in set(tokens):
                        per_token.setdefault(token, []).append(position)
        self._one_by_start_len = one
        self._max_tokens = max((n for n in self._multi), default=1) + 2
        self._max_compound = max((len(k) for k in self._compound), default=0)
        self._fuzzy_cache: dict[tuple[str, ...], tuple[_Alias, float] | None] = {}
        post = [c for root in CONTEXT_SUBTREES if root in taxonomy for c in (root,)]
        self._context_concepts = frozenset(
            {c.id for c in taxonomy.concepts if c.facet in CONTEXT_FACETS}
            | set(post)
            | {d for root in post for d in taxonomy.descendants(root)}
        )

    def normalise(self, text: str, *, context: Iterable[str] = ()) -> Normalisation:
        """Find the concepts mentioned in ``text``.

        Parameters:
            text: free text in any supported language.
            context: concept ids or short texts that describe the situation (e.g. the actor's
                other competences); only used to decide whether ambiguous aliases are meant
                in the AM sense.

        Returns:
            A :class:`Normalisation` with ranked matches, all mentions and the unmatched text.

        Example:
            >>> n = default_normaliser().normalise("HIP replacement")
            >>> [(m.concept, m.confidence) for m in n.mentions]
            [('vc.post.hip', 0.3)]
            >>> n.concept_ids()
            []
            >>> default_normaliser().normalise("HIP", context=["mat.ti.ti64"]).concept_ids()
            ['vc.post.hip']
        """
        tokens = self._tokenise(text)
        chosen = self._select(tokens, self._multi_token_candidates(text, tokens))
        taken = [False] * len(tokens)
        for cand in chosen:
            for i in range(cand.first, cand.last + 1):
                taken[i] = True
        extra: list[_Candidate] = []
        for i, tok in enumerate(tokens):
            if taken[i] or tok.stop or tok.number:
                continue
            single = self._fuzzy_one(i, tok)
            if single is not None:
                extra.append(single)
                taken[i] = True
            elif len(tok.norm) >= MIN_COMPOUND_TOKEN and tok.norm.isalpha():
                extra.extend(self._compound_parts(i, tok))
        chosen.extend(extra)
        has_context = self._has_context(chosen) or self._context_given(context)
        mentions = sorted(
            (self._mention(text, tokens, c, has_context) for c in chosen),
            key=lambda m: m.span,
        )
        unmatched = self._unmatched(text, tokens, chosen)
        return Normalisation(
            text=text, matches=self._rank(mentions), mentions=mentions, unmatched=unmatched
        )

    def _tokenise(self, text: str) -> list[_Token]:
        folded, offsets = fold(text)
        tokens: list[_Token] = []
        previous_end = 0
        for m in _TOKEN.finditer(folded):
            gap = folded[previous_end : m.start()]
            if gap == " ":
                joins, sentence_start = bool(tokens), not tokens
            else:
                joins = bool(tokens) and (
                    _JOIN_GAP.fullmatch(gap) is not None
                    or (gap == "." and tokens[-1].norm[-1].isdigit() and m.group()[0].isdigit())
                )
                sentence_start = not tokens or _SENTENCE_END.search(gap) is not None
            norm = m.group()
            tokens.append(
                _Token(
                    norm=norm,
                    fstart=m.start(),
                    fend=m.end(),
                    start=offsets[m.start()],
                    end=offsets[m.end() - 1] + 1,
                    joins_previous=joins,
                    sentence_start=sentence_start,
                    stop=norm in STOP_WORDS,
                    number=norm.isdigit(),
                )
            )
            previous_end = m.end()
        return tokens

    def _multi_token_candidates(self, text: str, tokens: Sequence[_Token]) -> list[_Candidate]:
        found: list[_Candidate] = []
        n = len(tokens)
        for i in range(n):
            key = ""
            for j in range(i, min(n, i + self._max_tokens + 6)):
                if j > i and not tokens[j].joins_previous:
                    break
                key += tokens[j].norm
                if key not in self._prefixes:
                    break
                for entry in self._exact.get(key, ()):
                    if _case_ok(entry, text, tokens, i, j):
                        found.append(
                            _Candidate(
                                i, j, entry.concept, 1.0, entry.alias, entry.ambiguous, EXACT
                            )
                        )
        run_start = list(range(n))
        for k in range(1, n):
            if tokens[k].joins_previous:
                run_start[k] = run_start[k - 1]
        edge = [t.stop or t.number for t in tokens]
        for size, per_token in self._multi_tokens.items():
            if size > n:
                continue
            known = [t.norm in per_token for t in tokens]
            for i in range(n - size + 1):
                j = i + size - 1
                if run_start[j] > i or edge[i] or edge[j]:
                    continue
                if sum(known[i : j + 1]) < size - 1:
                    continue
                hit = self._fuzzy_multi(tuple(t.norm for t in tokens[i : j + 1]))
                if hit is not None:
                    entry, score = hit
                    confidence = round(0.9 * score / 100, 3)
                    found.append(
                        _Candidate(i, j, entry.concept, confidence, entry.alias, False, FUZZY)
                    )
        return found

    def _fuzzy_multi(self, words: tuple[str, ...]) -> tuple[_Alias, float] | None:
        if words in self._fuzzy_cache:
            return self._fuzzy_cache[words]
        result: tuple[_Alias, float] | None = None
        compact = "".join(words)
        size = len(words)
        if len(compact) >= MIN_FUZZY_CHARS:
            per_token = self._multi_tokens[size]
            shared: Counter[int] = Counter()
            for word in set(words):
                shared.update(per_token.get(word, ()))
            items = self._multi[size]
            digits = _digits(compact)
            choices = {
                pos: items[pos][0]
                for pos, count in shared.items()
                if count >= size - 1 and _digits(items[pos][0]) == digits
            }
            if choices:
                best = process.extractOne(
                    " ".join(words),
                    choices,
                    scorer=fuzz.token_sort_ratio,
                    score_cutoff=FUZZY_CUTOFF,
                )
                if best is not None:
                    result = (items[best[2]][1], float(best[1]))
        self._remember((words, result))
        return result

    def _fuzzy_one(self, index: int, tok: _Token) -> _Candidate | None:
        word = tok.norm
        if len(word) < MIN_FUZZY_CHARS:
            return None
        key = (word,)
        if key in self._fuzzy_cache:
            hit = self._fuzzy_cache[key]
        else:
            hit = None
            low, high = int(len(word) * 0.78), int(len(word) / 0.78) + 1
            digits = _digits(word)
            choices = [
                alias
                for length in range(max(low, MIN_FUZZY_CHARS), high + 1)
                for alias in self._one_by_start_len.get((word[0], length), ())
                if _digits(alias) == digits
            ]
            if choices:
                best = process.extractOne(
                    word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                )
                if best is not None:
                    hit = (self._one_owner[best[0]], float(best[1]))
            self._remember((key, hit))
        if hit is None:
            return None
        entry, score = hit
        return _Candidate(
            index, index, entry.concept, round(0.9 * score / 100, 3), entry.alias, False, FUZZY
        )

    def _remember(self, item: tuple[tuple[str, ...], tuple[_Alias, float] | None]) -> None:
        if len(self._fuzzy_cache) > 100_000:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[item[0]] = item[1]

    def _compound_parts(self, index: int, tok: _Token) -> list[_Candidate]:
        word = tok.norm
        parts: list[tuple[int, int, _Alias]] = []
        position = 0
        while position < len(word) and (not parts or position <= parts[-1][1] + 2):
            piece = self._longest_piece(word, position)
            if piece is not None and (position == 0 or _glued(parts, position, word)):
                parts.append((position, piece[0], piece[1]))
                position = piece[0]
            elif not parts and position == 0:
                break
            else:
                position += 1
        tail_from = parts[-1][1] if parts else 0
        for length in range(min(self._max_compound, len(word) - 1), MIN_COMPOUND_PART - 1, -1):
            start = len(word) - length
            if start < tail_from:
                continue
            suffix = self._compound.get(word[start:])
            if suffix is not None:
                if start > tail_from or not parts:
                    parts.append((start, len(word), suffix))
                break
        if not parts or not _leftovers_ok(word, parts):
            return []
        return [
            _Candidate(
                index,
                index,
                entry.concept,
                COMPOUND_CONFIDENCE,
                entry.alias,
                False,
                COMPOUND,
                (start, end),
            )
            for start, end, entry in parts
        ]

    def _longest_piece(self, word: str, position: int) -> tuple[int, _Alias] | None:
        longest = min(self._max_compound, len(word) - position)
        for length in range(longest, MIN_COMPOUND_PART - 1, -1):
            entry = self._compound.get(word[position : position + length])
            if entry is not None:
                if length == len(word):
                    return None
                return position + length, entry
        return None

    @staticmethod
    def _select(tokens: Sequence[_Token], candidates: list[_Candidate]) -> list[_Candidate]:
        candidates.sort(key=lambda c: (-(c.last - c.first), -c.confidence, c.first, c.concept))
        taken = [False] * len(tokens)
        chosen: list[_Candidate] = []
        for cand in candidates:
            if any(taken[cand.first : cand.last + 1]):
                continue
            for i in range(cand.first, cand.last + 1):
                taken[i] = True
            chosen.append(cand)
        return chosen

    def _has_context(self, chosen: Iterable[_Candidate]) -> bool:
        return any(
            not c.ambiguous
            and c.confidence >= CONTEXT_MIN_CONFIDENCE
            and c.concept in self._context_concepts
            for c in chosen
        )

    def _context_given(self, context: Iterable[str]) -> bool:
        for item in context:
            if item in self.taxonomy:
                if item in self._context_concepts:
                    return True
                continue
            tokens = self._tokenise(item)
            chosen = self._select(tokens, self._multi_token_candidates(item, tokens))
            if self._has_context(chosen):
                return True
        return False

    def _mention(
        self, text: str, tokens: Sequence[_Token], cand: _Candidate, has_context: bool
    ) -> ConceptMatch:
        if cand.cut is None:
            start, end = tokens[cand.first].start, tokens[cand.last].end
        else:
            start, end = _sub_span(text, tokens[cand.first], cand.cut)
        confidence = cand.confidence
        if cand.ambiguous:
            confidence = AMBIGUOUS_WITH_CONTEXT if has_context else AMBIGUOUS_WITHOUT_CONTEXT
        return ConceptMatch(
            concept=cand.concept,
            confidence=confidence,
            span=(start, end),
            text=text[start:end],
            alias=cand.alias,
            ambiguous=cand.ambiguous,
            method=cand.method,
        )

    def _unmatched(
        self, text: str, tokens: Sequence[_Token], chosen: Sequence[_Candidate]
    ) -> list[TextSpan]:
        covered = [False] * len(tokens)
        partial: dict[int, list[tuple[int, int]]] = {}
        for cand in chosen:
            if cand.cut is None:
                for i in range(cand.first, cand.last + 1):
                    covered[i] = True
            else:
                partial.setdefault(cand.first, []).append(cand.cut)
        spans: list[tuple[int, int]] = []
        run: list[int] = []

        def flush() -> None:
            if run:
                spans.append((tokens[run[0]].start, tokens[run[-1]].end))
                run.clear()

        for i, tok in enumerate(tokens):
            if covered[i] or i in partial:
                flush()
                cuts = [] if covered[i] else partial[i]
                for lo, hi in _gaps(len(tok.norm), cuts) if cuts else ():
                    piece = tok.norm[lo:hi]
                    if len(piece) >= 3 and piece not in LINKERS:
                        spans.append(_sub_span(text, tok, (lo, hi)))
                continue
            reportable = not tok.stop and (
                not tok.number
                or (i + 1 < len(tokens) and tokens[i + 1].norm in UNITS and not covered[i + 1])
            )
            is_unit = (
                tok.norm in UNITS and bool(run) and tokens[run[-1]].number and i == run[-1] + 1
            )
            if not (reportable or is_unit):
                flush()
                continue
            if run and not tok.joins_previous:
                flush()
            run.append(i)
        flush()
        result: list[TextSpan] = []
        previous_end = 0
        for start, end in sorted(spans):
            start = max(start, previous_end)
            if start < end:
                result.append(TextSpan(start, end, text[start:end]))
                previous_end = end
        return result

    def _rank(self, mentions: Sequence[ConceptMatch]) -> list[ConceptMatch]:
        best: dict[str, ConceptMatch] = {}
        for m in mentions:
            if m.concept not in best or m.confidence > best[m.concept].confidence:
                best[m.concept] = m
        implied: set[str] = set()
        for m in best.values():
            for ancestor in self.taxonomy.ancestors(m.concept):
                if ancestor in best and best[ancestor].confidence <= m.confidence:
                    implied.add(ancestor)
        return sorted(
            (m for cid, m in best.items() if cid not in implied),
            key=lambda m: (-m.confidence, m.span, m.concept),
        )


def _case_ok(entry: _Alias, text: str, tokens: Sequence[_Token], i: int, j: int) -> bool:
    cased = entry.cased
    if cased is None:
        return True
    written = "".join(_TOKEN.findall(text[tokens[i].start : tokens[j].end]))
    if written not in (cased, cased.upper()):
        return False
    is_symbol = len(cased) <= 2 and cased[0].isupper() and cased[1:].islower()
    return not (is_symbol and tokens[i].sentence_start)


def _glued(parts: Sequence[tuple[int, int, _Alias]], position: int, word: str) -> bool:
    if not parts:
        return False
    gap = word[parts[-1][1] : position]
    return gap == "" or gap in LINKERS


def _leftovers_ok(word: str, parts: Sequence[tuple[int, int, _Alias]]) -> bool:
    for lo, hi in _gaps(len(word), [(s, e) for s, e, _ in parts]):
        piece = word[lo:hi]
        if piece not in LINKERS and len(piece) < 4:
            return False
    return True


def _gaps(length: int, cuts: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    position = 0
    for start, end in sorted(cuts):
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


def _sub_span(text: str, tok: _Token, cut: tuple[int, int]) -> tuple[int, int]:
    _, offsets = fold(text[tok.start : tok.end])
    lo, hi = cut
    start = tok.start + offsets[lo]
    end = tok.start + offsets[hi - 1] + 1
    return start, end


@cache
def default_normaliser() -> Normaliser:
    """A :class:`Normaliser` over :func:`~matchmaker.taxonomy.default_taxonomy`, built once."""
    return Normaliser(default_taxonomy())
