"""Figure 5: the bytes a model receives for a `list_sessions` page of 20 and for a scorecard
(`get_session` on a scored session): ours vs the raw API response vs the peer.

For the API, the response body. For the MCP servers, three sizes of the `tools/call` result:
`text_bytes` (the `content` text blocks, what most clients show the model), `structured_bytes`
(`structuredContent`, which clients that support it may pass instead) and `result_bytes` (the whole
result object as compact JSON). Tokens by the estimator in `bench.tokens`. The scorecard is compared
like for like through `get_session`; ours also offers `get_scorecard` (a composite tool the peer has
no equivalent of), measured beside it as `ours_get_scorecard`.
"""

from __future__ import annotations

from typing import Any

from bench.callers import Outcome
from bench.rig import CONTENDERS, Rig
from bench.tokens import estimate_tokens
from bench.wire import RpcError, compact

__all__ = ["CASES", "measure_result_size"]

CASES = {"list_sessions_page_20": "list_sessions", "scorecard": "get_session"}


def _sizes(contender: str, outcome: Outcome) -> dict[str, Any]:
    payload = outcome.payload
    if contender == "direct":
        return {
            "body_bytes": outcome.body_bytes,
            "compact_bytes": len(compact(payload)),
            "tokens": estimate_tokens(compact(payload)),
        }
    text = "".join(
        block.get("text", "") for block in payload.get("content", []) if block.get("type") == "text"
    )
    structured = payload.get("structuredContent")
    whole = compact(payload)
    return {
        "text_bytes": len(text.encode()),
        "text_tokens": estimate_tokens(text),
        "structured_bytes": len(compact(structured)) if structured is not None else 0,
        "result_bytes": len(whole),
        "result_tokens": estimate_tokens(whole),
        "is_error": bool(payload.get("isError")),
    }


async def measure_result_size(rig: Rig) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {case: {} for case in CASES}
    for contender in CONTENDERS:
        pool = rig.client(contender, 1)
        caller = await rig.caller(contender, pool)
        try:
            for case, tool in CASES.items():
                outcome = await caller.call(tool, rig.workload.arguments(tool))
                found[case][contender] = _sizes(contender, outcome)
            if contender == "ours":
                try:
                    outcome = await caller.call("get_scorecard", rig.workload.arguments("get_scorecard"))
                except RpcError as error:
                    found["scorecard"]["ours_get_scorecard"] = {"unavailable": str(error)}
                else:
                    found["scorecard"]["ours_get_scorecard"] = _sizes(contender, outcome)
        finally:
            await caller.close()
            await pool.aclose()
    return {"by_case": found}
