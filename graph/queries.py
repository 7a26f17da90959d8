"""Every Cypher statement of :class:`graph.neo4j_store.Neo4jStore`, as module constants.

Values always travel as parameters (``$name``); labels, relationship types and property names
are fixed in the text. The graph model::

    (:Actor {id, name, name_lower, kind, region, country, city, doc})
    (:Concept {id, label, facet, doc})
    (:Project {id})
    (:Actor)-[:HAS_COMPETENCE {level}]->(:Concept)
    (:Actor)-[:OFFERS]->(:Concept)          (:Actor)-[:REQUESTS]->(:Concept)
    (:Actor)-[:MEMBER_OF {since, role}]->(:Actor {kind: "cluster"})
    (:Actor)-[:AFFILIATED_WITH]->(:Actor)
    (:Actor)-[:PARTICIPATED_IN {title, year, role}]->(:Project)
    (:Concept)-[:BROADER]->(:Concept)
    (:Event {id, name, doc})
    (:Event)-[:HAS_PARTICIPANT {participant}]->(:Actor)   one per participant with an actor_id
    (:Actor)-[:STATES {p1, p2, p3, r}]->(:Concept)    derived search closure (SEARCH_CLOSURE)
    (:Actor)-[:UNDER {p1, p2, p3}]->(:Concept)        and Actor.search_key, .search_facets

``doc`` is the canonical JSON of the model, so reads round-trip exactly; the other properties
and the relationships serve filtering and graph queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

# schema (each statement is idempotent)
SCHEMA: Final[tuple[str, ...]] = (
    "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT concept_id IF NOT EXISTS FOR (c:Concept) REQUIRE c.id IS UNIQUE",
    "CREATE CONSTRAINT project_id IF NOT EXISTS FOR (p:Project) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE",
    "CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind)",
    "CREATE INDEX actor_region IF NOT EXISTS FOR (a:Actor) ON (a.region)",
    "CREATE INDEX actor_country IF NOT EXISTS FOR (a:Actor) ON (a.country)",
    "CREATE INDEX concept_facet IF NOT EXISTS FOR (c:Concept) ON (c.facet)",
)

SHOW_SCHEMA: Final = """
SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties
RETURN name, type, labelsOrTypes, properties
ORDER BY name
"""

PING: Final = "RETURN 1 AS ok"

# ---------------------------------------------------------------- actors: reads for validation

ACTORS_STATE: Final = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, a.kind AS kind, a.doc AS doc
"""

ACTOR_KINDS: Final = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, a.kind AS kind
"""

EXISTING_CONCEPTS: Final = """
UNWIND $ids AS id
MATCH (c:Concept {id: id})
RETURN c.id AS id
"""

INCOMING_REFERENCES: Final = """
UNWIND $ids AS id
MATCH (t:Actor {id: id})
RETURN t.id AS id,
       [(m:Actor)-[:MEMBER_OF]->(t) | m.id] AS members,
       [(e:Actor)-[:AFFILIATED_WITH]->(t) | e.id] AS experts
"""

# ---------------------------------------------------------------- actors: writes

PROJECTS_OF: Final = """
UNWIND $ids AS id
MATCH (:Actor {id: id})-[:PARTICIPATED_IN]->(p:Project)
RETURN DISTINCT p.id AS id
"""

MERGE_ACTORS: Final = """
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a = row.props
WITH a
OPTIONAL MATCH (a)-[r]->()
DELETE r
"""

LINK_COMPETENCES: Final = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (c:Concept {id: row.concept})
CREATE (a)-[:HAS_COMPETENCE {level: row.level, evidence: row.evidence}]->(c)
RETURN count(*) AS n
"""

LINK_OFFERS: Final = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (c:Concept {id: row.concept})
CREATE (a)-[:OFFERS {evidence: row.evidence}]->(c)
RETURN count(*) AS n
"""

LINK_REQUESTS: Final = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (c:Concept {id: row.concept})
CREATE (a)-[:REQUESTS]->(c)
RETURN count(*) AS n
"""

