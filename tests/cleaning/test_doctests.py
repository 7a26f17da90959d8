import doctest
from types import ModuleType

import pytest

import matchmaker.cleaning
import matchmaker.dedupe
import matchmaker.importing.cordis


@pytest.mark.parametrize(
    "module", [matchmaker.cleaning, matchmaker.dedupe, matchmaker.importing.cordis]
)
def test_docstring_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
