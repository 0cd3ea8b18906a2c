"""The package's import graph: dependencies point one way (ARCHITECTURE.md). Every import
counts, those inside functions too, so an edge cannot hide in a function body."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newsarchive"
# Modules every layer may use, which themselves use no other part of the package.
LEAVES = {"urls", "controls", "terminal", "exitcodes", "scope"}
# part → parts it must never import.
FORBIDDEN = {
    "extract": {"crawl", "distributed", "store", "services", "export", "cli", "demo", "portals", "report"},
    "store": {"extract", "crawl", "distributed", "services", "export", "cli", "demo", "portals", "report"},
    "export": {"crawl", "distributed", "cli", "services"},
    "services": {"crawl", "distributed", "cli"},
    "crawl": {"distributed", "cli"},  # the distributed layer builds on the local crawler, not back
}
# Third-party packages a part must not import: extraction is pure, testable without them.
FORBIDDEN_LIBRARIES = {"extract": {"scrapy", "twisted", "sqlite3", "sqlite_utils"}, "store": {"scrapy", "twisted"}}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "newsarchive" else parts[0]


def _graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    """Part → parts it imports, and for each edge the modules that make it."""
    modules = _modules()
    parts: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, path in modules.items():
        for target in _imports(name, path, modules):
            a, b = _part(name), _part(target)
            if a != b:
                parts[a].add(b)
                where[(a, b)].append(f"{name} → {target}")
    return parts, where


def test_no_forbidden_edge() -> None:
    parts, where = _graph()
    bad = [line for part, banned in FORBIDDEN.items() for target in sorted(parts[part] & banned) for line in where[(part, target)]]
    bad += [line for part, banned in FORBIDDEN_LIBRARIES.items() for target in sorted(parts[part] & banned) for line in where[(part, target)]]
    assert not bad, bad


def test_leaves_import_nothing_of_the_package_and_nothing_imports_the_cli() -> None:
    parts, where = _graph()
    package_parts = {_part(name) for name in _modules()}
    bad = [line for leaf in LEAVES for target in sorted(parts[leaf] & package_parts) for line in where[(leaf, target)]]
    bad += [line for part in parts if part not in ("cli", "__main__") and "cli" in parts[part] for line in where[(part, "cli")]]
    assert not bad, bad


def test_no_cycle_between_parts() -> None:
    parts, where = _graph()
    names = {_part(name) for name in _modules()}
    graph = {p: parts[p] & names for p in names}

    def reaches(start: str, goal: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
        return False

    cycles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if b != "newsarchive" and reaches(b, a)})
    assert not cycles, [(c, where[c][:2], where[c[::-1]][:2]) for c in cycles]
