"""intervyo's answers turned into the tools' structured results, exactly as the output schemas say.

Upstream shapes: a resource is `{"data": {...}}` (a replayed schedule adds `"idempotent": true` beside
it), a list is `{"data": [...], "meta": {...}}`, a delete is 204 with no body, and a reschedule is an
acknowledgement `{"success": true}`. Results are dumped without nulls: the output schemas mark optional
fields as not required rather than nullable.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from server.errors import UnreadableAnswer
from server.untrusted import fence_in_place
from server.upstream.client import Answer
from tools import Operation

__all__ = ["shape", "tool_result"]


def shape(op: Operation, arguments: BaseModel, answer: Answer) -> dict[str, Any]:
    """The structured result for a successful answer, or `UnreadableAnswer` if it breaks the contract."""
    if op.result is None:
        return {}
    try:
        model = op.result.model_validate(_values(op, arguments, answer))
    except (ValidationError, KeyError, TypeError):
        raise UnreadableAnswer(op.name) from None
    return fence_in_place(model.model_dump(mode="json", exclude_none=True), op.candidate_authored)


def tool_result(text: str, structured: dict[str, Any]) -> dict[str, Any]:
    """A successful `tools/call` result in its wire form: `structured`, and `text` for clients that show text.

    The SDK checks what a handler returns against `CallToolResult` for the caller's protocol version
    either way (keeping only what that version defines); handed the model instead, it would first dump
    it, walking the whole structured content once more.
    """
    return {
        "content": [{"type": "text", "text": text}],
        "structuredContent": structured,
        "isError": False,
        "resultType": "complete",  # required from 2026-07-28 on
    }


def _values(op: Operation, arguments: BaseModel, answer: Answer) -> dict[str, Any]:
    body = answer.body
    if op.method == "DELETE":
        # 204 says only that it worked; the result names what is gone.
        return {"deleted": True, "id": arguments.model_dump(mode="json")[op.path_params[0]]}
    if not isinstance(body, dict):
        raise TypeError("answer is not an object")
    if op.list_result:
        return {"items": body["data"], "meta": body["meta"]}
    if "data" in body:
        data = body["data"]
        if not isinstance(data, dict):
            raise TypeError("data is not an object")
        beside = {k: v for k, v in body.items() if k not in ("data", "meta")}
        return {**beside, **data}
    # An acknowledgement without the resource: what it acknowledges comes from the arguments.
    return {**arguments.model_dump(mode="json"), **body}
