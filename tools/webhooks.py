"""intervyo's webhook contract, the one definition both sides use: the sandbox signs its deliveries
with it and the server verifies the ones it receives (`server.live.webhooks`).

Events (`EVENTS`) come in the envelope `{"id": "evt_…", "event", "occurred_at", "data"}`, POSTed as raw
JSON with `x-intervyo-event: <event>` and **(inferred)** `x-intervyo-signature: sha256=<hex HMAC-SHA256 of
the raw body under the endpoint's signing secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal, get_args

__all__ = ["EVENTS", "EVENT_HEADER", "SIGNATURE_HEADER", "Event", "sign", "signed_by"]

Event = Literal[
    "session.created",
    "session.started",
    "session.completed",
    "session.scored",
    "session.failed",
    "session.cancelled",
    "participant.created",
]
EVENTS: tuple[str, ...] = get_args(Event)
EVENT_HEADER = "x-intervyo-event"
SIGNATURE_HEADER = "x-intervyo-signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header value for `body`: `sha256=<hex HMAC-SHA256>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_by(secret: str, body: bytes, signature: str) -> bool:
    """Whether `signature` is `body`'s under `secret` (compared in constant time; any text accepted)."""
    return hmac.compare_digest(sign(secret, body).encode(), signature.encode())
