"""The short text that accompanies every structured result.

The spec asks tools that return structured content to also return it as text, for clients that only
show text. Lists get a one-line pagination summary first, so a model reading only text still knows
there is more.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from tools import Operation

__all__ = ["render"]


def render(op: Operation, structured: dict[str, Any]) -> str:
    text = to_json(structured).decode()  # compact UTF-8, as json.dumps(ensure_ascii=False) would write it
    meta = structured.get("meta")
    if op.list_result and isinstance(meta, dict):
        shown = len(structured.get("items", []))
        summary = (
            f"{shown} of {meta.get('total')} (page {meta.get('page')} of {meta.get('total_pages')}; "
            "call again with page+1 for more)."
            if meta.get("page", 0) < meta.get("total_pages", 0)
            else f"{shown} of {meta.get('total')} (page {meta.get('page')} of {meta.get('total_pages')})."
        )
        return f"{summary}\n{text}"
    return text