LINK_MEMBERSHIPS: Final = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (c:Actor {id: row.cluster, kind: $cluster_kind})
CREATE (a)-[:MEMBER_OF {since: row.since, role: row.role}]->(c)
RETURN count(*) AS n
"""

LINK_AFFILIATIONS: Final = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (o:Actor {id: row.organisation})
WHERE o.kind <> $expert_kind
CREATE (a)-[:AFFILIATED_WITH]->(o)
RETURN count(*) AS n
"""

LINK_PROJECTS: Final = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MERGE (p:Project {id: row.project})
CREATE (a)-[:PARTICIPATED_IN {title: row.title, year: row.year, role: row.role}]->(p)
RETURN count(*) AS n
"""

DROP_ORPHAN_PROJECTS: Final = """
UNWIND $ids AS id
MATCH (p:Project {id: id})
WHERE NOT EXISTS { (:Actor)-[:PARTICIPATED_IN]->(p) }
DELETE p
"""

DELETE_ACTORS: Final = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
DETACH DELETE a
RETURN count(*) AS n
"""

# ---------------------------------------------------------------- actors: reads

GET_ACTOR: Final = """
MATCH (a:Actor {id: $id})
RETURN a.doc AS doc
"""

GET_ACTORS: Final = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.doc AS doc
ORDER BY a.id
"""

_ACTOR_FILTER: Final = """
MATCH (a:Actor)
WHERE ($kinds IS NULL OR a.kind IN $kinds)
  AND ($regions IS NULL OR any(prefix IN $regions WHERE a.region STARTS WITH prefix))
  AND ($countries IS NULL OR a.country IN $countries)
  AND ($concepts IS NULL OR EXISTS {
        MATCH (a)-[:HAS_COMPETENCE|OFFERS|REQUESTS]->(c:Concept)
        WHERE c.id IN $concepts
      })
  AND ($cluster IS NULL OR EXISTS { (a)-[:MEMBER_OF]->(:Actor {id: $cluster}) })
  AND ($needle IS NULL OR a.name_lower CONTAINS $needle)
"""

COUNT_ACTORS: Final = _ACTOR_FILTER + "RETURN count(a) AS total\n"

PAGE_ACTORS: Final = (
    _ACTOR_FILTER
    + """  AND ($after IS NULL OR a.id > $after)
RETURN a.doc AS doc
ORDER BY a.id
LIMIT $limit
"""
)

ALL_ACTORS: Final = """
MATCH (a:Actor)
RETURN a.doc AS doc
ORDER BY a.id
"""

# ---------------------------------------------------------------- taxonomy

ALL_CONCEPT_LINKS: Final = """
MATCH (c:Concept)
RETURN c.id AS id, [(c)-[:BROADER]->(p:Concept) | p.id] AS broader
"""

CONCEPTS_STATE: Final = """
UNWIND $ids AS id
MATCH (c:Concept {id: id})
RETURN c.id AS id, c.doc AS doc
"""

MERGE_CONCEPTS: Final = """
UNWIND $rows AS row
MERGE (c:Concept {id: row.id})
SET c = row.props
WITH c
OPTIONAL MATCH (c)-[r:BROADER]->()
DELETE r
"""

LINK_BROADER: Final = """
UNWIND $rows AS row
MATCH (c:Concept {id: row.concept})
MATCH (p:Concept {id: row.parent})
CREATE (c)-[:BROADER]->(p)
RETURN count(*) AS n
"""

GET_CONCEPT: Final = """
MATCH (c:Concept {id: $id})
RETURN c.doc AS doc
"""

LIST_CONCEPTS: Final = """
MATCH (c:Concept)
WHERE $facet IS NULL OR c.facet = $facet
RETURN c.doc AS doc
ORDER BY c.id
"""

NARROWER_CHILDREN: Final = """
MATCH (c:Concept {id: $id})
RETURN [(d:Concept)-[:BROADER]->(c) | d.id] AS ids
"""

NARROWER_ALL: Final = """
MATCH (c:Concept {id: $id})
OPTIONAL MATCH (d:Concept)-[:BROADER*1..]->(c)
RETURN c.id AS id, collect(DISTINCT d.id) AS ids
"""

BROADER_PARENTS: Final = """
MATCH (c:Concept {id: $id})
RETURN [(c)-[:BROADER]->(p:Concept) | p.id] AS ids
"""

BROADER_ALL: Final = """
MATCH (c:Concept {id: $id})
OPTIONAL MATCH (c)-[:BROADER*1..]->(p:Concept)
RETURN c.id AS id, collect(DISTINCT p.id) AS ids
"""

# ---------------------------------------------------------------- relations

MEMBERS: Final = """
MATCH (c:Actor {id: $id})
RETURN c.kind AS kind, [(m:Actor)-[:MEMBER_OF]->(c) | m.id] AS ids
"""

AFFILIATES: Final = """
MATCH (o:Actor {id: $id})
RETURN o.kind AS kind, [(e:Actor)-[:AFFILIATED_WITH]->(o) | e.id] AS ids
"""

COLLABORATORS: Final = """
MATCH (a:Actor {id: $id})
OPTIONAL MATCH (a)-[:PARTICIPATED_IN]->(p:Project)<-[:PARTICIPATED_IN]-(o:Actor)
WHERE o.id <> a.id
RETURN a.id AS id,
       [pair IN collect(DISTINCT [o.id, p.id]) WHERE pair[0] IS NOT NULL] AS pairs
