"""The resource URIs this server serves, their templates, and parsing a URI back to what it names.

intervyo://sessions/{session_id}/scorecard       a session's scorecard (subscribable)
intervyo://sessions/{session_id}/transcript      a session's transcript (subscribable)
intervyo://evaluation-templates/{template_id}    a template with its stages and interviewers

The scheme is read case-insensitively (`INTERVYO://` names the same resource), and an id in any form
UUIDs take (upper case, braces, `urn:uuid:`) names the same session: `canonical` gives the one spelling
updates are published under, so a subscription in any spelling is notified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from mcp import UriTemplate

__all__ = [
    "SCORECARD",
    "TEMPLATE",
    "TRANSCRIPT",
    "Ref",
    "canonical",
    "parse",
    "parse_id",
    "scorecard_uri",
    "template_uri",
    "transcript_uri",
]


def parse_id(text: str) -> str | None:
    """`text` as a canonical UUID string, or None when it is not one (such ids cannot exist)."""
    try:
        return str(UUID(text))
    except ValueError:
        return None


SCORECARD = "intervyo://sessions/{session_id}/scorecard"
TRANSCRIPT = "intervyo://sessions/{session_id}/transcript"
TEMPLATE = "intervyo://evaluation-templates/{template_id}"

Kind = Literal["scorecard", "transcript", "template"]

_TEMPLATES: tuple[tuple[Kind, UriTemplate], ...] = (
    ("scorecard", UriTemplate.parse(SCORECARD)),
    ("transcript", UriTemplate.parse(TRANSCRIPT)),
    ("template", UriTemplate.parse(TEMPLATE)),
)


@dataclass(frozen=True)
class Ref:
    """What a URI names: its kind and the (canonical UUID) id of the session or template."""

    kind: Kind
    id: str

    @property
    def is_session(self) -> bool:
        return self.kind in ("scorecard", "transcript")


_SCHEME = "intervyo://"


def parse(uri: str) -> Ref | None:
    """The resource `uri` names, or None when it is not one of ours (or its id cannot exist)."""
    if uri[: len(_SCHEME)].lower() == _SCHEME:
        uri = _SCHEME + uri[len(_SCHEME) :]
    for kind, template in _TEMPLATES:
        match = template.match(uri)
        if match is None:
            continue
        value = next(iter(match.values()), None)
        found = parse_id(value) if isinstance(value, str) else None
        return Ref(kind, found) if found is not None else None
    return None


def canonical(uri: str) -> str:
    """The one spelling of `uri` (lower-case scheme, canonical id); `uri` itself when it is not ours."""
    ref = parse(uri)
    if ref is None:
        return uri
    return {"scorecard": scorecard_uri, "transcript": transcript_uri, "template": template_uri}[ref.kind](
        ref.id
    )


def scorecard_uri(session_id: str) -> str:
    return SCORECARD.replace("{session_id}", session_id)


def transcript_uri(session_id: str) -> str:
    return TRANSCRIPT.replace("{session_id}", session_id)


def template_uri(template_id: str) -> str:
    return TEMPLATE.replace("{template_id}", template_id)
