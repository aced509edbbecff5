"""The API key scopes the contract defines, and the two sets the demo keys carry."""

from __future__ import annotations

__all__ = ["ALL_SCOPES", "READ_SCOPES"]

ALL_SCOPES: frozenset[str] = frozenset(
    {
        "candidates.read",
        "candidates.write",
        "candidates.delete",
        "interviews.read",
        "interviews.write",
        "evaluation_templates.read",
        "evaluation_templates.write",
        "evaluation_stages.read",
        "evaluation_stages.write",
    }
)

READ_SCOPES: frozenset[str] = frozenset(s for s in ALL_SCOPES if s.endswith(".read"))
