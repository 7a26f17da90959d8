"""Connection paths between two actors through shared clusters, projects and affiliations."""

from __future__ import annotations

from itertools import islice

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.protocol import Snapshot
from matchmaker.errors import NotFound

Node = tuple[str, str]


class PathStep(BaseModel):
    """One link of a path: ``source`` relates to ``target`` (``via`` a project, if any)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    target: str
    relation: str  # member_of | has_member | affiliated_with | has_affiliate | project
    via: str | None = None
    text: str


class ConnectionPath(BaseModel):
    """A shortest chain of actors from ``actors[0]`` to ``actors[-1]`` with its explanation."""

    model_config = ConfigDict(extra="forbid")

    actors: list[str]
    steps: list[PathStep]

    @property
    def explanation(self) -> str:
        return "; ".join(s.text for s in self.steps)


def collaboration_network(snapshot: Snapshot) -> nx.Graph:
    """Actors and projects as nodes; membership, affiliation and participation as edges."""
    graph = nx.Graph()
    for actor in snapshot.actors:
        graph.add_node(("actor", actor.id), name=actor.name)
    for actor in snapshot.actors:
        me = ("actor", actor.id)
        for m in actor.memberships:
            graph.add_edge(me, ("actor", m.cluster), relation="member_of", source=actor.id)
        if actor.affiliation:
            graph.add_edge(
                me, ("actor", actor.affiliation), relation="affiliated_with", source=actor.id
            )
    for project in snapshot.projects:
        node = ("project", project.id)
        graph.add_node(node, title=project.title, year=project.year)
        for participant in project.participants:
            graph.add_edge(("actor", participant), node, relation="project")
    return graph


def _name(graph: nx.Graph, node: Node) -> str:
    return f"{graph.nodes[node].get('name', node[1])} ({node[1]})"


def _explain(graph: nx.Graph, nodes: list[Node]) -> ConnectionPath:
    steps: list[PathStep] = []
    i = 0
    while i < len(nodes) - 1:
        a, b = nodes[i], nodes[i + 1]
        if b[0] == "project":
            c = nodes[i + 2]
            attrs = graph.nodes[b]
            title = f" '{attrs['title']}'" if attrs.get("title") else ""
            text = (
                f"{_name(graph, a)} and {_name(graph, c)} worked together in project "
                f"{b[1]}{title} ({attrs['year']})"
            )
            steps.append(
                PathStep(source=a[1], target=c[1], relation="project", via=b[1], text=text)
            )
            i += 2
            continue
        edge = graph.edges[a, b]
        forward = edge["source"] == a[1]
        relation = edge["relation"]
        if relation == "member_of":
            text = (
                f"{_name(graph, a)} is a member of cluster {_name(graph, b)}"
                if forward
                else f"cluster {_name(graph, a)} has member {_name(graph, b)}"
            )
            relation = relation if forward else "has_member"
        else:
            text = (
                f"{_name(graph, a)} is affiliated with {_name(graph, b)}"
                if forward
                else f"{_name(graph, a)} has affiliated expert {_name(graph, b)}"
            )
            relation = relation if forward else "has_affiliate"
        steps.append(PathStep(source=a[1], target=b[1], relation=relation, text=text))
        i += 1
    return ConnectionPath(actors=[n[1] for n in nodes if n[0] == "actor"], steps=steps)


def connection_paths(
    snapshot: Snapshot, source: str, target: str, *, max_paths: int = 5
) -> list[ConnectionPath]:
    """The shortest connection paths from ``source`` to ``target``, explained.

    Parameters
    ----------
    snapshot
        The store's snapshot (``store.snapshot()``).
    source, target
        Actor ids.
    max_paths
        At most this many paths (all of the shortest length), in lexicographic order of their
        node sequences.

    Returns
    -------
    The paths; empty when the two actors are not connected. A path from an actor to itself has
    no steps.

    Raises
    ------
    NotFound
        If either actor does not exist.

    Examples
    --------
    >>> from graph.protocol import Snapshot
    >>> from matchmaker.models import Actor
    >>> a = Actor(id="a", name="A", kind="company", region="AT12", country="AT")
    >>> b = Actor(id="b", name="B", kind="company", region="AT12", country="AT")
    >>> connection_paths(Snapshot(actors=[a, b], concepts=[], projects=[]), "a", "b")
    []
    """
    graph = collaboration_network(snapshot)
    for ident in (source, target):
        if ("actor", ident) not in graph:
            raise NotFound("actor", ident)
    s, t = ("actor", source), ("actor", target)
    if not nx.has_path(graph, s, t):
        return []
    paths = sorted(islice(nx.all_shortest_paths(graph, s, t), 1000))
    return [_explain(graph, p) for p in islice(paths, max_paths)]
