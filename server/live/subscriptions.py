"""Live updates: who is subscribed to which resource, and getting `notifications/resources/updated` to them.

Two protocol eras, one bus (`server.live.bus`):

    2025 era   `resources/subscribe` / `resources/unsubscribe` on a stateful session. The connection
               (`server.live.connections`) is remembered per URI with the `ServerSession` of its latest
               subscribe, and forgotten when the connection ends or a notification to it fails; a bus
               event for that URI is sent with that session, on the connection's standalone stream.
    2026 era   `subscriptions/listen`: the SDK's `ListenHandler` holds the stream and filters bus events
               by URI. It is wrapped here to check access first and to watch the sessions while it lasts.

Subscribing checks access: the caller's key must be able to read the session (or template), otherwise
the answer is the spec's not-found error, exactly as if the id did not exist. While subscribed, the
session is on the `Watchlist` with the subscriber's key, for the poller.

Changes come in through `changed(session_id)` (from the webhook route or the poller, on any replica) and
go out as `ResourceUpdated` for the session's scorecard and transcript URIs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectSendStream
from mcp.server import ServerRequestContext
from mcp.server.session import ServerSession
from mcp.server.subscriptions import ListenHandler, ResourceUpdated, ServerEvent
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INVALID_REQUEST,
    EmptyResult,
    SubscribeRequestParams,
    SubscriptionsListenRequestParams,
    SubscriptionsListenResult,
    UnsubscribeRequestParams,
)

from server.caller import Callers
from server.documents.uris import Ref, canonical, parse, scorecard_uri, transcript_uri
from server.errors import ToolError
from server.live.bus import Bus
from server.live.connections import Connections
from server.live.poller import Watchlist, state_of
from server.upstream.reads import Reads, not_found, protocol_error

__all__ = ["MAX_URIS_PER_CONNECTION", "Subscriptions"]

logger = logging.getLogger(__name__)

MAX_URIS_PER_CONNECTION = 100
_TOO_MANY = f"At most {MAX_URIS_PER_CONNECTION} resource subscriptions per session or listen stream."
_STATELESS = (
    "This server runs without MCP sessions (--stateless), so it cannot push updates to a 2025-era client: "
    "use subscriptions/listen (protocol 2026-07-28), or wait_for_scorecard."
)
_OUTBOX = 1024


class Subscriptions:
    """Subscription handlers for both eras, and delivery of changes to 2025-era sessions."""

    def __init__(
        self,
        reads: Reads,
        bus: Bus,
        watchlist: Watchlist,
        *,
        callers: Callers,
        connections: Connections,
        stateless: bool = False,
    ) -> None:
        self._reads = reads
        self._connections = connections
        self._stateless = stateless
        self._bus = bus
        self._watchlist = watchlist
        self._callers = callers
        self._listen = ListenHandler(bus)
        # Keyed by canonical URI (`server.documents.uris.canonical`), which updates are published under:
        # uri -> {connection key: the URI as it subscribed}; connection key -> {uri: release of its
        # watch}, and the session to notify it with (any request's session sends standalone
        # notifications for its connection)
        self._legacy: dict[str, dict[str, str]] = {}
        self._held: dict[str, dict[str, Callable[[], None]]] = {}
        self._senders: dict[str, ServerSession] = {}
        self._outbox: MemoryObjectSendStream[str] | None = None  # open while `forward` runs
        self._bus.subscribe(self._on_event)

    async def changed(self, session_id: str) -> None:
        """The session changed (status or scorecard): tell everyone subscribed to it, on every replica."""
        for uri in (scorecard_uri(session_id), transcript_uri(session_id)):
            await self._bus.publish(ResourceUpdated(uri=uri))

    async def subscribe(self, ctx: ServerRequestContext[Any], params: SubscribeRequestParams) -> EmptyResult:
        """`resources/subscribe` (2025 era)."""
        if self._stateless and ctx.request is not None:
            raise MCPError(code=INVALID_REQUEST, message=_STATELESS)
        uri = canonical(params.uri)
        key = self._callers.key(ctx)
        connection = self._connections.key(ctx)
        if connection is None:
            raise MCPError(code=INVALID_REQUEST, message=_STATELESS)
        state = await self._check(uri, key)
        held = self._held.get(connection)
        if held is None:
            held = self._held[connection] = {}
            self._connections.on_close(connection, partial(self._forget_connection, connection))
        if uri not in held:
            if len(held) >= MAX_URIS_PER_CONNECTION:
                raise MCPError(code=INVALID_REQUEST, message=_TOO_MANY, data={"uri": uri})
            held[uri] = self._watch(uri, key, state)
            self._legacy.setdefault(uri, {})[connection] = params.uri
        self._senders[connection] = ctx.session
        return EmptyResult()

    async def unsubscribe(
        self, ctx: ServerRequestContext[Any], params: UnsubscribeRequestParams
    ) -> EmptyResult:
        """`resources/unsubscribe` (2025 era); unknown subscriptions are ignored."""
        connection = self._connections.key(ctx)
        if connection is not None:
            uri = canonical(params.uri)
            release = self._held.get(connection, {}).pop(uri, None)
            if release is not None:
                release()
            self._drop(uri, connection)
        return EmptyResult()

    async def listen(
        self, ctx: ServerRequestContext[Any], params: SubscriptionsListenRequestParams
    ) -> SubscriptionsListenResult:
        """`subscriptions/listen` (2026 era): check every URI, watch them while the stream lasts."""
        uris = list(
            dict.fromkeys(canonical(uri) for uri in params.notifications.resource_subscriptions or ())
        )
        if len(uris) > MAX_URIS_PER_CONNECTION:
            raise MCPError(code=INVALID_REQUEST, message=_TOO_MANY)
        if uris:  # listened for under the spelling updates are published with
            notifications = params.notifications.model_copy(update={"resource_subscriptions": uris})
            params = params.model_copy(update={"notifications": notifications})
        releases: list[Callable[[], None]] = []
        try:
            if uris:
                key = self._callers.key(ctx)
                for uri in uris:
                    releases.append(self._watch(uri, key, await self._check(uri, key)))
            return await self._listen(ctx, params)
        finally:
            for release in releases:
                release()

    async def forward(self) -> None:
        """Deliver bus events to 2025-era sessions until cancelled (runs in the server's lifespan)."""
        send, receive = anyio.create_memory_object_stream[str](_OUTBOX)
        async with send, receive:
            self._outbox = send
            try:
                async for uri in receive:
                    for connection, as_subscribed in list(self._legacy.get(uri, {}).items()):
                        await self._send(connection, as_subscribed)
            finally:
                self._outbox = None

    def close(self) -> None:
        """End the open listen streams gracefully (shutdown)."""
        self._listen.close()

    async def _check(self, uri: str, key: str) -> str | None:
        """Raise not-found unless `key` can read what `uri` names; the session's state when it is one."""
        ref = parse(uri)
        if ref is None:
            raise not_found(uri)
        try:
            if ref.kind == "template":
                await self._reads.get("get_evaluation_template", key, template_id=ref.id)
                return None
            return state_of(await self._reads.session(ref.id, key))
        except ToolError as error:
            if error.status == 403:  # the key may not read sessions at all: same answer as no access
                raise not_found(uri) from None
            raise protocol_error(error, uri) from None

    def _watch(self, uri: str, key: str, state: str | None) -> Callable[[], None]:
        ref = parse(uri)
        if ref is None or not ref.is_session:
            return _nothing
        return self._watchlist.hold(_session_id(ref), key, state)

    def _on_event(self, event: ServerEvent) -> None:
        if isinstance(event, ResourceUpdated) and event.uri in self._legacy and self._outbox is not None:
            try:
                self._outbox.send_nowait(event.uri)
            except anyio.WouldBlock:
                logger.warning("update backlog full; a 2025-era subscriber misses an update")

    async def _send(self, connection: str, uri: str) -> None:
        session = self._senders.get(connection)
        if session is None:
            return
        try:
            await session.send_resource_updated(uri)
        except Exception:
            # Most likely the connection ended without our noticing (its stream is gone); either way
            # this subscriber cannot be reached, and one bad connection must not stop the others'.
            logger.info("a 2025-era subscriber could not be notified; its subscriptions are dropped")
            self._forget_connection(connection)

    def _drop(self, uri: str, connection: str) -> None:
        subscribers = self._legacy.get(uri)
        if subscribers is not None:
            subscribers.pop(connection, None)
            if not subscribers:
                del self._legacy[uri]

    def _forget_connection(self, connection: str) -> None:
        self._senders.pop(connection, None)
        for uri, release in self._held.pop(connection, {}).items():
            release()
            self._drop(uri, connection)


def _session_id(ref: Ref) -> str:
    return ref.id


def _nothing() -> None:
    return None