"""

_PROJECT_ROWS: Final = """
WITH p
MATCH (p)<-[r:PARTICIPATED_IN]-(a:Actor)
WITH p, a, r
ORDER BY a.id
WITH p, collect(a.id) AS participants, collect(r) AS links
RETURN p.id AS id, links[0].title AS title, links[0].year AS year, participants
ORDER BY id
"""

GET_PROJECT: Final = "MATCH (p:Project {id: $id})\n" + _PROJECT_ROWS

ALL_PROJECTS: Final = "MATCH (p:Project)\n" + _PROJECT_ROWS

# ---------------------------------------------------------------- whole store

ALL_CONCEPTS: Final = """
MATCH (c:Concept)
RETURN c.doc AS doc
ORDER BY c.id
"""

COUNT_BY_KIND: Final = """
MATCH (a:Actor)
RETURN a.kind AS kind, count(*) AS n
"""

COUNTS: Final = """
RETURN COUNT { (:Concept) } AS concepts,
       COUNT { (:Project) } AS projects,
       COUNT { ()-[:MEMBER_OF]->() } AS memberships,
       COUNT { ()-[:PARTICIPATED_IN]->() } AS collaborations,
       COUNT { ()-[:AFFILIATED_WITH]->() } AS affiliations,
       COUNT { (:Event) } AS events
"""

CLEAR_ACTORS_CHUNK: Final = """
MATCH (a:Actor)
WITH a LIMIT $chunk
DETACH DELETE a
RETURN count(*) AS n
"""

CLEAR_CHUNK: Final = """
MATCH (n)
WHERE n:Actor OR n:Concept OR n:Project OR n:Event
WITH n LIMIT $chunk
DETACH DELETE n
RETURN count(*) AS n
"""

# ---------------------------------------------------------------- events

GET_EVENT: Final = """
MATCH (e:Event {id: $id})
RETURN e.doc AS doc
"""

ALL_EVENTS: Final = """
MATCH (e:Event)
RETURN e.doc AS doc
ORDER BY e.id
"""

MERGE_EVENT: Final = """
MERGE (e:Event {id: $id})
SET e.name = $name, e.doc = $doc
WITH e
OPTIONAL MATCH (e)-[r:HAS_PARTICIPANT]->()
DELETE r
"""

LINK_EVENT_PARTICIPANTS: Final = """
MATCH (e:Event {id: $id})
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
CREATE (e)-[:HAS_PARTICIPANT {participant: row.participant}]->(a)
RETURN count(*) AS n
"""

DELETE_EVENT: Final = """
MATCH (e:Event {id: $id})
DETACH DELETE e
RETURN count(*) AS n
"""

# ---------------------------------------------------------------- search (graph/neo4j_search.py)

SEARCH_FULLTEXT_INDEX: Final = """
CREATE FULLTEXT INDEX actor_text IF NOT EXISTS
FOR (a:Actor) ON EACH [a.name, a.description]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding',
                       `fulltext.eventually_consistent`: false}}
