"""server/ is a few named parts with imports flowing one way: no module imports itself back.

A part is a subpackage of server/ (`http`, `live`, ...); the top-level modules are the core (settings,
errors, the caller) and the entry points (`app`, the composition root, and the CLI). Imports made at
module level count; one made inside a function (the sandbox, loaded only by `--sandbox`) does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import server

_ROOT = Path(server.__file__).parent
_ENTRY = {"app", "cli", "__main__"}


def _module(path: Path) -> str:
    parts = path.relative_to(_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """What `path` imports of server/ at module level (`from a.b import c` counts as `a.b.c` when that
    is a module, else as `a.b`)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "server" or node.module.startswith("server."):
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("server.")}
    return found


def _modules() -> dict[str, Path]:
    return {_module(path): path for path in _ROOT.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {target for target in _imports(path, set(modules)) if target in modules and target != name}
        for name, path in modules.items()
    }


def _part(module: str) -> str:
    pieces = module.split(".")
    if len(pieces) > 2 or (_ROOT / pieces[-1]).is_dir():
        return pieces[1]
    return "entry" if pieces[-1] in _ENTRY else "core"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*trail[trail.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        trail.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_of_server_imports_itself_back() -> None:
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_the_parts_of_server_depend_on_each_other_one_way() -> None:
    parts: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        parts.setdefault(_part(module), set()).update(
            _part(target) for target in targets if _part(target) != _part(module)
        )
    assert _cycle(parts) is None, " -> ".join(_cycle(parts) or [])
    assert not parts.get("core", set()) - {"core"}, f"the core imports {parts['core']}"
    assert len(parts) <= 9, sorted(parts)
