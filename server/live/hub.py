"""`Live`: everything behind live updates in one server process, and its lifetime.

    bus            in-memory, or Redis when `INTERVYO_REDIS_URL` is set (`server.live.bus`)
    watchlist      subscribed sessions and their subscribers' keys, in memory only (`server.live.poller`)
    connections    names each client connection and says when it ends (`server.live.connections`)
    subscriptions  the subscribe / listen handlers and delivery to 2025-era sessions
    webhooks       the signed-delivery receiver, when `INTERVYO_WEBHOOK_SECRET` is set
    poller         otherwise: polls the watched sessions at a bounded rate

`lifespan` is the MCP server's lifespan: it opens the bus and runs the forwarder (and the poller) in the
background. The SDK enters a server's lifespan once per HTTP session manager, and once per connection
on stdio and legacy SSE; entries are counted and the first one starts and owns the background work.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import anyio

from server.caller import Callers
from server.live.bus import bus_for
from server.live.connections import Connections
from server.live.poller import Poller, Watchlist
from server.live.subscriptions import Subscriptions
from server.live.webhooks import EventIds, InMemoryEventIds, RedisEventIds, WebhookReceiver
from server.settings import Settings
from server.upstream.reads import Reads

__all__ = ["Live"]


class Live:
    """The live-update machinery for `settings`, reading intervyo through `reads`."""

    def __init__(self, settings: Settings, reads: Reads, callers: Callers) -> None:
        self.bus = bus_for(settings)
        self.watchlist = Watchlist()
        self.connections = Connections()
        self.subscriptions = Subscriptions(
            reads,
            self.bus,
            self.watchlist,
            callers=callers,
            connections=self.connections,
            stateless=settings.stateless,
        )
        self._redis_ids = RedisEventIds(settings.redis_url) if settings.redis_url else None
        event_ids: EventIds = self._redis_ids or InMemoryEventIds()
        self.webhooks = (
            WebhookReceiver(
                settings.webhook_secret.get_secret_value(),
                tolerance_s=settings.webhook_tolerance_s,
                event_ids=event_ids,
                on_session=self.subscriptions.changed,
            )
            if settings.webhook_secret
            else None
        )
        self.poller = (
            None
            if settings.webhook_secret
            else Poller(
                self.watchlist,
                reads,
                self.subscriptions.changed,
                interval_s=settings.poll_interval_s,
                max_sessions=settings.poll_max_sessions,
            )
        )
        self._entered = 0
        self._stack: contextlib.AsyncExitStack | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _server: object) -> AsyncIterator[dict[str, Any]]:
        """The server lifespan: the first entry starts the background work, the last one stops it."""
        if self._entered == 0:
            self._stack = await self._start()
        self._entered += 1
        try:
            yield {}
        finally:
            self._entered -= 1
            if self._entered == 0 and self._stack is not None:
                stack, self._stack = self._stack, None
                await stack.aclose()

    async def _start(self) -> contextlib.AsyncExitStack:
        stack = contextlib.AsyncExitStack()
        try:
            await stack.enter_async_context(self.bus)
            if self._redis_ids is not None:
                await stack.enter_async_context(self._redis_ids)
            group = await stack.enter_async_context(anyio.create_task_group())
            stack.callback(group.cancel_scope.cancel)
            group.start_soon(self.subscriptions.forward)
            if self.poller is not None:
                group.start_soon(self.poller.run)
            stack.callback(self.subscriptions.close)
        except BaseException:
            await stack.aclose()
            raise
        return stack