"""

SEARCH_AWAIT_INDEX: Final = "CALL db.awaitIndex('actor_text', 300)"

SEARCH_STATE_SCHEMA: Final = (
    "CREATE CONSTRAINT search_state_id IF NOT EXISTS FOR (s:SearchState) REQUIRE s.id IS UNIQUE",
    "CREATE INDEX search_change_rev IF NOT EXISTS FOR (c:SearchChange) ON (c.rev)",
)

# Every actor or concept write appends the written ids to a log under one version counter (the
# counter node's lock orders concurrent writers); the search index replays the log.
SEARCH_RECORD_WRITE: Final = """
MERGE (s:SearchState {id: 'search'})
ON CREATE SET s.epoch = randomUUID()
SET s.version = coalesce(s.version, 0) + 1
CREATE (:SearchChange {rev: s.version, ids: $ids, concepts: $concepts, reset: $reset})
WITH s
CALL (s) {
  MATCH (old:SearchChange)
  WHERE old.rev <= s.version - $keep
  DELETE old
}
RETURN s.version AS version
"""

SEARCH_VERSION: Final = """
OPTIONAL MATCH (s:SearchState {id: 'search'})
RETURN s.epoch AS epoch, s.version AS version
"""

SEARCH_CHANGES: Final = """
MATCH (c:SearchChange)
WHERE c.rev > $since
RETURN c.rev AS rev, c.ids AS ids, c.concepts AS concepts, c.reset AS reset
ORDER BY rev
"""

SEARCH_ALL_RECORDS: Final = """
MATCH (a:Actor)
RETURN a.id AS id, a.name AS name, coalesce(a.description, '') AS description, a.kind AS kind,
       a.region AS region, a.country AS country,
       [(a)-[f:HAS_COMPETENCE|OFFERS]->(c:Concept)
        | [c.id, coalesce(f.level, $offer_level), coalesce(f.evidence, false)]] AS facts
"""

SEARCH_RECORDS: Final = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, a.name AS name, coalesce(a.description, '') AS description, a.kind AS kind,
       a.region AS region, a.country AS country,
       [(a)-[f:HAS_COMPETENCE|OFFERS]->(c:Concept)
        | [c.id, coalesce(f.level, $offer_level), coalesce(f.evidence, false)]] AS facts
"""

SEARCH_NARROWER: Final = """
UNWIND $concepts AS q
MATCH path = (d:Concept)-[:BROADER*0..]->(:Concept {id: q})
RETURN q, d.id AS concept, min(length(path)) AS hops
"""

SEARCH_BROADER: Final = """
UNWIND $concepts AS q
MATCH path = (:Concept {id: q})-[:BROADER*1..5]->(u:Concept)
WHERE length(path) <= $hops
RETURN q, u.id AS concept, min(length(path)) AS hops
"""

# The search closure (maintained on every actor write, and for the actors a concept write
# touches): (a)-[:STATES {p1, p2, p3, r}]->(x) for every concept x the actor states (competence
# or offer) and (a)-[:UNDER {p1, p2, p3}]->(x) for every concept x above those. p<m> holds the
# best points of x as a query concept from the exact or narrower facts of level >= m (relation
# base by hops, $bases[hops], plus level and evidence points); r the raw points (level and
# evidence) of the best fact on x itself. a.search_key holds region, country and kind joined by
# $sep; a.search_facets the stated concepts of the counted facets.
SEARCH_CLOSURE: Final = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
CALL (a) {
  MATCH (a)-[old:STATES|UNDER]->()
  DELETE old
}
CALL (a) {
  MATCH (a)-[f:HAS_COMPETENCE|OFFERS]->(d:Concept)
  WITH d, max($level_points * coalesce(f.level, $offer_level)
              + CASE WHEN f.evidence THEN $evidence_points ELSE 0 END) AS raw
  MATCH path = (d)-[:BROADER*0..]->(x:Concept)
  WITH x, d, raw, min(length(path)) AS hops
  WITH x, raw, hops, $bases[CASE WHEN hops < size($bases) THEN hops ELSE size($bases) - 1 END]
       + raw AS points
  WITH x, {p1: max(CASE WHEN raw >= $level_points THEN points END),
           p2: max(CASE WHEN raw >= 2 * $level_points THEN points END),
           p3: max(CASE WHEN raw >= 3 * $level_points THEN points END)} AS best,
       max(CASE WHEN hops = 0 THEN raw END) AS r
  FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
    CREATE (a)-[s:STATES]->(x) SET s = best, s.r = r)
  FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END |
    CREATE (a)-[u:UNDER]->(x) SET u = best)
  RETURN collect(CASE WHEN r IS NOT NULL AND x.facet IN $facets THEN x.id END) AS stated
}
SET a.search_key = coalesce(a.region, '') + $sep + coalesce(a.country, '') + $sep + a.kind,
    a.search_facets = stated
