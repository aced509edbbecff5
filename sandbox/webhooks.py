"""Webhook delivery from the outbox: signed POSTs, retried with exponential backoff.

Each delivery POSTs the event's raw JSON with `content-type: application/json`,
`x-intervyo-event: <event name>` and `x-intervyo-signature: sha256=<hex HMAC-SHA256 of the raw body
with the configured secret>`. A 2xx answer is success; anything else (or no answer within 5 s) is
retried after 1, 2, 4, 8, 16 s (divided by the time scale), then given up after 6 attempts. Delivery
runs in the app's background worker, never in a request, so a slow or broken receiver cannot delay
or fail an API call.
"""

from __future__ import annotations

import json
import logging
import time

import anyio.to_thread
import httpx2

from sandbox.runtime import Runtime
from sandbox.store import Delivery
from tools.webhooks import EVENT_HEADER, SIGNATURE_HEADER, sign

__all__ = ["MAX_ATTEMPTS", "deliver_due"]

MAX_ATTEMPTS = 6
_FIRST_BACKOFF = 1.0
_TIMEOUT = 5.0
_BATCH = 20

_log = logging.getLogger(__name__)


async def deliver_due(runtime: Runtime, client: httpx2.AsyncClient) -> int:
    """Attempt every delivery whose time has come; return how many were attempted."""
    url, secret = runtime.config.webhook_url, runtime.config.webhook_secret
    if url is None or secret is None:
        return 0
    due = await anyio.to_thread.run_sync(runtime.store.due_deliveries, time.time(), _BATCH)
    for delivery in due:
        error = await _post(client, url, secret, delivery)
        if error is None:
            await anyio.to_thread.run_sync(runtime.store.delivery_succeeded, delivery.id, time.time())
            continue
        attempts = delivery.attempts + 1
        retry_at = None
        if attempts < MAX_ATTEMPTS:
            retry_at = time.time() + runtime.config.scaled(_FIRST_BACKOFF * 2 ** (attempts - 1))
        else:
            _log.warning("webhook %s given up after %d attempts: %s", delivery.event_id, attempts, error)
        await anyio.to_thread.run_sync(runtime.store.delivery_failed, delivery.id, error, retry_at)
    return len(due)


async def _post(client: httpx2.AsyncClient, url: str, secret: str, delivery: Delivery) -> str | None:
    body = delivery.body.encode()
    headers = {
        "content-type": "application/json",
        EVENT_HEADER: str(json.loads(body)["event"]),
        SIGNATURE_HEADER: sign(secret, body),
    }
    try:
        response = await client.post(url, content=body, headers=headers, timeout=_TIMEOUT)
    except httpx2.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.is_success:
        return None
    return f"HTTP {response.status_code}"
