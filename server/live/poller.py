"""Polling for changes when intervyo's webhooks are not configured.

`Watchlist` is who wants to hear about which session: each subscription (2025-era `resources/subscribe`
or a 2026-era `subscriptions/listen` stream) adds the session with the subscriber's key and releases it
when it ends. Keys live only here, in memory, under their SHA-256, and are forgotten the moment no
subscription needs them.

`Poller` reads each watched session with one of its subscribers' keys, every `poll_interval_s`, at most
`poll_max_sessions` per round (the rate bound), and reports a session whose status or scoring changed.
A key that can no longer read the session (404, 401, 403) is dropped for that session.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio

from server.caller import fingerprint
from server.errors import ToolError
from server.upstream.reads import Reads

__all__ = ["Poller", "Watchlist", "state_of"]

logger = logging.getLogger(__name__)

_LOST_ACCESS = frozenset({401, 403, 404})
_CONCURRENCY = 4


def state_of(session: dict[str, Any]) -> str:
    """What a subscriber cares about in a session: its status and whether (and when) it was scored."""
    return f"{session.get('status')}|{session.get('scored_at')}|{session.get('updated_at')}"


@dataclass
class _Watched:
    keys: dict[str, str] = field(default_factory=dict[str, str])  # key hash -> key
    holds: dict[str, int] = field(default_factory=dict[str, int])  # key hash -> subscriptions holding it
    state: str | None = None


class Watchlist:
    """Sessions someone is subscribed to, with the keys that may read them."""

    def __init__(self) -> None:
        self._sessions: dict[str, _Watched] = {}

    def hold(self, session_id: str, key: str, state: str | None) -> Callable[[], None]:
        """Watch `session_id` with `key` until the returned release is called (idempotent)."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        watched = self._sessions.setdefault(session_id, _Watched(state=state))
        watched.keys[digest] = key
        watched.holds[digest] = watched.holds.get(digest, 0) + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            current = self._sessions.get(session_id)
            if current is None or digest not in current.holds:
                return
            current.holds[digest] -= 1
            if current.holds[digest] <= 0:
                self._forget_key(session_id, digest)

        return release

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._sessions

    def keys_held(self) -> int:
        """How many (session, key) pairs are held: zero once every subscription has ended."""
        return sum(len(w.keys) for w in self._sessions.values())

    def due(self, limit: int) -> list[tuple[str, str]]:
        """Up to `limit` (session id, a key that may read it), oldest-watched first, then rotated."""
        picked = list(self._sessions.items())[:limit]
        for session_id, _ in picked:  # round-robin: polled sessions go to the back of the line
            self._sessions[session_id] = self._sessions.pop(session_id)
        return [(session_id, next(iter(w.keys.values()))) for session_id, w in picked if w.keys]

    def observe(self, session_id: str, state: str) -> bool:
        """Record the session's current state; True when it differs from the last one seen."""
        watched = self._sessions.get(session_id)
        if watched is None:
            return False
        changed = watched.state is not None and watched.state != state
        watched.state = state
        return changed

    def revoke(self, session_id: str, key: str) -> None:
        """`key` can no longer read `session_id`: stop using it for that session."""
        self._forget_key(session_id, hashlib.sha256(key.encode()).hexdigest())

    def _forget_key(self, session_id: str, digest: str) -> None:
        watched = self._sessions.get(session_id)
        if watched is None:
            return
        watched.keys.pop(digest, None)
        watched.holds.pop(digest, None)
        if not watched.holds:
            del self._sessions[session_id]


class Poller:
    """Reads watched sessions on a fixed rhythm and calls `changed(session_id)` when one changed."""

    def __init__(
        self,
        watchlist: Watchlist,
        reads: Reads,
        changed: Callable[[str], Awaitable[None]],
        *,
        interval_s: float,
        max_sessions: int,
    ) -> None:
        self._watchlist = watchlist
        self._reads = reads
        self._changed = changed
        self._interval_s = interval_s
        self._max_sessions = max_sessions

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            await anyio.sleep(self._interval_s)
            await self.poll_once()

    async def poll_once(self) -> None:
        """One round: read each due session once, with bounded concurrency."""
        due = self._watchlist.due(self._max_sessions)
        if not due:
            return
        limiter = anyio.CapacityLimiter(_CONCURRENCY)
        async with anyio.create_task_group() as group:
            for session_id, key in due:
                group.start_soon(self._poll, limiter, session_id, key)

    async def _poll(self, limiter: anyio.CapacityLimiter, session_id: str, key: str) -> None:
        async with limiter:
            try:
                session = await self._reads.session(session_id, key)
            except ToolError as error:
                if error.status in _LOST_ACCESS:
                    logger.info("key %s can no longer read a watched session", fingerprint(key))
                    self._watchlist.revoke(session_id, key)
                return
            if self._watchlist.observe(session_id, state_of(session)):
                await self._changed(session_id)