RETURN count(*) AS n
"""

SEARCH_CLOSURE_TOUCHED: Final = """
UNWIND $ids AS id
MATCH (c:Concept {id: id})
CALL (c) {
  MATCH (a:Actor)-[:STATES|UNDER]->(c)
  RETURN a
  UNION
  MATCH (a:Actor)-[:HAS_COMPETENCE|OFFERS]->(:Concept)-[:BROADER*0..]->(c)
  RETURN a
}
RETURN DISTINCT a.id AS id
"""

SEARCH_CLOSURE_CLEAR_CHUNK: Final = """
MATCH ()-[u:STATES|UNDER]->()
WITH u LIMIT $chunk
DELETE u
RETURN count(*) AS n
"""

SEARCH_CLOSURE_MISSING: Final = """
MATCH (a:Actor)
WHERE a.search_key IS NULL
RETURN a.id AS id
"""

_AT_LEVEL: Final = "CASE $min_level WHEN 1 THEN {r}.p1 WHEN 2 THEN {r}.p2 ELSE {r}.p3 END"

_KEEP: Final = """(size($kinds) = 0 OR a.kind IN $kinds)
  AND (size($regions) = 0 OR a.country IN $regions
       OR any(prefix IN $regions WHERE a.region STARTS WITH prefix))"""

# Sources of (actor, points) rows; an actor's score is the sum of its rows. Query concepts: the
# closure's points at the level (exact and narrower facts), scaled by the weight; broader
# concepts: a row only where the stated broader fact beats that, adding the difference; text: the
# best (field, edits) Lucene query each term matches; without concepts and terms, every actor, or
# those under a concept of every required group, with 0 points.
_SEARCH_SOURCES: Final = {
    "concepts": """
  UNWIND $concepts AS t
  MATCH (:Concept {id: t.id})<-[u:STATES|UNDER]-(a)
  WITH a, t.w AS w, """
    + _AT_LEVEL.format(r="u")
    + """ AS p
  WHERE p IS NOT NULL AND """
    + _KEEP
    + """
  RETURN a, p * w / 100 AS points""",
    "broader": """
  UNWIND $broader AS b
  MATCH (:Concept {id: b.concept})<-[s:STATES]-(a)
  WHERE s.r >= $min_raw AND """
    + _KEEP
    + """
  WITH a, b.q AS q, b.w AS w, max(b.base + s.r) AS best
  OPTIONAL MATCH (a)-[e:STATES|UNDER]->(:Concept {id: q})
  WITH a, w, best, coalesce("""
    + _AT_LEVEL.format(r="e")
    + """, 0) AS p
  WHERE best > p
  RETURN a, best * w / 100 - p * w / 100 AS points""",
    "text": """
  UNWIND $text AS t
  CALL db.index.fulltext.queryNodes('actor_text', t.lucene) YIELD node
  WITH node AS a, t.term AS term, max(t.points) AS points
  WHERE """
    + _KEEP
    + """
  RETURN a, points""",
    "required": """
  UNWIND range(0, size($require) - 1) AS i
  UNWIND $require[i] AS g
  MATCH (:Concept {id: g})<-[u:STATES|UNDER]-(a)
  WHERE """
    + _AT_LEVEL.format(r="u")
    + """ IS NOT NULL AND """
    + _KEEP
    + """
  WITH a, count(DISTINCT i) AS groups
  WHERE groups = size($require)
  RETURN a, 0 AS points""",
    "all": """
  MATCH (a:Actor)
  WHERE """
    + _KEEP
    + """
  RETURN a, 0 AS points""",
}

_SEARCH_REQUIRE: Final = (
    """
