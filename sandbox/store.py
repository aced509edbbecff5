"""The storage seam: the records the sandbox keeps and the `Store` protocol over them.

Each API resource (agent profile, template, stage, participant, session) is a JSON document (`Doc`)
owned by one workspace. Keys starting with `_` in a document are internal (never rendered to
clients). Lists filter on indexed values copied out of the documents: `template_id`, `status`,
`email` (case-insensitive), `candidate_id`, `stage`, `idempotency_key`, `is_public`, `sort_order`,
`due_at`. `sandbox.sqlite_store.SqliteStore` is the implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = ["Delivery", "Doc", "FilterValue", "Filters", "KeyGrant", "Kind", "Order", "Store", "Workspace"]

Doc = dict[str, Any]
Kind = Literal["agent_profile", "evaluation_template", "evaluation_stage", "participant", "session"]
FilterValue = str | int | None | tuple[str, ...]
Filters = Mapping[str, FilterValue]
Order = Literal["newest", "oldest", "sort_order"]


@dataclass(frozen=True)
class Workspace:
    """A tenant. `plan` None means no paid plan; each scheduled session spends one credit."""

    id: str
    name: str
    plan: str | None
    credits: int


@dataclass(frozen=True)
class KeyGrant:
    """An API key, the workspace it opens and the scopes it carries."""

    key: str
    workspace_id: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class Delivery:
    """A webhook event waiting in the outbox."""

    id: int
    event_id: str
    body: str
    attempts: int


class Store(Protocol):
    """What the sandbox needs from storage; `SqliteStore` is the implementation.

    Documents are JSON objects with an "id"; `kind` says which resource, and each document belongs
    to one workspace. Reads and writes outside `atomic()` are each atomic on their own.
    """

    def atomic(self) -> Any:
        """A context manager: one transaction (nested calls join it), exclusive across threads."""
        ...

    def close(self) -> None:
        """Release the database."""
        ...

    def get_meta(self, key: str) -> str | None:
        """A sandbox-wide setting (e.g. the link-signing secret), None if unset."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Set a sandbox-wide setting."""
        ...

    def put_workspace(self, workspace: Workspace) -> None:
        """Create a workspace or update its name and plan."""
        ...

    def workspace(self, workspace_id: str) -> Workspace | None:
        """The workspace, None if unknown."""
        ...

    def spend_credit(self, workspace_id: str) -> None:
        """Take one session credit (never below zero)."""
        ...

    def put_key(self, grant: KeyGrant) -> None:
        """Create or replace an API key."""
        ...

    def grant(self, key: str) -> KeyGrant | None:
        """What an API key opens, None for an unknown key."""
        ...

    def insert(self, kind: Kind, workspace_id: str, doc: Doc) -> None:
        """Store a new document in a workspace."""
        ...

    def replace(self, kind: Kind, doc: Doc) -> None:
        """Overwrite a stored document (same id), refreshing its indexed columns."""
        ...

    def get(self, kind: Kind, workspace_id: str, doc_id: str) -> Doc | None:
        """A workspace's document, None if it has none with that id."""
        ...

    def get_anywhere(self, kind: Kind, doc_id: str) -> tuple[str, Doc] | None:
        """(workspace id, document) in whichever workspace holds it: for public profiles and links."""
        ...

    def delete(self, kind: Kind, workspace_id: str, doc_id: str) -> bool:
        """Remove a workspace's document; False if there was none."""
        ...

    def query(
        self, kind: Kind, workspace_id: str, filters: Filters, *, order: Order, limit: int, offset: int
    ) -> tuple[list[Doc], int]:
        """One page of documents matching every filter (None: IS NULL, tuple: IN), and the total."""
        ...

    def due(self, kind: Kind, now: float, limit: int) -> list[tuple[str, Doc]]:
        """Documents whose `_due_at` deadline (Unix seconds) has passed, with their workspace."""
        ...

    def next_due(self, kind: Kind, after: float) -> float | None:
        """The nearest `_due_at` deadline later than `after` of any document of `kind`; None if none."""
        ...

    def enqueue_delivery(self, event_id: str, body: str, now: float) -> None:
        """Put a webhook event in the outbox, due at `now`."""
        ...

    def due_deliveries(self, now: float, limit: int) -> list[Delivery]:
        """Outbox entries not yet delivered nor given up whose next attempt is due."""
        ...

    def next_delivery(self) -> float | None:
        """When the nearest pending outbox entry is next due; None when none is pending."""
        ...

    def delivery_succeeded(self, delivery_id: int, now: float) -> None:
        """Mark an outbox entry delivered."""
        ...

    def delivery_failed(self, delivery_id: int, error: str, retry_at: float | None) -> None:
        """Record a failed attempt; retry at `retry_at`, or give up when None."""
        ...
