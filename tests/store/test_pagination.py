"""Keyset pagination: stable id order, cursors, totals and limit bounds."""

from __future__ import annotations

import pytest

from graph.protocol import ActorQuery, GraphStore
from matchmaker.errors import ValidationFailed
from tests.store import sample


def _all_pages(store: GraphStore, limit: int, query: ActorQuery | None = None) -> list[list[str]]:
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = store.list_actors(query, limit=limit, after=after)
        pages.append([a.id for a in page.items])
        if page.next_after is None:
            return pages
        assert page.next_after == page.items[-1].id
        after = page.next_after


@pytest.mark.parametrize("limit", [1, 2, 4, 8, 9, 50])
def test_pages_cover_every_actor_once_in_order(loaded: GraphStore, limit: int) -> None:
    pages = _all_pages(loaded, limit)
    flat = [i for page in pages for i in page]
    assert flat == sample.ACTOR_IDS
    assert all(len(p) == limit for p in pages[:-1])
    assert 1 <= len(pages[-1]) <= limit


def test_total_counts_all_matches_not_the_page(loaded: GraphStore) -> None:
    page = loaded.list_actors(limit=2)
    assert page.total == len(sample.ACTOR_IDS)
    assert page.next_after == "cl-am-austria"
    later = loaded.list_actors(limit=2, after=page.next_after)
    assert later.total == len(sample.ACTOR_IDS)
    assert [a.id for a in later.items] == ["cl-bavaria", "ded-works"]


def test_last_page_has_no_cursor(loaded: GraphStore) -> None:
    page = loaded.list_actors(limit=len(sample.ACTOR_IDS))
    assert page.next_after is None
    assert loaded.list_actors(after="zzz").items == []


def test_cursor_need_not_be_a_stored_id(loaded: GraphStore) -> None:
    page = loaded.list_actors(limit=3, after="d")
    assert [a.id for a in page.items] == ["ded-works", "expert-anna", "fraunhofer-x"]


def test_filtered_pagination(loaded: GraphStore) -> None:
    query = ActorQuery(countries=["AT"])
    pages = _all_pages(loaded, 2, query)
    assert pages == [
        ["acme-additive", "cl-am-austria"],
        ["expert-anna", "styria-region"],
        ["tu-graz"],
    ]
    assert loaded.list_actors(query, limit=2).total == 5


def test_pages_are_stable_under_concurrent_inserts(loaded: GraphStore) -> None:
    first = loaded.list_actors(limit=3)
    loaded.upsert_actors([sample.actor("aaa-early"), sample.actor("zzz-late")])
    second = loaded.list_actors(limit=3, after=first.next_after)
    assert [a.id for a in second.items] == ["ded-works", "expert-anna", "fraunhofer-x"]
    assert second.total == len(sample.ACTOR_IDS) + 2


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_limit_out_of_bounds_is_rejected(loaded: GraphStore, limit: int) -> None:
    with pytest.raises(ValidationFailed, match="limit"):
        loaded.list_actors(limit=limit)


def test_limit_bounds_are_inclusive(loaded: GraphStore) -> None:
    assert len(loaded.list_actors(limit=1).items) == 1
    assert len(loaded.list_actors(limit=1000).items) == len(sample.ACTOR_IDS)


def test_many_actors_in_bulk_batches_page_in_order(loaded: GraphStore) -> None:
    bulk = [sample.actor(f"bulk-{i:03d}", region="SE11") for i in range(150, 0, -1)]
    bulk += [sample.actor(f"a-{i:03d}", region="FR10") for i in range(80)]
    assert len(loaded.upsert_actors(bulk).created) == 230
    doomed = [f"bulk-{i:03d}" for i in range(1, 151, 2)] + [f"a-{i:03d}" for i in range(0, 80, 3)]
    assert loaded.delete_actors(doomed) == len(doomed)
    expected = sorted({*sample.ACTOR_IDS, *(a.id for a in bulk)} - set(doomed))
    flat = [i for page in _all_pages(loaded, 7) for i in page]
    assert flat == expected
    assert loaded.list_actors(ActorQuery(countries=["SE"]), limit=1).total == 75