WITH a, score
WHERE all(g IN $require WHERE EXISTS {
        MATCH (a)-[u:STATES|UNDER]->(c:Concept)
        WHERE c.id IN g AND """
    + _AT_LEVEL.format(r="u")
    + """ IS NOT NULL })"""
)

_SEARCH_PAGE_AND_FACETS: Final = """
WITH collect([score, a]) AS hits
CALL (hits) {
  UNWIND hits AS h
  WITH h[0] AS score
  ORDER BY score DESC
  LIMIT $k
  RETURN min(score) AS floor
}
CALL (hits, floor) {
  UNWIND hits AS h
  WITH h
  WHERE h[0] >= floor
  WITH h[0] AS score, h[1] AS a
  ORDER BY score DESC, a.id ASC
  LIMIT $k
  RETURN collect({id: a.id, score: score, doc: a.doc}) AS top
}
CALL (hits) {
  UNWIND hits AS h
  WITH h[1] AS a
  WHERE $with_facets
  UNWIND a.search_facets + a.search_key AS key
  WITH key, count(*) AS n
  OPTIONAL MATCH (c:Concept {id: key})
  RETURN collect([c.facet, key, n]) AS facets
}
RETURN size(hits) AS total, top, facets
"""


def search_rank(sources: Sequence[str], *, summed: bool, check_required: bool) -> str:
    """The search statement over these row sources (keys of ``_SEARCH_SOURCES``).

    Parameters
    ----------
    sources
        ``"concepts"``, ``"broader"``, ``"text"``, ``"required"`` and/or ``"all"``.
    summed
        Whether an actor may have several rows (their points are summed); without, each row is
        a hit.
    check_required
        Whether hits must also state a concept of every ``$require`` group.

    Examples
    --------
    >>> "sum(points)" in search_rank(["concepts", "text"], summed=True, check_required=False)
    True
    """
    body = "\n  UNION ALL".join(_SEARCH_SOURCES[s] for s in sources)
    score = "sum(points)" if summed else "points"
    return (
        "CALL () {"
        + body
        + f"\n}}\nWITH a, {score} AS score"
        + (_SEARCH_REQUIRE if check_required else "")
        + _SEARCH_PAGE_AND_FACETS
    )


# Matching benchmark baseline (benchmarks/match.py): a Cypher-only partner score for one actor:
# the share of its requested concepts that another actor offers or knows (the concept itself or
# up to two levels more specific, 0.8 per level), both directions, plus the region term of the
# partnering profile. A simplified model of matchmaker.matching, for timing only.
MATCH_CYPHER_BASELINE: Final = """
MATCH (a:Actor {id: $id})
OPTIONAL MATCH (a)-[:REQUESTS]->(want:Concept)
WITH a, collect(DISTINCT want) AS wants
CALL (a, wants) {
  UNWIND wants AS w
  MATCH p = (w)<-[:BROADER*0..2]-(:Concept)<-[:OFFERS|HAS_COMPETENCE]-(b:Actor)
  WHERE b <> a
  WITH b, w, size(wants) AS m, max(0.8 ^ (length(p) - 1)) AS met
  WITH b, m, sum(met) AS met
  RETURN b, met / m AS needs, 0.0 AS offers
  UNION ALL
  MATCH (a)-[:OFFERS|HAS_COMPETENCE]->(:Concept)-[:BROADER*0..2]->(w:Concept)
        <-[:REQUESTS]-(b:Actor)
  WHERE b <> a
  WITH b, count(DISTINCT w) AS hits
  RETURN b, 0.0 AS needs, toFloat(hits) / COUNT { (b)-[:REQUESTS]->() } AS offers
}
WITH a, b, sum(needs) AS needs, sum(offers) AS offers
WITH b, needs, offers,
     CASE WHEN b.region = a.region THEN 0.0 WHEN b.country = a.country THEN 0.5 ELSE 1.0 END
       AS region
RETURN b.id AS id, 0.3 * needs + 0.2 * offers + 0.1 * region AS score
ORDER BY score DESC, id
LIMIT $top
"""
