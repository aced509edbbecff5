"""What every resource document shares: ids, timestamps, the public view, lookups and one page of a list."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sandbox.clock import iso
from sandbox.errors import NotFound
from sandbox.runtime import Context, Reply
from sandbox.store import Doc, Filters, Kind, Order
from tools.paging import ListArguments

__all__ = ["created", "fetch", "new_document", "ok", "page", "public", "touch"]

# SQLite integers are 64-bit; a page past this is empty anyway.
_MAX_OFFSET = 2**62

_LABEL: dict[str, str] = {
    "agent_profile": "Agent profile",
    "evaluation_template": "Evaluation template",
    "evaluation_stage": "Evaluation stage",
    "participant": "Participant",
    "session": "Session",
}


def new_document(ctx: Context, fields: dict[str, Any]) -> Doc:
    """A new document: a fresh UUID, the fields, and both timestamps."""
    now = iso(ctx.runtime.clock.now())
    return {"id": ctx.runtime.new_id(), **fields, "created_at": now, "updated_at": now}


def touch(ctx: Context, doc: Doc) -> Doc:
    doc["updated_at"] = iso(ctx.runtime.clock.now())
    return doc


def public(doc: Doc) -> dict[str, Any]:
    """The document as clients see it: without the internal `_` keys."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def fetch(ctx: Context, kind: Kind, doc_id: UUID | str) -> Doc:
    """The caller's document, or 404 (also for another workspace's: that must look the same)."""
    doc = ctx.store.get(kind, ctx.workspace_id, str(doc_id))
    if doc is None:
        raise NotFound(f"{_LABEL[kind]} not found")
    return doc


def ok(data: Any) -> Reply:
    return Reply(200, {"data": data})


def created(data: Any) -> Reply:
    return Reply(201, {"data": data})


def page(
    ctx: Context,
    kind: Kind,
    args: ListArguments,
    filters: Filters,
    render: Callable[[Doc], dict[str, Any]] = public,
    order: Order = "newest",
) -> Reply:
    """One page of the caller's documents of `kind` with the documented `meta`."""
    wanted = {column: value for column, value in filters.items() if value is not None}
    rows, total = ctx.store.query(
        kind,
        ctx.workspace_id,
        wanted,
        order=order,
        limit=args.page_size,
        offset=min((args.page - 1) * args.page_size, _MAX_OFFSET),
    )
    meta = {
        "page": args.page,
        "pageSize": args.page_size,
        "total": total,
        "totalPages": math.ceil(total / args.page_size),
    }
    return Reply(200, {"data": [render(row) for row in rows], "meta": meta})
