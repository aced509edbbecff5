"""Webhook events: the documented envelope, written to the outbox in the same transaction as the change.

`webhooks.py` delivers what lands here. Nothing is written when no webhook URL is configured.
"""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import uuid4

from sandbox.clock import iso
from sandbox.runtime import Runtime
from tools.webhooks import Event

__all__ = ["Event", "emit"]


def emit(runtime: Runtime, event: Event, data: dict[str, Any]) -> None:
    """Queue `{"id": "evt_…", "event", "occurred_at", "data"}` for delivery to the configured URL."""
    if runtime.config.webhook_url is None:
        return
    event_id = f"evt_{uuid4().hex}"
    envelope = {"id": event_id, "event": event, "occurred_at": iso(runtime.clock.now()), "data": data}
    runtime.store.enqueue_delivery(event_id, json.dumps(envelope), time.time())
