"""`RedisBus`: the subscription bus over Redis pub/sub, so every replica hears every replica's updates.

`publish` sends the event, as its wire notification (`{"method", "params"}`), on one channel. Each
replica holds one pub/sub connection, subscribed to that channel, and a reader that hands each message to
the local listeners (its own publishes included: that is how they reach its own listeners). If Redis goes
away the reader reconnects with capped backoff; events published meanwhile are lost, which the
protocol allows (no replay: clients refetch when they re-listen).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Self

import anyio
import redis.asyncio as redis
from mcp.server.subscriptions import ServerEvent
from mcp.shared.subscriptions import event_from_wire, event_to_notification
from redis.exceptions import RedisError

__all__ = ["CHANNEL", "RedisBus"]

CHANNEL = "intervyo-mcp:events"

_BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0)

logger = logging.getLogger(__name__)


class RedisBus:
    """A `server.live.bus.Bus` backed by Redis pub/sub. Use as `async with RedisBus(url) as bus:`."""

    def __init__(self, url: str, *, channel: str = CHANNEL) -> None:
        self._url = url
        self._channel = channel
        self._listeners: dict[object, Callable[[ServerEvent], None]] = {}
        self._client: redis.Redis | None = None
        self._stack: AsyncExitStack | None = None
        self._subscribed = anyio.Event()

    async def __aenter__(self) -> Self:
        async with AsyncExitStack() as stack:
            self._client = redis.Redis.from_url(self._url)
            stack.push_async_callback(self._client.aclose)
            await self._client.ping()
            group = await stack.enter_async_context(anyio.create_task_group())
            stack.callback(group.cancel_scope.cancel)
            group.start_soon(self._read)
            with anyio.fail_after(10):
                await self._subscribed.wait()
            self._stack = stack.pop_all()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
        self._client = None

    async def publish(self, event: ServerEvent) -> None:
        """Send `event` to every replica (this one included) through Redis."""
        if self._client is None:
            raise RuntimeError("RedisBus is not open; use it as an async context manager")
        notification = event_to_notification(event, {}).model_dump(
            by_alias=True, mode="json", exclude_none=True
        )
        payload = json.dumps({"method": notification["method"], "params": notification.get("params")})
        try:
            await self._client.publish(self._channel, payload)
        except RedisError:
            logger.warning("could not publish an update on redis; subscribers will miss it")

    def subscribe(self, listener: Callable[[ServerEvent], None]) -> Callable[[], None]:
        """Register a local listener; returns an idempotent unsubscribe."""
        token = object()
        self._listeners[token] = listener

        def unsubscribe() -> None:
            self._listeners.pop(token, None)

        return unsubscribe

    async def _read(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
            except RedisError:
                wait = _BACKOFF_S[min(failures, len(_BACKOFF_S) - 1)]
                failures += 1
                logger.warning("redis subscription lost; reconnecting in %.1f s", wait)
                await anyio.sleep(wait)
            else:
                failures = 0

    async def _listen(self) -> None:
        assert self._client is not None
        async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(self._channel)
            self._subscribed.set()
            async for message in pubsub.listen():
                self._deliver(message)

    def _deliver(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        try:
            wire = json.loads(message["data"])
            event = event_from_wire(str(wire["method"]), wire.get("params"))
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored an unreadable message on %s", self._channel)
            return
        if event is None:
            return
        for listener in list(self._listeners.values()):
            try:
                listener(event)
            except Exception:  # fan-out boundary: one listener must not starve the others
                logger.exception("subscription listener raised; continuing")
