"""Hierarchy expansion of query concepts: which concepts match a query concept, and how."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from graph.search_types import Relation
from matchmaker.search.ranking import Target


def _walk(start: str, edges: Mapping[str, Sequence[str]], max_hops: int) -> dict[str, int]:
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] >= max_hops:
            continue
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    del seen[start]
    return seen


def expand(
    query_ids: Iterable[str],
    parents: Mapping[str, Sequence[str]],
    *,
    broader_hops: int = 1,
) -> dict[str, dict[str, Target]]:
    """For each known query concept: itself (exact), every descendant (narrower, with the
    shortest distance) and ancestors up to ``broader_hops`` levels (broader).

    Parameters
    ----------
    query_ids
        Query concept ids; ids absent from ``parents`` are skipped.
    parents
        Every concept id mapped to its broader concept ids.

    Examples
    --------
    >>> tree = {"p": [], "p.a": ["p"], "p.a.x": ["p.a"]}
    >>> expand(["p.a"], tree)["p.a"]
    {'p.a': (<Relation.EXACT: 'exact'>, 0), 'p.a.x': (<Relation.NARROWER: 'narrower'>, 1), \
'p': (<Relation.BROADER: 'broader'>, 1)}
    """
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(child)
    result: dict[str, dict[str, Target]] = {}
    for q in query_ids:
        if q not in parents or q in result:
            continue
        targets: dict[str, Target] = {q: (Relation.EXACT, 0)}
        for c, hops in _walk(q, children, 1_000).items():
            targets[c] = (Relation.NARROWER, hops)
        for c, hops in _walk(q, parents, broader_hops).items():
            targets.setdefault(c, (Relation.BROADER, hops))
        result[q] = targets
    return result


def closure(concept_ids: Iterable[str], parents: Mapping[str, Sequence[str]]) -> set[str]:
    """The concepts and all their descendants (ids absent from ``parents`` are kept as is)."""
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(child)
    result: set[str] = set()
    for c in concept_ids:
        result.add(c)
        result.update(_walk(c, children, 1_000))
    return result
