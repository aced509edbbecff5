"""`POST /webhooks/intervyo`: intervyo's signed event deliveries, turned into resource updates.

A delivery is accepted only if all of these hold, checked in this order:

    401  `x-intervyo-signature: sha256=<hex>` is the HMAC-SHA256 of the raw body under the configured
         secret (compared in constant time)
    400  the body is the documented envelope `{"id", "event", "occurred_at", "data"}`
    400  `occurred_at` is within `webhook_tolerance_s` of now (an old, captured delivery is refused)
    409  its event id has not been accepted before within that window (a replay is refused; with Redis
         configured the memory of ids is shared by every replica)

An accepted `session.*` event means the session changed: its scorecard and transcript URIs are published
on the bus. The route exists only when `INTERVYO_WEBHOOK_SECRET` is set; then the poller does not run.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.documents.uris import parse_id
from tools.webhooks import SIGNATURE_HEADER, signed_by

__all__ = [
    "PATH",
    "EventIds",
    "InMemoryEventIds",
    "RedisEventIds",
    "WebhookReceiver",
]

PATH = "/webhooks/intervyo"

_MAX_BODY = 1024 * 1024
_MAX_REMEMBERED = 100_000

logger = logging.getLogger(__name__)


class EventIds(Protocol):
    """Remembers accepted event ids for a while, to refuse replays."""

    async def first_time(self, event_id: str, ttl_s: float) -> bool:
        """Record `event_id`; True unless it was already recorded within its `ttl_s`."""
        ...


class InMemoryEventIds:
    """Event ids remembered in this process (bounded: the oldest are forgotten first)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()

    async def first_time(self, event_id: str, ttl_s: float) -> bool:
        now = self._clock()
        while self._expiry and (
            next(iter(self._expiry.values())) <= now or len(self._expiry) > _MAX_REMEMBERED
        ):
            self._expiry.popitem(last=False)
        expires = self._expiry.get(event_id)
        if expires is not None and expires > now:
            return False
        self._expiry[event_id] = now + ttl_s
        self._expiry.move_to_end(event_id)
        return True


class RedisEventIds:
    """Event ids remembered in Redis (`SET NX EX`), shared by every replica."""

    def __init__(self, url: str, *, prefix: str = "intervyo-mcp:webhook-event:") -> None:
        import redis.asyncio as redis  # only deployments with Redis pay for importing it

        self._client = redis.Redis.from_url(url)
        self._prefix = prefix

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.aclose()

    async def first_time(self, event_id: str, ttl_s: float) -> bool:
        stored = await self._client.set(self._prefix + event_id, b"1", nx=True, ex=max(1, round(ttl_s)))
        return bool(stored)


class WebhookReceiver:
    """The route's endpoint: verify, then report the changed session through `on_session`."""

    def __init__(
        self,
        secret: str,
        *,
        tolerance_s: float,
        event_ids: EventIds,
        on_session: Callable[[str], Awaitable[None]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._tolerance_s = tolerance_s
        self._event_ids = event_ids
        self._on_session = on_session
        self._clock = clock

    async def handle(self, request: Request) -> Response:
        body = await _body(request)
        if body is None:
            return _refuse(413, "Payload too large.")
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not signed_by(self._secret, body, given):
            logger.warning("webhook refused: bad or missing signature")
            return _refuse(401, "Invalid signature.")
        envelope = _envelope(body)
        if envelope is None:
            return _refuse(400, "Not an intervyo event envelope.")
        event_id, event, occurred = envelope
        if abs(self._clock() - occurred) > self._tolerance_s:
            logger.warning("webhook refused: event %s is outside the accepted time window", event_id)
            return _refuse(400, "Stale delivery: occurred_at is outside the accepted window.")
        if not await self._event_ids.first_time(event_id, 2 * self._tolerance_s):
            logger.warning("webhook refused: event %s was already delivered", event_id)
            return _refuse(409, "Replayed delivery: this event id was already accepted.")
        session_id = _session_id(json.loads(body))
        if event.startswith("session.") and session_id is not None:
            await self._on_session(session_id)
        logger.info("webhook %s accepted (%s)", event_id, event)
        return JSONResponse({"accepted": True})


async def _body(request: Request) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _envelope(body: bytes) -> tuple[str, str, float] | None:
    try:
        parsed: Any = json.loads(body)
        event_id, event, occurred_at = parsed["id"], parsed["event"], parsed["occurred_at"]
        if not (isinstance(event_id, str) and event_id and isinstance(event, str)):
            return None
        occurred = datetime.fromisoformat(str(occurred_at).replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError):
        return None
    if occurred.tzinfo is None or not isinstance(parsed.get("data"), dict):
        return None
    return event_id, event, occurred.timestamp()


def _session_id(parsed: dict[str, Any]) -> str | None:
    session = parsed["data"].get("session")
    if not isinstance(session, dict):
        return None
    return parse_id(str(session.get("id", "")))


def _refuse(status: int, message: str) -> Response:
    return JSONResponse({"accepted": False, "error": message}, status_code=status)
