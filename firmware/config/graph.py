"""Loops in a plan's step graph: shared by the config check (plans the owner wrote)
and routing's `check_plan` (the plan a call gets), so both refuse the same things.

A plan's steps are nodes; each exit that is not "answered" is an edge to the next
step (ends, DONE and hang-ups, are not nodes). A ringing step passes over anyone
already rung in the call, and a step with nobody left to ring leaves at once by its
"unavailable" exit. So a plan whose loops each have a way out, and whose
"unavailable" exits form no loop, always ends: everyone rings at most once, then the
unavailable exits lead out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def reachable(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Nodes reachable from `start` (itself included)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt in edges and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None. Nodes not in `edges` are ends."""
    done: set[str] = set()
    for root in edges:
        stack: list[tuple[str, list[str]]] = [(root, [])]
        while stack:
            node, path = stack.pop()
            if node in path:
                return [*path[path.index(node):], node]
            if node in done or node not in edges:
                continue
            nexts = list(edges[node])
            if not nexts:
                done.add(node)
            stack += [(n, [*path, node]) for n in nexts]
        done.add(root)
    return None


def exitless_loop(edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """The steps (sorted) from which no end can be reached, or None.

    In a graph where every step has an exit those steps lie on loops that never
    lead out: the call would ring round them forever."""
    stuck = sorted(n for n in edges if not _reaches_end(n, edges))
    return stuck or None


def _reaches_end(node: str, edges: Mapping[str, Sequence[str]]) -> bool:
    return any(t not in edges for r in reachable(node, edges) for t in edges[r])
