"""The scoring model written plainly: loops over actors and concepts, no matrices.

It re-derives everything (hierarchy distances, IDF, coverage, network) from the snapshot, so it
is an independent oracle for :class:`matchmaker.matching.scoring.MatchEngine` (tests compare the
two to 1e-9) and the baseline of ``benchmarks/match.py``. It is slow on purpose-free code: use
the engine for real work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graph.protocol import Snapshot
from matchmaker.matching.profiles import COMPONENTS, EngineConfig, Profile
from matchmaker.models import Actor, ActorKind


@dataclass(frozen=True)
class PairScore:
    """One partner's score: ``contributions`` in :data:`COMPONENTS` order sum to ``total``."""

    partner_id: str
    values: tuple[float, ...]
    contributions: tuple[float, ...]
    total: float
    partnered: bool
    candidate: bool


class ReferenceScorer:
    """Scores one actor against all others with plain Python, from the same definitions."""

    def __init__(self, snapshot: Snapshot, config: EngineConfig) -> None:
        self.config = config
        self._distances: dict[tuple[str, str], int | None] = {}
        self.actors = {a.id: a for a in snapshot.actors}
        self.parents: dict[str, list[str]] = {c.id: list(c.broader) for c in snapshot.concepts}
        for actor in snapshot.actors:
            for concept in actor.concept_ids():
                self.parents.setdefault(concept, [])
        self.n = len(self.actors)
        counts: dict[str, int] = {}
        for actor in snapshot.actors:
            for comp in actor.competences:
                counts[comp.concept] = counts.get(comp.concept, 0) + 1
        self.idf = {c: math.log((1 + self.n) / (1 + k)) for c, k in counts.items()}
        targets = {a.affiliation for a in snapshot.actors if a.affiliation}
        self.groups: dict[str, set[str]] = {}
        for actor in snapshot.actors:
            keys = {"p:" + c.project for c in actor.collaborations}
            keys |= {"c:" + m.cluster for m in actor.memberships}
            if actor.kind == ActorKind.CLUSTER:
                keys.add("c:" + actor.id)
            if actor.affiliation:
                keys.add("o:" + actor.affiliation)
            if actor.id in targets:
                keys.add("o:" + actor.id)
            self.groups[actor.id] = keys

    def distance_up(self, low: str, high: str) -> int | None:
        """Shortest number of broader steps from ``low`` to ``high`` (``None`` if unreachable)."""
        key = (low, high)
        if key not in self._distances:
            self._distances[key] = self._walk_up(low, high)
        return self._distances[key]

    def _walk_up(self, low: str, high: str) -> int | None:
        frontier, seen, steps = [low], {low}, 0
        while frontier:
            if high in frontier:
                return steps
            nxt = []
            for node in frontier:
                for parent in self.parents.get(node, []):
                    if parent in self.parents and parent not in seen:
                        seen.add(parent)
                        nxt.append(parent)
            frontier, steps = nxt, steps + 1
        return None

    def _within(self, low: str, high: str) -> int | None:
        d = self.distance_up(low, high)
        return d if d is not None and d <= self.config.hierarchy.max_distance else None

    def h(self, request: str, supply: str) -> float:
        """How well a supply concept meets a request concept."""
        hp = self.config.hierarchy
        if request == supply:
            return 1.0
        d = self._within(supply, request)
        if d is not None:
            return hp.specific_decay**d
        d = self._within(request, supply)
        if d is not None:
            return hp.generic_decay**d
        return 0.0

    def k(self, x: str, y: str) -> float:
        """Relatedness of two competences."""
        if x == y:
            return 1.0
        d = self._within(x, y)
        if d is None:
            d = self._within(y, x)
        return 0.0 if d is None else self.config.hierarchy.similarity_decay**d

    def supply(self, actor: Actor) -> dict[str, float]:
        out: dict[str, float] = {}
        for comp in actor.competences:
            out[comp.concept] = max(out.get(comp.concept, 0.0), comp.level / 3)
        for offer in actor.offers:
            for concept in offer.concepts:
                out[concept] = 1.0
        return out

    def complementarity(self, seeker: Actor, supplier: Actor) -> float:
        requests = [list(dict.fromkeys(r.concepts)) for r in seeker.requests if r.concepts]
        supply = self.supply(supplier)
        total = 0.0
        for concepts in requests:
            for wanted in concepts:
                best = 0.0
                for concept, strength in supply.items():
                    best = max(best, strength * self.h(wanted, concept))
                total += best / (len(requests) * len(concepts))
        return total

    def similarity(self, a: Actor, b: Actor) -> float:
        def unit(actor: Actor) -> dict[str, float]:
            vec = {c.concept: c.level / 3 * self.idf[c.concept] for c in actor.competences}
            norm = math.sqrt(sum(v * v for v in vec.values()))
            return {c: v / norm for c, v in vec.items()} if norm > 0 else {}

        ua, ub = unit(a), unit(b)
        total = 0.0
        for x, vx in ua.items():
            for y, vy in ub.items():
                total += vx * self.k(x, y) * vy
        return min(total, 1.0)

    def stages(self, actor: Actor) -> set[int]:
        concepts = [c.concept for c in actor.competences]
        for offer in actor.offers:
            concepts += offer.concepts
        found = set()
        for i, stage in enumerate(self.config.value_chain):
            for concept in concepts:
                for prefix in stage.prefixes:
                    if concept == prefix or concept.startswith(prefix + "."):
                        found.add(i)
        return found

    def value_chain(self, a: Actor, b: Actor, profile: Profile) -> float:
        by_distance = profile.value_chain.by_distance
        best = 0.0
        for s in self.stages(a):
            for t in self.stages(b):
                d = abs(s - t)
                if d < len(by_distance):
                    best = max(best, by_distance[d])
        return best

    def partners(self, actor_id: str) -> set[str]:
        mine = self.groups[actor_id]
        return {o for o, g in self.groups.items() if o != actor_id and mine & g}

    def score_all(self, actor_id: str, profile: Profile) -> dict[str, PairScore]:
        """Every other actor's score against ``actor_id`` under ``profile``."""
        me = self.actors[actor_id]
        weights = [getattr(profile.weights, name) for name in COMPONENTS]
        weights = [w / math.fsum(weights) for w in weights]
        my_partners = self.partners(actor_id)
        result: dict[str, PairScore] = {}
        for other in sorted(self.actors.values(), key=lambda x: x.id):
            if other.id == actor_id:
                continue
            partnered = other.id in my_partners
            introduced = False
            if not partnered:
                for x in my_partners:
                    if x != other.id and self.groups[x] & self.groups[other.id]:
                        introduced = True
            if other.region == me.region:
                region = profile.region.same_region
            elif other.country == me.country:
                region = profile.region.same_country
            else:
                region = profile.region.other_country
            values = (
                self.complementarity(me, other),
                self.complementarity(other, me),
                self.similarity(me, other),
                self.value_chain(me, other, profile),
                region,
                profile.kinds.score(me.kind, other.kind),
                profile.network.introduced if introduced else 0.0,
            )
            factor = 1.0
            if partnered and profile.network.partners == "downweight":
                factor = profile.network.partner_factor
            contributions = tuple(w * v * factor for w, v in zip(weights, values, strict=True))
            candidate = values[0] + values[1] + values[2] > 0
            if partnered and profile.network.partners == "exclude":
                candidate = False
            result[other.id] = PairScore(
                other.id, values, contributions, sum(contributions), partnered, candidate
            )
        return result

    def top(self, actor_id: str, profile: Profile, k: int) -> list[tuple[str, float]]:
        """The ``k`` best candidates as ``(id, score)``, score descending, ties by id."""
        scores = [s for s in self.score_all(actor_id, profile).values() if s.candidate]
        scores.sort(key=lambda s: (-round(s.total, 12), s.partner_id))
        return [(s.partner_id, s.total) for s in scores[:k]]
