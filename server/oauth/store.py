"""Where OAuth state lives: the `Store` seam and its default, one SQLite file in the state directory.

The store is a small key-value space with expiry, an atomic take (codes and refresh tokens are used
once, even with replicas racing) and string sets (each owner's grants). It holds only what is safe
at rest: tokens as SHA-256 hashes, intervyo keys and client secrets sealed by `server.oauth.crypto`.
Expiry here only collects garbage; every record also carries its own expiry, which the provider checks.

`server.oauth.redis_store` implements the same protocol for replicas that share one Redis.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

import anyio.to_thread

__all__ = ["SqliteStore", "Store"]


class Store(Protocol):
    """Records by (kind, key); values are JSON strings. All methods are safe to call concurrently."""

    async def put(self, kind: str, key: str, value: str, ttl_s: float | None) -> None:
        """Write a record; it disappears after `ttl_s` seconds (None: kept until deleted)."""

    async def get(self, kind: str, key: str) -> str | None: ...

    async def take(self, kind: str, key: str) -> str | None:
        """Read and delete in one step: of two concurrent takes, one gets the record."""

    async def replace(self, kind: str, key: str, value: str) -> bool:
        """Overwrite a record only if it still exists (so an update never revives a deleted one)."""

    async def delete(self, kind: str, key: str) -> None: ...

    async def add_member(self, group: str, member: str) -> None: ...

    async def remove_member(self, group: str, member: str) -> None: ...

    async def members(self, group: str) -> list[str]: ...

    async def aclose(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at REAL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS members (
    grp TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (grp, member)
);
"""


class SqliteStore:
    """The embedded store: one SQLite file (WAL, so several processes on one host may share it)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        path.chmod(0o600)

    async def _run(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        def run() -> list[tuple[object, ...]]:
            with self._lock:
                return self._db.execute(sql, args).fetchall()

        return await anyio.to_thread.run_sync(run)

    async def put(self, kind: str, key: str, value: str, ttl_s: float | None) -> None:
        now = time.time()
        expires = None if ttl_s is None else now + ttl_s
        await self._run("DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at < ?", now)
        await self._run(
            "INSERT OR REPLACE INTO records (kind, key, value, expires_at) VALUES (?, ?, ?, ?)",
            kind,
            key,
            value,
            expires,
        )

    async def get(self, kind: str, key: str) -> str | None:
        rows = await self._run(
            "SELECT value FROM records "
            "WHERE kind = ? AND key = ? AND (expires_at IS NULL OR expires_at >= ?)",
            kind,
            key,
            time.time(),
        )
        return str(rows[0][0]) if rows else None

    async def take(self, kind: str, key: str) -> str | None:
        rows = await self._run(
            "DELETE FROM records WHERE kind = ? AND key = ? AND (expires_at IS NULL OR expires_at >= ?) "
            "RETURNING value",
            kind,
            key,
            time.time(),
        )
        return str(rows[0][0]) if rows else None

    async def replace(self, kind: str, key: str, value: str) -> bool:
        rows = await self._run(
            "UPDATE records SET value = ? WHERE kind = ? AND key = ? RETURNING 1", value, kind, key
        )
        return bool(rows)

    async def delete(self, kind: str, key: str) -> None:
        await self._run("DELETE FROM records WHERE kind = ? AND key = ?", kind, key)

    async def add_member(self, group: str, member: str) -> None:
        await self._run("INSERT OR IGNORE INTO members (grp, member) VALUES (?, ?)", group, member)

    async def remove_member(self, group: str, member: str) -> None:
        await self._run("DELETE FROM members WHERE grp = ? AND member = ?", group, member)

    async def members(self, group: str) -> list[str]:
        rows = await self._run("SELECT member FROM members WHERE grp = ? ORDER BY member", group)
        return [str(row[0]) for row in rows]

    async def aclose(self) -> None:
        with self._lock:
            self._db.close()
