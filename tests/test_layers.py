"""The house's structure, read from the code's own imports (architecture.md): layers run one way, no
module imports itself round a loop, and no module outgrows what one reader can hold.

Every import counts, a function's lazy import and a type-checking one included: each is a dependency
someone must understand.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("climbing_frame", "directory", "harvester", "exchange")
MAX_LINES = 600

# Which top-level packages each may import (besides itself).
MAY_IMPORT = {
    "climbing_frame": {"directory", "harvester", "exchange"},
    "harvester": {"directory"},
    "exchange": {"directory"},
    "directory": set(),
}
# Inside the directory: the entry layers and the instance are imported by nothing below them.
ENTRY = ("directory.web", "directory.commands")
ABOVE_SERVICES = ("directory.instance", "directory.indexing", *ENTRY)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts and path.name != "env.py":
                continue  # migrations are history: each is read once, in order, and never imported
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                targets.add(candidate if candidate in MODULES else module)
    return {target for target in (_known(t) for t in targets) if target and target != name}


def _known(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_packages_import_only_downwards():
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items() for target in targets
        if (mine := name.split(".")[0]) != (theirs := target.split(".")[0]) and theirs not in MAY_IMPORT[mine]
    )
    assert wrong == []


def test_nothing_below_the_directory_s_entry_layers_imports_them():
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items() if not name.startswith(ABOVE_SERVICES) and name.startswith("directory")
        for target in targets if target.startswith(ABOVE_SERVICES)
    )
    assert wrong == []


def test_no_module_imports_itself_round_a_loop():
    assert [sorted(loop) for loop in _loops(GRAPH)] == []


def _loops(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[set[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
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
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    loops.append(component)
    return loops


def test_the_loop_finder_finds_a_loop():
    assert _loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


@pytest.mark.parametrize("folder", ["climbing_frame", "directory", "harvester", "exchange", "benchmarks", "deploy"])
def test_no_module_is_over_600_lines(folder):
    long = sorted(f"{path.relative_to(ROOT)}: {n}" for path in (ROOT / folder).rglob("*.py")
                  if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert long == []
