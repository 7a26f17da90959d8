"""The examples in the importing, provenance and merge docstrings run."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import matchmaker.importing.cells
import matchmaker.importing.formats
import matchmaker.importing.places
import matchmaker.importing.rows
import matchmaker.merge
import matchmaker.provenance

MODULES = [
    matchmaker.importing.cells,
    matchmaker.importing.formats,
    matchmaker.importing.places,
    matchmaker.importing.rows,
    matchmaker.merge,
    matchmaker.provenance,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
