"""Figure 4: what `tools/list` costs a model's context, ours vs the peer's generated catalog.

For each view (default toolsets, read-only, everything) both servers are started over stdio with the
same selection and their `tools/list` is measured:
- `bytes`: the whole `tools` array as compact JSON (whitespace habits removed; what the server sends
  minus formatting),
- `model_bytes`: only name, description and inputSchema per tool, what clients typically put in the
  model's prompt (annotations, titles and outputSchema are often kept client-side),
- `bytes_by_field`: where the bytes go (`"key":value` per field, summed over the tools),
- tokens of each by the estimator in `bench.tokens`, and the largest tools and descriptions.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import launch
from bench.launch import VIEWS
from bench.processes import Fleet
from bench.stdio_probe import probe
from bench.tokens import ESTIMATOR, estimate_tokens, word_pieces
from bench.wire import compact

__all__ = ["catalog_cost", "measure_context", "shared_cost"]

_MODEL_FIELDS = ("name", "description", "inputSchema")
_TOP = 5
_HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")


def catalog_cost(catalog: list[dict[str, Any]]) -> dict[str, Any]:
    """Sizes of one `tools/list` answer and its largest entries."""
    whole = compact(catalog)
    model_facing = compact([{k: tool[k] for k in _MODEL_FIELDS if k in tool} for tool in catalog])
    per_tool = sorted(
        (
            {
                "name": tool["name"],
                "bytes": len(compact(tool)),
                "description_bytes": len(str(tool.get("description", "")).encode()),
            }
            for tool in catalog
        ),
        key=lambda row: -row["bytes"],
    )
    descriptions = sorted(per_tool, key=lambda row: -row["description_bytes"])
    properties = [
        prop
        for tool in catalog
        for prop in tool.get("inputSchema", {}).get("properties", {}).values()
        if isinstance(prop, dict)
    ]
    by_field: dict[str, int] = {}
    for tool in catalog:
        for key, value in tool.items():
            by_field[key] = by_field.get(key, 0) + len(compact({key: value})) - 2
    return {
        "tools": len(catalog),
        "names": [tool["name"] for tool in catalog],
        "bytes": len(whole),
        "tokens": estimate_tokens(whole),
        "word_pieces": word_pieces(whole.decode()),
        "model_bytes": len(model_facing),
        "model_tokens": estimate_tokens(model_facing),
        "bytes_by_field": dict(sorted(by_field.items(), key=lambda item: -item[1])),
        "with_all_four_hints": sum(1 for tool in catalog if _hinted(tool)),
        "with_output_schema": sum(1 for tool in catalog if tool.get("outputSchema")),
        "input_properties": len(properties),
        "input_properties_described": sum(1 for prop in properties if prop.get("description")),
        "largest_tools": per_tool[:_TOP],
        "largest_descriptions": [
            {
                "name": row["name"],
                "description_bytes": row["description_bytes"],
                "description": next(t.get("description", "") for t in catalog if t["name"] == row["name"]),
            }
            for row in descriptions[:_TOP]
        ],
    }


def _hinted(tool: dict[str, Any]) -> bool:
    hints = tool.get("annotations") or {}
    return all(hints.get(k) is not None for k in _HINTS)


def measure_context(
    fleet: Fleet,
    api_base_url: str,
    api_key: str,
    spec_path: Any,
    timeout_s: float,
    default_catalogs: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """Catalog costs per view; the default view reuses the catalogs the cold-start runs received."""
    views: dict[str, dict[str, Any]] = {"default": {n: catalog_cost(c) for n, c in default_catalogs.items()}}
    commands = {
        (view, name): command
        for view in VIEWS
        if view != "default"
        for name, command in (
            ("ours", launch.ours_stdio(api_base_url, api_key, view)),
            ("peer", launch.peer_stdio(spec_path, api_base_url, api_key, view)),
        )
    }
    # Only the answers matter here, not the timing: every server starts at once.
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        futures = {
            key: pool.submit(probe, fleet, f"{key[1]}-stdio-{key[0]}", command, timeout_s)
            for key, command in commands.items()
        }
        for (view, name), future in futures.items():
            views.setdefault(view, {})[name] = catalog_cost(future.result().tools)
    return {"token_estimator": ESTIMATOR, "by_view": views}


def shared_cost(
    ours: list[dict[str, Any]], peer: list[dict[str, Any]], names: dict[str, str]
) -> dict[str, int]:
    """Bytes of only the tools both servers offer (`names`: ours -> the peer's), like for like."""
    peer_names = set(names.values())
    return {
        "tools": len(names),
        "ours_bytes": sum(len(compact(tool)) for tool in ours if tool["name"] in names),
        "peer_bytes": sum(len(compact(tool)) for tool in peer if tool["name"] in peer_names),
    }
