"""Shared helpers for import tests: a memory store with the taxonomy, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.memory import MemoryStore
from graph.taxonomy_loader import load_taxonomy_into

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

PROJECT_HEADER = (
    "id,name,kind,region,country,city,website,description,competences,offers,requests,"
    "memberships,affiliation,aliases\n"
)


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    load_taxonomy_into(s)
    return s
