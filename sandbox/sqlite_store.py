"""`SqliteStore`: the `Store` on one SQLite file (workspaces, keys, documents, webhook outbox).

Documents live as JSON in the `documents` table, beside indexed columns copied out of them for the
filters and rules that need them (template, status, email, candidate, stage, idempotency key, public
flag, order, next lifecycle deadline).

Concurrency: one connection, shared by every thread behind a re-entrant lock. Request handlers run in
Starlette's worker threads (they are plain functions), never on the event loop, and wrap each whole
operation in `Store.atomic()`, which holds the lock and one `BEGIN IMMEDIATE` transaction: so
check-then-write rules (duplicate emails, duplicate sessions, credits, idempotency keys) cannot race.
Statements take microseconds at sandbox scale, so serialising them costs nothing measurable. WAL mode
lets another process read the file (e.g. the sqlite3 shell) while the sandbox writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sandbox.store import Delivery, Doc, Filters, KeyGrant, Kind, Order, Workspace

__all__ = ["SqliteStore"]

# Indexed column -> the document key it is copied from, per kind.
_INDEXED: dict[str, dict[str, str]] = {
    "agent_profile": {"is_public": "isPublic"},
    "evaluation_template": {"status": "status"},
    "evaluation_stage": {
        "template_id": "evaluation_template_id",
        "status": "status",
        "stage": "type",
        "sort_order": "stage_order",
    },
    "participant": {"template_id": "evaluation_template_id", "status": "status", "email": "email"},
    "session": {
        "template_id": "evaluation_template_id",
        "status": "status",
        "candidate_id": "candidate_id",
        "stage": "stage",
        "idempotency_key": "_idempotency_key",
        "due_at": "_due_at",
    },
}
_COLUMNS = (
    "template_id",
    "status",
    "email",
    "candidate_id",
    "stage",
    "idempotency_key",
    "is_public",
    "sort_order",
    "due_at",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, plan TEXT, credits INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), scopes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, id TEXT NOT NULL, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    template_id TEXT, status TEXT, email TEXT, candidate_id TEXT, stage TEXT, idempotency_key TEXT,
    is_public INTEGER, sort_order INTEGER, due_at REAL,
    body TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS documents_template ON documents (kind, workspace_id, template_id);
CREATE INDEX IF NOT EXISTS documents_status ON documents (kind, workspace_id, status);
CREATE INDEX IF NOT EXISTS documents_email ON documents (kind, workspace_id, email);
CREATE INDEX IF NOT EXISTS documents_candidate ON documents (kind, workspace_id, candidate_id);
CREATE UNIQUE INDEX IF NOT EXISTS documents_idempotency
    ON documents (kind, workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS documents_due ON documents (kind, due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
    delivered_at REAL, gave_up INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up = 0;
"""


