"""Where idempotency keys are kept for their 24 hours: SQLite by default, Redis when configured.

Each record is (owner, key) -> the fingerprint of the request the key was first used for, with an expiry.
The owner is the SHA-256 of the caller's API key, so one caller's keys never collide with another's and
nothing stored reveals a key. `claim` is atomic: the first request to use a key records it, every later
one learns which request holds it.

    SqliteKeys   one file (or `:memory:`, this process only), shared by this process's calls
    RedisKeys    `SET key value NX EX ttl` on the Redis every replica shares
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as redis
from redis.exceptions import RedisError

from server.errors import ToolError
from server.settings import Settings

__all__ = ["KeyRecords", "RedisKeys", "SqliteKeys", "records_for"]

_PREFIX = "intervyo-mcp:idempotency:"


class KeyRecords(Protocol):
    """The store of idempotency keys in use."""

    async def claim(self, api_key: str, key: str, request: str) -> str:
        """Record `key` for `request` unless it is held; the fingerprint of the request that holds it."""
        ...


def records_for(settings: Settings) -> KeyRecords:
    """Redis when `redis_url` is set (replicas share it), else SQLite at `idempotency_db`."""
    if settings.redis_url is not None:
        return RedisKeys(settings.redis_url, ttl_s=settings.idempotency_ttl_h * 3600)
    return SqliteKeys(settings.idempotency_db, ttl_s=settings.idempotency_ttl_h * 3600)


def _unavailable() -> ToolError:
    return ToolError(
        status=503,
        message="The server's idempotency key store is unavailable, so nothing was sent. Try again shortly.",
        retryable=True,
    )


def _owner(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


class SqliteKeys:
    """Keys in SQLite; expired rows are dropped as new ones are written."""

    def __init__(
        self, path: str = ":memory:", *, ttl_s: float, clock: Callable[[], float] | None = None
    ) -> None:
        self._path = path
        self._ttl_s = ttl_s
        self._clock = clock or time.time
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one connection, used from the event loop's thread and no other

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS idempotency_keys (owner TEXT NOT NULL, key TEXT NOT NULL, "
                "request TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (owner, key))"
            )
            self._db = db
        return self._db

    async def claim(self, api_key: str, key: str, request: str) -> str:
        now = self._clock()
        owner = _owner(api_key)
        try:
            return self._claim(owner, key, request, now)
        except sqlite3.Error:
            raise _unavailable() from None

    def _claim(self, owner: str, key: str, request: str, now: float) -> str:
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM idempotency_keys WHERE expires <= ?", (now,))
                db.execute(
                    "INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, ?, ?)",
                    (owner, key, request, now + self._ttl_s),
                )
                row = db.execute(
                    "SELECT request FROM idempotency_keys WHERE owner = ? AND key = ?", (owner, key)
                ).fetchone()
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        held: str = row[0]
        return held

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class RedisKeys:
    """Keys in Redis, shared by replicas; Redis expires them."""

    def __init__(self, url: str, *, ttl_s: float) -> None:
        self._url = url
        self._ttl_s = max(1, int(ttl_s))

    async def claim(self, api_key: str, key: str, request: str) -> str:
        name = _PREFIX + _owner(api_key) + ":" + hashlib.sha256(key.encode()).hexdigest()
        # A connection per claim: keyed writes are rare (each schedules an interview), and nothing is left
        # open between them.
        try:
            async with redis.from_url(self._url) as client:
                if await client.set(name, request, nx=True, ex=self._ttl_s):
                    return request
                held: bytes | str | None = await client.get(name)
        except (RedisError, OSError):
            raise _unavailable() from None
        if held is None:
            return request  # expired between the two commands: nothing holds it now
        return held if isinstance(held, str) else held.decode()
