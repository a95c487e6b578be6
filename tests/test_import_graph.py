"""Data flows one way: no module of the project imports, even lazily inside a function, a module that
imports it back. The graph is read from the source with `ast`, so an import hidden in a function counts;
only `if TYPE_CHECKING:` blocks (never run) are left out."""
from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"knowme": "knowme", "importers": "knowme.importers", "tui": "knowme.tui"}  # as installed


def _modules() -> dict[str, tuple[Path, bool]]:
    """Installed module name -> (source file, is a package)."""
    modules = {}
    for folder, package in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            modules[".".join([package, *parts[:-1 if is_package else None]])] = (path, is_package)
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of every import that runs, at module level or inside a function."""
    if isinstance(tree, ast.If) and _is_type_checking(tree.test):
        for node in tree.orelse:
            yield from _imported(node, module, is_package)
        return
    if isinstance(tree, ast.Import):
        yield from ((alias.name, tree.lineno) for alias in tree.names)
    elif isinstance(tree, ast.ImportFrom):
        base = tree.module or ""
        if tree.level:  # relative: from the module's package, up `level - 1` packages
            package = module.split(".") if is_package else module.split(".")[:-1]
            base = ".".join([*package[:len(package) - tree.level + 1], *([base] if base else [])])
        yield from ((f"{base}.{alias.name}", tree.lineno) for alias in tree.names)  # a submodule, else `base`
    for child in ast.iter_child_nodes(tree):
        yield from _imported(child, module, is_package)


def _named_for_importlib(tree: ast.AST, modules: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Project modules named as text in a module that imports by name (`importlib.import_module`): the CLI
    loads its command modules so."""
    if not any(isinstance(node, ast.Attribute) and node.attr == "import_module" for node in ast.walk(tree)):
        return
    yield from ((node.value, node.lineno) for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules)


def _packages_run(target: str, importer: str) -> Iterator[str]:
    """What importing `target` runs: its packages' `__init__` first (but the importer's own packages, which
    are already running), then the module itself."""
    parts = target.split(".")
    for end in range(1, len(parts) + 1):
        module = ".".join(parts[:end])
        if module != importer and not importer.startswith(module + "."):
            yield module


def import_graph() -> dict[str, dict[str, int]]:
    """Module -> {project module it runs by importing: line of the first such import}."""
    modules = _modules()
    graph: dict[str, dict[str, int]] = {}
    for name, (path, is_package) in modules.items():
        edges = graph.setdefault(name, {})
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, line in [*_imported(tree, name, is_package), *_named_for_importlib(tree, modules)]:
            while target and target not in modules:  # `from a.b import name`: the module a.b
                target = target.rpartition(".")[0]
            for package in _packages_run(target, name):
                edges.setdefault(package, line)
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search, white/grey/black)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_sees_every_module_and_lazy_imports() -> None:
    graph = import_graph()
    assert {"knowme.store.core", "knowme.cli.main", "knowme.importers.vcard", "knowme.tui.app"} <= set(graph)
    assert "knowme.tui.screens.help" in graph["knowme.tui.app"]  # imported inside a method, on first use
    assert "knowme.cli.triage" in graph["knowme.cli.main"]  # loaded by name, with importlib


def test_find_cycle_names_the_loop() -> None:
    assert find_cycle({"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": 1}, "b": {}}) is None


def test_no_import_cycle() -> None:
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(
        f"{a} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:])) + f" -> {cycle[-1]}"
