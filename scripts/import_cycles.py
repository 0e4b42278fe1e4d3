"""Report import cycles between the modules of ``assistant`` (exit 1 if any): ``python scripts/import_cycles.py``.

The import graph is grimp's (the one import-linter checks the layer contracts
on), with imports inside functions included; a cycle is a strongly connected
set of modules, listed with one path around it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, wherever this runs from


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.get(node, ()):
                    groups.append(sorted(group))
    return groups


def main(package: str = "assistant") -> int:
    """Print each cycle and return 1, or say there are none and return 0."""
    imports = grimp.build_graph(package, cache_dir=None)
    graph = {m: set(imports.find_modules_directly_imported_by(m)) for m in imports.modules}
    cycles = strongly_connected(graph)
    for group in cycles:
        path = imports.find_shortest_chain(importer=group[0], imported=group[-1]) or ()
        back = imports.find_shortest_chain(importer=group[-1], imported=group[0]) or ()
        print(f"cycle between {len(group)} modules: {', '.join(group)}")
        print(f"  {' -> '.join(path)} -> … -> {' -> '.join(back[1:])}")
    if cycles:
        return 1
    print(f"no import cycles among the {len(graph)} modules of {package}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
