"""No import cycle between the top-level packages of roundabout, computed from the sources.

Every ``import`` counts, wherever it stands (module level, inside a function, under
``TYPE_CHECKING``): a lazy import is still a dependency of the design. The graph's nodes are
the first name under ``roundabout`` (``analytics``, ``store``, ``errors``, ...).

A ratchet: :data:`KNOWN` lists the edges that still close a cycle, being removed elsewhere.
The test fails on any other cycle, and also once a known edge is gone (empty the list then).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "roundabout"

#: (importer, imported) edges allowed to close a cycle for now: none left (lists -> screening
#: went when the audit log moved to store/audit.py; names -> screening when the matching
#: package replaced names/).
KNOWN: frozenset[tuple[str, str]] = frozenset()


def _node(module: str) -> str | None:
    """``roundabout.sources.load`` -> ``store``; ``roundabout`` itself -> ``__init__``."""
    parts = module.split(".")
    if parts[0] != "roundabout":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _module_of(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports (absolute names; relative imports resolved)."""
    package = (
        _module_of(path) if path.name == "__init__.py" else _module_of(path).rpartition(".")[0]
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            for alias in node.names:  # "from roundabout import store" imports a package
                yield f"{target}.{alias.name}"


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        src = _node(_module_of(path))
        assert src is not None
        for target in _imports(path):
            dst = _node(target)
            if dst is not None and dst != src and _exists(target):
                edges.setdefault(src, set()).add(dst)
    return edges


def _exists(module: str) -> bool:
    """``roundabout.x.y`` names a module or package (not an attribute such as a function)."""
    rel = Path(*module.split(".")[1:])
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted({*edges, *(w for ws in edges.values() for w in ws)}):
        if v not in index:
            visit(v)
    return sorted(out)


def test_the_detector_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_is_read_from_the_imports() -> None:
    edges = graph()
    assert "store" in edges["analytics"] or "errors" in edges["analytics"]
    assert "errors" in edges["store"] and "analytics" not in edges.get("errors", set())


def test_no_import_cycle_between_packages() -> None:
    edges = graph()
    pruned = {src: {d for d in dsts if (src, d) not in KNOWN} for src, dsts in edges.items()}
    found = cycles(pruned)
    assert not found, f"import cycles between packages: {found} (edges: {_edges_in(found, pruned)})"


def test_the_known_cycles_still_exist() -> None:
    """The ratchet: when a known edge is removed, take it off :data:`KNOWN`."""
    edges = graph()
    gone = sorted(e for e in KNOWN if e[1] not in edges.get(e[0], set()))
    assert not gone, f"no longer imported, remove from KNOWN: {gone}"


def _edges_in(found: list[list[str]], edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    inside = [set(c) for c in found]
    return sorted(
        (s, d) for s, ds in edges.items() for d in ds if any(s in c and d in c for c in inside)
    )
