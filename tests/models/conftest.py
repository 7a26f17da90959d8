"""A minimal valid actor that tests modify one field at a time."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def actor_data() -> dict[str, Any]:
    return {
        "id": "lmi-wn",
        "name": "Lab for Manufacturing Innovation (fictional)",
        "kind": "research",
        "region": "AT12",
        "country": "AT",
    }
