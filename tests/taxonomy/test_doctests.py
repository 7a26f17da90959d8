"""The examples in the taxonomy and normaliser docstrings run."""

from __future__ import annotations

import doctest

import pytest

import matchmaker.normalise
import matchmaker.taxonomy


@pytest.mark.parametrize("module", [matchmaker.taxonomy, matchmaker.normalise])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
