"""Hypothesis properties: any text normalises without error into in-bounds, non-overlapping
spans with confidences in [0, 1]."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.normalise import Normalisation, default_normaliser
from matchmaker.taxonomy import default_taxonomy

FRAGMENTS = [
    "Ti-6Al-4V", "HIP", "CT", "SLM", "L-PBF", "1.4404", "Inconnel", "Wärmebehandlung", "ß",
    "Edelstahlpulver", "Titan", "fabricație", "EOS M290", "Grade 5", "718", "Al", "Cu", "µm",
    "400 W", "metal AM", "powder bed", "fusion", "laser", "İ", "ŉ", "ﬁ", "Œ", "™", "–", "/",
    ".", ",", "(", ")", " ", "  ", "\n", "-", "'", "3D", "Druck", "am", "x",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=30).map(" ".join),
)


def check(text: str, result: Normalisation) -> None:
    tax = default_taxonomy()
    spans = [(m.span[0], m.span[1]) for m in result.mentions]
    spans += [(u.start, u.end) for u in result.unmatched]
    spans.sort()
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start
    for m in result.mentions:
        assert 0.0 <= m.confidence <= 1.0
        assert text[m.span[0] : m.span[1]] == m.text
        assert m.concept in tax
    for u in result.unmatched:
        assert text[u.start : u.end] == u.text
    assert {m.concept for m in result.matches} <= {m.concept for m in result.mentions}
    assert len({m.concept for m in result.matches}) == len(result.matches)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_any_text_gives_consistent_spans(text: str) -> None:
    check(text, default_normaliser().normalise(text))


@settings(max_examples=100, deadline=None)
@given(texts, st.lists(st.one_of(st.sampled_from(["mat.ti.ti64", "app.aero"]), texts), max_size=3))
def test_context_never_breaks_the_result(text: str, context: list[str]) -> None:
    result = default_normaliser().normalise(text, context=context)
    check(text, result)
    plain = default_normaliser().normalise(text)
    assert [m.span for m in result.mentions] == [m.span for m in plain.mentions]
    assert [u.text for u in result.unmatched] == [u.text for u in plain.unmatched]
