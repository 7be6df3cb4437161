"""The package's imports run one way: no module imports, directly or through others, one that imports it.

Read from the source with ``ast`` (nothing is imported or run), so this holds
for every import, those inside functions included. A circle makes a module's
meaning depend on the order modules happen to load in; this test names it,
file -> file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kerasr_bridge

PACKAGE = Path(kerasr_bridge.__file__).parent
NAME = PACKAGE.name


def _module_of(name: str) -> str:
    """The package file a dotted name inside the package lives in: ``kerasr_bridge.render`` -> ``render``."""
    parts = name.split(".")
    if len(parts) > 1 and (PACKAGE / f"{parts[1]}.py").exists():
        return parts[1]
    return "__init__"


def _imports(path: Path) -> set[str]:
    """The package modules ``path`` imports (the package itself as ``__init__``), anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_module_of(alias.name) for alias in node.names if alias.name.split(".")[0] == NAME)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: from . import x / from .x import y
                module = f"{NAME}.{module}" if module else NAME
            if module.split(".")[0] != NAME:
                continue
            if module == NAME:  # from kerasr_bridge import render, pipe: a module, or a name of __init__
                found.update(_module_of(f"{NAME}.{alias.name}") for alias in node.names)
            else:
                found.add(_module_of(module))
    found.discard(path.stem)
    return found


def import_graph() -> dict[str, set[str]]:
    return {path.stem: _imports(path) for path in sorted(PACKAGE.glob("*.py"))}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle of imports, each once, as the modules along it (depth-first search)."""
    found: dict[frozenset[str], list[str]] = {}

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                circle = path[path.index(imported) :]
                found.setdefault(frozenset(circle), [*circle, imported])
            elif len(path) < len(graph):
                visit(imported, [*path, imported])

    for start in graph:
        visit(start, [start])
    return list(found.values())


def test_the_package_has_no_import_circle():
    graph = import_graph()
    assert set(graph) >= {"__init__", "render", "from_r"}, "the package files were not found"
    found = circles(graph)
    assert not found, "import circles: " + "; ".join(" -> ".join(f"{m}.py" for m in circle) for circle in found)


def test_the_circle_check_finds_a_circle():
    """The check itself sees a circle, through a module between and through the package's __init__."""
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"__init__": {"from_r"}, "from_r": {"__init__"}, "render": set()}) == [
        ["__init__", "from_r", "__init__"]
    ]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_imports_are_read_in_every_form(tmp_path):
    """Imports inside functions, of the package itself and of its names, all count."""
    source = tmp_path / "sample.py"
    source.write_text(
        f"import {NAME}\n"
        f"from {NAME} import render, pipe\n"
        f"from {NAME}.geometry import kernel_extent\n"
        "def f():\n"
        f"    from {NAME}.from_r import RValue\n"
        "from . import errors\n"
    )
    assert _imports(source) == {"__init__", "render", "geometry", "from_r", "errors"}


def test_the_value_types_and_the_geometry_import_nothing_of_the_package():
    """The modules at the bottom: anyone may import them, so they import none of ours."""
    graph = import_graph()
    for module in ("r_values", "geometry", "keras_internals", "_quiet", "declarations", "layer_records", "errors",
                   "arrays"):
        assert graph[module] == set(), (module, graph[module])


def floors(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each module's longest import chain, itself first: its floor is the chain's length (a bottom module: 1).

    Only for a graph without circles (checked above).
    """
    chains: dict[str, list[str]] = {}

    def chain(module: str) -> list[str]:
        if module not in chains:
            below = [chain(imported) for imported in sorted(graph.get(module, ())) if imported in graph]
            chains[module] = [module, *max(below, key=len, default=[])]
        return chains[module]

    for module in graph:
        chain(module)
    return chains


MAX_FLOORS = 8


def test_the_package_stands_on_at_most_eight_import_floors():
    """A shallow import graph: no chain of imports longer than MAX_FLOORS modules, the package's __init__ included."""
    chains = floors(import_graph())
    longest = max(chains.values(), key=len)
    assert len(longest) <= MAX_FLOORS, f"{len(longest)} floors: " + " -> ".join(f"{m}.py" for m in longest)


def test_the_floor_count_follows_the_longest_chain():
    assert floors({"a": {"b", "c"}, "b": {"c"}, "c": set()})["a"] == ["a", "b", "c"]
    assert floors({"a": set()})["a"] == ["a"]
    assert len(max(floors({str(i): {str(i + 1)} for i in range(9)} | {"9": set()}).values(), key=len)) == 10
