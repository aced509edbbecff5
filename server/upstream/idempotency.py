"""Idempotency keys for writes the model might repeat, the way Stripe has them.

A key names one request. When the model gives none, one is derived from the request's content alone --
the caller's API key, the tool and its canonical arguments, never the clock -- so a retry, however late,
carries the same key and intervyo returns the session it already scheduled instead of a second one.
Asking again for a session that is already over (cancelled, failed, completed) is deliberate, not a
retry: the caller then derives a second key chained on that session (`is_finished_replay`).

Every key used is recorded for `TTL_S` (24 h) with a fingerprint of the request it was used for, per API
key (`server.upstream.idempotency_keys`). The same key with other arguments inside that time is refused
(`KeyReused`), never answered with the first request's session; so is a replay whose session does not
match the arguments (`replay_mismatch`), which also covers keys older than the record. The API key is
only an input to the hashes, so neither the derived key nor the fingerprint reveals anything about it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from server.errors import ToolError
from tools.sessions import TERMINAL_STATUSES

__all__ = ["FIELD", "TTL_S", "KeyReused", "derive", "fingerprint", "is_finished_replay", "replay_mismatch"]

FIELD = "idempotency_key"
TTL_S = 24 * 3600

# Arguments whose value a replayed session shows: a replay that differs in one of them was another request.
_ECHOED = ("candidate_id", "evaluation_template_id", "stage", "interview_id")


class KeyReused(ToolError):
    """409: this idempotency key already named a different request."""

    def __init__(self, key: str) -> None:
        super().__init__(
            status=409,
            message=(
                f"idempotency_key '{key}' was already used for a different request (other arguments). "
                "A key names one request: to schedule this one, call again with a new idempotency_key "
                "(or none, and one is derived from the arguments)."
            ),
            idempotency_key=key,
        )


def _canonical(arguments: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in arguments.items() if k != FIELD and v is not None},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def derive(api_key: str, tool: str, arguments: dict[str, Any]) -> str:
    """The key for (API key, tool, arguments): the same for the same request, whenever it is sent."""
    digest = hashlib.sha256("\x1f".join((api_key, tool, _canonical(arguments))).encode()).hexdigest()
    return f"mcp-{digest[:48]}"


def fingerprint(tool: str, arguments: dict[str, Any]) -> str:
    """What a request asked for, as a hash: two requests under one key must have the same one."""
    return hashlib.sha256("\x1f".join((tool, _canonical(arguments))).encode()).hexdigest()


def is_finished_replay(result: dict[str, Any]) -> bool:
    """True when a result is a replayed session that is already over, so it cannot be what was meant."""
    return result.get("idempotent") is True and result.get("status") in TERMINAL_STATUSES and "id" in result


def replay_mismatch(result: dict[str, Any], arguments: dict[str, Any]) -> bool:
    """True when a replayed session is not what these arguments ask for: the key named another request."""
    if result.get("idempotent") is not True:
        return False
    return any(
        arguments.get(name) is not None and name in result and str(result[name]) != str(arguments[name])
        for name in _ECHOED
    )
