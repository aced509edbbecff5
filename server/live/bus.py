"""The subscription bus: the seam between what detects a change and every stream that wants to hear it.

It is the SDK's `SubscriptionBus` Protocol (async `publish`, sync `subscribe`) plus a lifetime, because
a networked bus has a connection and a reader to run. Two implementations:

    InMemoryBus   one process (the default): publish calls the local listeners directly
    RedisBus      several replicas (`INTERVYO_REDIS_URL`): publish goes through Redis pub/sub and every
                  replica's reader calls its own local listeners (`server.live.redis_bus`)

Listeners are the `subscriptions/listen` streams (2026 era) and the forwarder to 2025-era sessions
(`server.live.subscriptions`). Events are cues without payload: whoever hears one reads the resource again.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from mcp.server.subscriptions import InMemorySubscriptionBus, SubscriptionBus

from server.settings import Settings

__all__ = ["Bus", "InMemoryBus", "bus_for"]


class Bus(SubscriptionBus, Protocol):
    """A `SubscriptionBus` that is opened before use and closed after: `async with bus:`."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class InMemoryBus(InMemorySubscriptionBus):
    """The SDK's in-process bus, with the (empty) lifetime every `Bus` has."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


def bus_for(settings: Settings) -> Bus:
    """Redis when `redis_url` is set, otherwise in-process."""
    if settings.redis_url is not None:
        from server.live.redis_bus import RedisBus

        return RedisBus(settings.redis_url)
    return InMemoryBus()
