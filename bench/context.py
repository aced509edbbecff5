"""Figure 4: what `tools/list` costs a model's context, ours vs the peer's generated catalog.

For each view (default toolsets, read-only, everything) both servers are started over stdio with the
same selection and their `tools/list` is measured:
- `bytes`: the whole `tools` array as compact JSON (whitespace habits removed; what the server sends
  minus formatting),
- `model_bytes`: only name, description and inputSchema per tool, what clients typically put in the
  model's prompt (annotations, titles and outputSchema are often kept client-side),
- tokens of each by the estimator in `bench.tokens`, and the largest tools and descriptions.
"""

from __future__ import annotations

from typing import Any

from bench import launch
from bench.launch import VIEWS, View
from bench.processes import Fleet
from bench.stdio_probe import probe
from bench.tokens import ESTIMATOR, estimate_tokens, word_pieces
from bench.wire import compact

__all__ = ["catalog_cost", "measure_context"]

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
    return {
        "tools": len(catalog),
        "names": [tool["name"] for tool in catalog],
        "bytes": len(whole),
        "tokens": estimate_tokens(whole),
        "word_pieces": word_pieces(whole.decode()),
        "model_bytes": len(model_facing),
        "model_tokens": estimate_tokens(model_facing),
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
    views: dict[str, dict[str, Any]] = {}
    for view in VIEWS:
        catalogs = (
            dict(default_catalogs)
            if view == "default"
            else _catalogs(fleet, view, api_base_url, api_key, spec_path, timeout_s)
        )
        views[view] = {name: catalog_cost(catalog) for name, catalog in catalogs.items()}
    return {"token_estimator": ESTIMATOR, "by_view": views}


def _catalogs(
    fleet: Fleet, view: View, api_base_url: str, api_key: str, spec_path: Any, timeout_s: float
) -> dict[str, list[dict[str, Any]]]:
    commands = {
        "ours": launch.ours_stdio(api_base_url, api_key, view),
        "peer": launch.peer_stdio(spec_path, api_base_url, api_key, view),
    }
    return {
        name: probe(fleet, f"{name}-stdio-{view}", command, timeout_s).tools
        for name, command in commands.items()
    }
