"""The metal-AM taxonomy: a validated DAG of :class:`~matchmaker.models.Concept` nodes.

Five facets, one root each: ``am`` (process), ``mat.metal`` (material), ``fs`` (feedstock),
``vc`` (value chain) and ``app`` (sector). A concept may have several broader concepts
(``proc.pbf.metal`` sits below ``proc.pbf`` and ``proc.any_metal_am``); broader links never cross
facets. The packaged data lives in ``matchmaker/data/taxonomy.json`` (see ``docs/taxonomy.md``).

Example:
    >>> tax = default_taxonomy()
    >>> sorted(tax.parents("proc.pbf.lb_m"))
    ['proc.pbf.metal']
    >>> "am" in tax.ancestors("proc.pbf.lb_m")
    True
    >>> tax.hierarchy_similarity("mat.ti.ti64", "mat.ti.ti64")
    1.0
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from pydantic import ValidationError

from matchmaker.errors import TaxonomyError, UnknownConcept
from matchmaker.models import Concept, Facet

__all__ = ["Taxonomy", "default_taxonomy", "load_concepts"]


class Taxonomy:
    """An immutable, validated concept hierarchy with fast ancestor/descendant lookups.

    Parameters:
        concepts: the nodes; every ``broader`` id must be among them.

    Raises:
        TaxonomyError: on a duplicate id, an unknown broader concept (naming the concept), a
            broader link that crosses facets, or a cycle (naming the concepts on it).

    Example:
        >>> from matchmaker.models import Concept, Facet
        >>> t = Taxonomy([Concept(id="a", label="A", facet=Facet.PROCESS),
        ...               Concept(id="a.b", label="B", facet=Facet.PROCESS, broader=["a"])])
        >>> t.children("a"), t.depth("a.b")
        (frozenset({'a.b'}), 2)
    """

    def __init__(self, concepts: Iterable[Concept]) -> None:
        by_id: dict[str, Concept] = {}
        for concept in concepts:
            if concept.id in by_id:
                raise TaxonomyError(f"duplicate concept id '{concept.id}'")
            by_id[concept.id] = concept
        children: dict[str, set[str]] = {cid: set() for cid in by_id}
        for concept in by_id.values():
            for parent in concept.broader:
                if parent not in by_id:
                    raise TaxonomyError(
                        f"concept '{concept.id}' names unknown broader concept '{parent}'"
                    )
                if by_id[parent].facet is not concept.facet:
                    raise TaxonomyError(
                        f"concept '{concept.id}' ({concept.facet.value}) has broader concept "
                        f"'{parent}' of another facet ({by_id[parent].facet.value})"
                    )
                children[parent].add(concept.id)
        self._by_id = by_id
        self._children = {cid: frozenset(kids) for cid, kids in children.items()}
        self._order = _topological_order(by_id)
        self._ancestors: dict[str, frozenset[str]] = {}
        self._depth: dict[str, int] = {}
        for cid in self._order:
            parents = by_id[cid].broader
            above: set[str] = set()
            for parent in parents:
                above.add(parent)
                above |= self._ancestors[parent]
            self._ancestors[cid] = frozenset(above)
            self._depth[cid] = 1 + max((self._depth[p] for p in parents), default=0)
        descendants: dict[str, set[str]] = {cid: set() for cid in by_id}
        for cid, ancestors in self._ancestors.items():
            for ancestor in ancestors:
                descendants[ancestor].add(cid)
        self._descendants = {cid: frozenset(below) for cid, below in descendants.items()}
        self._sorted = tuple(by_id[cid] for cid in sorted(by_id))

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._sorted)

    def __repr__(self) -> str:
        return f"Taxonomy({len(self)} concepts, roots={list(self.roots)})"

    @property
    def concepts(self) -> tuple[Concept, ...]:
        """Every concept, sorted by id."""
        return self._sorted

    @property
    def roots(self) -> tuple[str, ...]:
        """Ids of the concepts without a broader concept, sorted."""
        return tuple(c.id for c in self._sorted if not c.broader)

    def get(self, concept_id: str) -> Concept:
        """The concept with this id.

        Raises:
            UnknownConcept: if the id is not in the taxonomy.
        """
        try:
            return self._by_id[concept_id]
        except KeyError:
            raise UnknownConcept(concept_id) from None

    def facet(self, concept_id: str) -> Facet:
        """The facet of a concept; raises ``UnknownConcept``."""
        return self.get(concept_id).facet

    def parents(self, concept_id: str) -> frozenset[str]:
        """Direct broader concepts; raises ``UnknownConcept``."""
        return frozenset(self.get(concept_id).broader)

    def children(self, concept_id: str) -> frozenset[str]:
        """Direct narrower concepts; raises ``UnknownConcept``."""
        self.get(concept_id)
        return self._children[concept_id]

    def ancestors(self, concept_id: str) -> frozenset[str]:
        """All broader concepts, transitively, excluding the concept itself."""
        self.get(concept_id)
        return self._ancestors[concept_id]

    def descendants(self, concept_id: str) -> frozenset[str]:
        """All narrower concepts, transitively, excluding the concept itself."""
        self.get(concept_id)
        return self._descendants[concept_id]

    def depth(self, concept_id: str) -> int:
        """Length of the longest broader chain up to a root, counting nodes: a root has depth 1.

        Using the longest chain makes every ancestor strictly shallower than its descendants,
        which keeps :meth:`hierarchy_similarity` within [0, 1] on a DAG.
        """
        self.get(concept_id)
        return self._depth[concept_id]

    def root_of(self, concept_id: str) -> frozenset[str]:
        """The roots above a concept (itself if it is a root)."""
        self.get(concept_id)
        found = {a for a in self._ancestors[concept_id] if not self._by_id[a].broader}
        return frozenset(found or {concept_id})

    def lowest_common_ancestors(self, a: str, b: str) -> frozenset[str]:
        """The deepest concepts that subsume both ``a`` and ``b`` (each counts as its own
        ancestor here); empty if they share no ancestor, e.g. across facets."""
        common = (self.ancestors(a) | {a}) & (self.ancestors(b) | {b})
        if not common:
            return frozenset()
        deepest = max(self._depth[c] for c in common)
        return frozenset(c for c in common if self._depth[c] == deepest)

    def hierarchy_similarity(self, a: str, b: str) -> float:
        """Wu-Palmer similarity on the DAG: ``2 * depth(lca) / (depth(a) + depth(b))``.

        ``lca`` is the deepest common subsumer (a concept subsumes itself), depths are
        :meth:`depth` (root = 1). The result is 1.0 for the same concept, 0.0 for concepts with no
        common ancestor (different facets) and strictly between otherwise; a parent and its
        child score higher than two siblings.

        Raises:
            UnknownConcept: if either id is unknown.

        Example:
            >>> tax = default_taxonomy()
            >>> round(tax.hierarchy_similarity("proc.pbf.lb_m", "proc.pbf.eb_m"), 3)
            0.75
            >>> tax.hierarchy_similarity("proc.pbf.lb_m", "mat.ti.ti64")
            0.0
        """
        lcas = self.lowest_common_ancestors(a, b)
        if not lcas:
            return 0.0
        deepest = self._depth[next(iter(lcas))]
        return 2.0 * deepest / (self._depth[a] + self._depth[b])

    def subsumes(self, broader: str, narrower: str) -> bool:
        """True if ``broader`` is ``narrower`` or one of its ancestors."""
        return broader == narrower or broader in self.ancestors(narrower)


def _topological_order(by_id: dict[str, Concept]) -> list[str]:
    """Parents before children; raises ``TaxonomyError`` naming the concepts on a cycle."""
    pending = {cid: len(c.broader) for cid, c in by_id.items()}
    children: dict[str, list[str]] = {cid: [] for cid in by_id}
    for cid, concept in by_id.items():
        for parent in concept.broader:
            children[parent].append(cid)
    ready = sorted(cid for cid, n in pending.items() if n == 0)
    order: list[str] = []
    while ready:
        cid = ready.pop()
        order.append(cid)
        for child in children[cid]:
            pending[child] -= 1
            if pending[child] == 0:
                ready.append(child)
    if len(order) != len(by_id):
        stuck = sorted(cid for cid, n in pending.items() if n > 0)
        raise TaxonomyError(f"broader links form a cycle through: {', '.join(stuck)}")
    return order


def load_concepts(text: str, *, where: str = "taxonomy") -> list[Concept]:
    """Parse taxonomy JSON (``{"concepts": [...]}`` or a bare list) into concepts.

    Raises:
        TaxonomyError: on invalid JSON or an invalid concept (naming its position and id).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaxonomyError(f"{where}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    rows = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise TaxonomyError(f"{where}: expected a list of concepts")
    concepts: list[Concept] = []
    for number, row in enumerate(rows, start=1):
        try:
            concepts.append(Concept.model_validate(row))
        except ValidationError as exc:
            ident = row.get("id", "?") if isinstance(row, dict) else "?"
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "concept"
            raise TaxonomyError(
                f"{where}: concept {number} ('{ident}'), field '{field}': {first['msg']}"
            ) from exc
    return concepts


@cache
def default_taxonomy() -> Taxonomy:
    """The packaged metal-AM taxonomy (``matchmaker/data/taxonomy.json``), loaded once."""
    text = resources.files("matchmaker.data").joinpath("taxonomy.json").read_text("utf-8")
    return Taxonomy(load_concepts(text, where="matchmaker/data/taxonomy.json"))