class SqliteStore:
    """`Store` on one SQLite file (`path`), created if missing."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        with self._lock:
            self._conn.executescript(_SCHEMA)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold the lock and one transaction for the block; nested blocks join the outer one."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.atomic():
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self.atomic():
            return self._conn.execute(sql, params).rowcount

    # meta

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
            (key, value, value),
        )

    # workspaces and keys

    def put_workspace(self, workspace: Workspace) -> None:
        """Create the workspace, or update its name and plan (credits already spent stay spent)."""
        self._run(
            "INSERT INTO workspaces (id, name, plan, credits) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, plan = excluded.plan",
            (workspace.id, workspace.name, workspace.plan, workspace.credits),
        )

    def workspace(self, workspace_id: str) -> Workspace | None:
        row = self._one("SELECT id, name, plan, credits FROM workspaces WHERE id = ?", (workspace_id,))
        return None if row is None else Workspace(row[0], row[1], row[2], int(row[3]))

    def spend_credit(self, workspace_id: str) -> None:
        self._run("UPDATE workspaces SET credits = credits - 1 WHERE id = ? AND credits > 0", (workspace_id,))

    def put_key(self, grant: KeyGrant) -> None:
        scopes = json.dumps(sorted(grant.scopes))
        self._run(
            "INSERT INTO api_keys (key, workspace_id, scopes) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET workspace_id = excluded.workspace_id, scopes = excluded.scopes",
            (grant.key, grant.workspace_id, scopes),
        )

    def grant(self, key: str) -> KeyGrant | None:
        row = self._one("SELECT key, workspace_id, scopes FROM api_keys WHERE key = ?", (key,))
        return None if row is None else KeyGrant(row[0], row[1], frozenset(json.loads(row[2])))

    # documents

    def insert(self, kind: Kind, workspace_id: str, doc: Doc) -> None:
        columns = _index_values(kind, doc)
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        self._run(
            f"INSERT INTO documents (kind, id, workspace_id, {names}, body) VALUES (?, ?, ?, {marks}, ?)",
            (kind, doc["id"], workspace_id, *columns.values(), json.dumps(doc)),
        )

    def replace(self, kind: Kind, doc: Doc) -> None:
        columns = _index_values(kind, doc)
        sets = ", ".join(f"{name} = ?" for name in columns)
        self._run(
            f"UPDATE documents SET {sets}, body = ? WHERE kind = ? AND id = ?",
            (*columns.values(), json.dumps(doc), kind, doc["id"]),
        )

    def get(self, kind: Kind, workspace_id: str, doc_id: str) -> Doc | None:
        row = self._one(
            "SELECT body FROM documents WHERE kind = ? AND workspace_id = ? AND id = ?",
            (kind, workspace_id, doc_id),
        )
        return None if row is None else _load(row[0])

    def get_anywhere(self, kind: Kind, doc_id: str) -> tuple[str, Doc] | None:
        row = self._one("SELECT workspace_id, body FROM documents WHERE kind = ? AND id = ?", (kind, doc_id))
        return None if row is None else (str(row[0]), _load(row[1]))

    def delete(self, kind: Kind, workspace_id: str, doc_id: str) -> bool:
        sql = "DELETE FROM documents WHERE kind = ? AND workspace_id = ? AND id = ?"
        return self._run(sql, (kind, workspace_id, doc_id)) > 0

    def query(
        self, kind: Kind, workspace_id: str, filters: Filters, *, order: Order, limit: int, offset: int
    ) -> tuple[list[Doc], int]:
        """One page of a workspace's documents matching every filter, and the total that match."""
        where, params = _where(filters)
        base = f"FROM documents WHERE kind = ? AND workspace_id = ?{where}"
        with self.atomic():
            total = self._conn.execute(f"SELECT COUNT(*) {base}", (kind, workspace_id, *params)).fetchone()[0]
            rows = self._conn.execute(
                f"SELECT body {base} ORDER BY {_ORDER[order]} LIMIT ? OFFSET ?",
                (kind, workspace_id, *params, limit, offset),
            ).fetchall()
        return [_load(row[0]) for row in rows], int(total)

    def due(self, kind: Kind, now: float, limit: int) -> list[tuple[str, Doc]]:
        """Documents (any workspace) whose next lifecycle deadline has passed, oldest deadline first."""
        rows = self._all(
            "SELECT workspace_id, body FROM documents WHERE kind = ? AND due_at IS NOT NULL AND due_at <= ? "
            "ORDER BY due_at LIMIT ?",
            (kind, now, limit),
        )
        return [(str(row[0]), _load(row[1])) for row in rows]

    def next_due(self, kind: Kind, after: float) -> float | None:
        row = self._one("SELECT MIN(due_at) FROM documents WHERE kind = ? AND due_at > ?", (kind, after))
        return None if row is None or row[0] is None else float(row[0])

    # webhook outbox

    def enqueue_delivery(self, event_id: str, body: str, now: float) -> None:
        self._run(
            "INSERT INTO webhook_deliveries (event_id, body, next_attempt_at) VALUES (?, ?, ?)",
            (event_id, body, now),
        )

    def due_deliveries(self, now: float, limit: int) -> list[Delivery]:
        rows = self._all(
            "SELECT id, event_id, body, attempts FROM webhook_deliveries "
            "WHERE delivered_at IS NULL AND gave_up = 0 AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        )
        return [Delivery(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]

    def next_delivery(self) -> float | None:
        row = self._one(
            "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE delivered_at IS NULL AND gave_up = 0"
        )
        return None if row is None or row[0] is None else float(row[0])

    def delivery_succeeded(self, delivery_id: int, now: float) -> None:
        self._run(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ? WHERE id = ?",
            (now, delivery_id),
        )

    def delivery_failed(self, delivery_id: int, error: str, retry_at: float | None) -> None:
        """Record a failed attempt; `retry_at` None means no more attempts."""
        self._run(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, "
            "next_attempt_at = COALESCE(?, next_attempt_at), gave_up = ? WHERE id = ?",
            (error[:500], retry_at, int(retry_at is None), delivery_id),
        )


# SQLite integers are 64-bit; clients may send larger (e.g. a stage_order of 10**30).
_INT_LIMIT = 2**62

_ORDER: dict[str, str] = {"newest": "seq DESC", "oldest": "seq ASC", "sort_order": "sort_order ASC, seq ASC"}


def _index_values(kind: Kind, doc: Doc) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_COLUMNS)
    for column, key in _INDEXED[kind].items():
        value = doc.get(key)
        if column == "email" and isinstance(value, str):
            value = value.lower()
        elif column == "is_public" and value is not None:
            value = int(bool(value))
        elif isinstance(value, int):
            value = max(-_INT_LIMIT, min(value, _INT_LIMIT))
        values[column] = value
    return values


def _where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in filters.items():
        if column not in _COLUMNS:
            raise ValueError(f"not an indexed column: {column}")
        if value is None:
            clauses.append(f"{column} IS NULL")
        elif isinstance(value, tuple):
            clauses.append(f"{column} IN ({', '.join('?' for _ in value)})")
            params.extend(value)
        else:
            clauses.append(f"{column} = ?")
            params.append(value.lower() if column == "email" and isinstance(value, str) else value)
    return "".join(f" AND {c}" for c in clauses), params


def _load(body: str) -> Doc:
    doc: Doc = json.loads(body)
    return doc
