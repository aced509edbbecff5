"""Sandbox-only routes under `/_sandbox/`, outside the emulated API.

    POST /_sandbox/sessions/{id}/advance   {"to": "in_progress"|"completed"|"failed"|"scored"}
        Move one of the caller's sessions forward at once, through every step in between (x-api-key
        with interviews.write; 404 for another workspace's session; 409 for a move it cannot make).
        Answers {"data": session} like get_session.
    GET  /_sandbox/transcripts/{id}?expires=&signature=   the transcript JSON (signed link, no key)
    GET  /_sandbox/recordings/{id}?expires=&signature=    a placeholder recording (signed link, no key)
    GET  /_sandbox/join/{id}?signature=                   the participant's join page (signed link)
    GET  /_sandbox/workspace        the caller's workspace (any valid key):
                                    {"data": {"id", "name", "plan", "credits"}}
    GET  /_sandbox/health           {"ok": true}

Fault injection lives in `sandbox.faults` (`/_sandbox/faults`).
"""

from __future__ import annotations

import dataclasses
import json
import struct
from functools import partial
from typing import Any, cast

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sandbox.api import request_origin
from sandbox.auth import authenticate, require_scope
from sandbox.errors import ApiError, NotFound, ValidationFailed
from sandbox.lifecycle import Target, advance
from sandbox.responses import ApiJSONResponse
from sandbox.runtime import Runtime
from sandbox.session_view import render_session
from sandbox.validation import parse_uuid

__all__ = ["control_routes"]

_TARGETS = ("in_progress", "completed", "failed", "scored")


def control_routes(runtime: Runtime) -> list[Route]:
    """The `/_sandbox/...` routes listed above, except faults."""
    return [
        Route("/_sandbox/sessions/{session_id}/advance", partial(_advance, runtime), methods=["POST"]),
        Route("/_sandbox/transcripts/{session_id}", partial(_transcript, runtime), methods=["GET"]),
        Route("/_sandbox/recordings/{session_id}", partial(_recording, runtime), methods=["GET"]),
        Route("/_sandbox/join/{session_id}", partial(_join, runtime), methods=["GET"]),
        Route("/_sandbox/workspace", partial(_workspace, runtime), methods=["GET"]),
        Route("/_sandbox/health", _health, methods=["GET"]),
    ]


async def _health(request: Request) -> Response:
    return ApiJSONResponse({"ok": True})


async def _workspace(runtime: Runtime, request: Request) -> Response:
    return await anyio.to_thread.run_sync(_workspace_sync, runtime, dict(request.headers))


def _workspace_sync(runtime: Runtime, headers: dict[str, str]) -> Response:
    try:
        grant = authenticate(runtime.store, headers)
    except ApiError as error:
        return error.response()
    workspace = runtime.store.workspace(grant.workspace_id)
    assert workspace is not None
    return ApiJSONResponse({"data": dataclasses.asdict(workspace)})


async def _advance(runtime: Runtime, request: Request) -> Response:
    body = await request.body()
    origin = request_origin(runtime, request)
    call = partial(
        _advance_sync, runtime, dict(request.headers), request.path_params["session_id"], body, origin
    )
    return await anyio.to_thread.run_sync(call)


def _advance_sync(
    runtime: Runtime, headers: dict[str, str], raw_id: str, body: bytes, origin: str
) -> Response:
    try:
        grant = authenticate(runtime.store, headers)
        require_scope(grant, "interviews.write")
        session_id = parse_uuid(raw_id)
        target = _target(body)
        with runtime.store.atomic():
            doc = runtime.store.get("session", grant.workspace_id, session_id)
            if doc is None:
                raise NotFound("Session not found")
            advance(runtime, grant.workspace_id, doc, target)
        return ApiJSONResponse({"data": render_session(runtime, origin, doc)})
    except ApiError as error:
        return error.response()


def _target(body: bytes) -> Target:
    try:
        value: Any = json.loads(body or b"null")
    except ValueError:
        value = None
    target = value.get("to") if isinstance(value, dict) else None
    if target not in _TARGETS:
        raise ValidationFailed.at(["to"], f"Expected one of {', '.join(_TARGETS)}")
    return cast(Target, target)


def _signed_session(
    runtime: Runtime, request: Request, kind: str, *, expiring: bool
) -> dict[str, Any] | None:
    session_id = request.path_params["session_id"]
    expires = request.query_params.get("expires")
    signature = request.query_params.get("signature", "")
    if expiring and expires is None:
        return None
    if not runtime.links.verify(kind, session_id, expires, signature):
        return None
    found = runtime.store.get_anywhere("session", session_id)
    return None if found is None else found[1]


async def _transcript(runtime: Runtime, request: Request) -> Response:
    doc = await anyio.to_thread.run_sync(
        partial(_signed_session, runtime, request, "transcripts", expiring=True)
    )
    if doc is None or not doc.get("_transcript"):
        return ApiJSONResponse({"error": "This link is invalid or has expired"}, status_code=403)
    return ApiJSONResponse({"session_id": doc["id"], "turns": doc["_transcript"]})


async def _recording(runtime: Runtime, request: Request) -> Response:
    doc = await anyio.to_thread.run_sync(
        partial(_signed_session, runtime, request, "recordings", expiring=True)
    )
    if doc is None or not doc.get("scored_at"):
        return ApiJSONResponse({"error": "This link is invalid or has expired"}, status_code=403)
    return Response(_silent_wav(), media_type="audio/wav")


async def _join(runtime: Runtime, request: Request) -> Response:
    doc = await anyio.to_thread.run_sync(partial(_signed_session, runtime, request, "join", expiring=False))
    if doc is None:
        return HTMLResponse("<h1>This interview link is not valid.</h1>", status_code=404)
    return HTMLResponse(
        "<!doctype html><title>intervyo sandbox interview</title>"
        f"<h1>Sandbox interview</h1><p>Session <code>{doc['id']}</code> is <b>{doc['status']}</b>.</p>"
        "<p>This is the local sandbox: no interview happens here. Move the session along with "
        "<code>POST /_sandbox/sessions/{id}/advance</code>, or start the sandbox with --auto-run.</p>"
    )


def _silent_wav() -> bytes:
    """One second of 8 kHz mono silence: a real, tiny audio file to stand in for a recording."""
    rate, samples = 8000, 8000
    data = b"\x80" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8) + b"data" + struct.pack("<I", len(data))
    return header + data
