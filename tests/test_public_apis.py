"""Our code uses only the public API of other packages: no `obj._private`, no private modules or names.

A private attribute can change or vanish in any release of its package, silently: `mcp`, httpx2 and
pydantic are allowed as version ranges, so each release in the range must keep working. The check reads
the source of every module we ship or run (server/, tools/, sandbox/, scripts/, bench/):

- `x._name` where `_name` is defined nowhere in our own code (so it is another package's), and any
  `x.__pydantic_*__` (pydantic's internals);
- `import pkg._private` / `from pkg._private import ...` / `from pkg import _private` for packages
  other than ours.

A private name of ours spelt the same as another package's hides that use: keep our names distinct.
`ALLOWED` lists the uses that have no public replacement yet, each with why; keep it empty.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ("server", "tools", "sandbox", "scripts", "bench")

# (file, attribute) -> why there is no public way yet.
ALLOWED: dict[tuple[str, str], str] = {}


def _sources() -> Iterator[Path]:
    for top in OURS:
        yield from sorted((ROOT / top).rglob("*.py"))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _ours(module: str | None, level: int) -> bool:
    return level > 0 or (module or "").split(".")[0] in OURS


def _defined_privates(trees: dict[Path, ast.Module]) -> set[str]:
    """Every private name our code defines: functions, classes, attributes, variables, parameters."""
    names: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias) and node.asname:
                names.add(node.asname)
    return {name for name in names if _is_private(name)}


def _uses(path: Path, tree: ast.Module, ours: set[str]) -> Iterator[str]:
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if _is_private(node.attr) and node.attr not in ours and (str(where), node.attr) not in ALLOWED:
                yield f"{where}:{node.lineno}: .{node.attr} is another package's private attribute"
            elif node.attr.startswith("__pydantic_"):
                yield f"{where}:{node.lineno}: .{node.attr} is pydantic's internal attribute"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not _ours(alias.name, 0) and any(_is_private(part) for part in alias.name.split(".")):
                    yield f"{where}:{node.lineno}: import {alias.name} is another package's private module"
        elif isinstance(node, ast.ImportFrom) and not _ours(node.module, node.level):
            module = node.module or ""
            if any(_is_private(part) for part in module.split(".")):
                yield f"{where}:{node.lineno}: from {module} import ... is another package's private module"
            for alias in node.names:
                if _is_private(alias.name):
                    yield f"{where}:{node.lineno}: from {module} import {alias.name} is private to {module}"


def test_no_private_attribute_or_module_of_another_package_is_used() -> None:
    trees = {path: ast.parse(path.read_text(), str(path)) for path in _sources()}
    assert len(trees) > 50  # the sources were found
    ours = _defined_privates(trees)
    found = [use for path, tree in trees.items() for use in _uses(path, tree, ours)]
    assert found == [], "\n".join(found)


def test_every_allowed_exception_is_still_needed() -> None:
    trees = {path.relative_to(ROOT): ast.parse(path.read_text(), str(path)) for path in _sources()}
    used = {
        (str(path), node.attr)
        for path, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
    }
    assert set(ALLOWED) <= used, f"no longer used, drop from ALLOWED: {set(ALLOWED) - used}"
