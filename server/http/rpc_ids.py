"""JSON-RPC ids of the wrong type get an Invalid Request error, not silence.

JSON-RPC 2.0 and MCP allow a request id to be a string or an integer (MCP: never null). A message with a
method and an id of another type (a float, a boolean, an object, an array, null) is neither a request nor
a notification; the SDK's transports would accept it with 202 and drop it, so the client waits forever.
It is answered here instead: 400 with a JSON-RPC error (-32600, id null), before the transport sees it.
The body is read from memory (`server.http.request_body` has already read it).
"""

from __future__ import annotations

import json

from mcp.types import INVALID_REQUEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestIds"]

_MESSAGE = "Invalid Request: a request's id must be a string or an integer"


class RequestIds:
    """ASGI middleware for an MCP POST endpoint: refuse messages whose id has the wrong type."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self._app(scope, receive, send)
            return
        first = await receive()
        if first["type"] == "http.request" and not first.get("more_body") and _bad_id(first.get("body", b"")):
            await _invalid_request(send)
            return
        pending: Message | None = first

        async def replay() -> Message:
            nonlocal pending
            if pending is not None:
                message, pending = pending, None
                return message
            return await receive()

        await self._app(scope, replay, send)


def _bad_id(body: bytes) -> bool:
    if b'"id"' not in body:
        return False
    try:
        parsed = json.loads(body)
    except ValueError:
        return False  # not JSON: the transport's own parse error answers it
    messages = parsed if isinstance(parsed, list) else [parsed]
    return any(
        isinstance(message, dict) and "method" in message and "id" in message and not _valid(message["id"])
        for message in messages
    )


def _valid(request_id: object) -> bool:
    return isinstance(request_id, str) or (isinstance(request_id, int) and not isinstance(request_id, bool))


async def _invalid_request(send: Send) -> None:
    body = json.dumps(
        {"jsonrpc": "2.0", "id": None, "error": {"code": INVALID_REQUEST, "message": _MESSAGE}}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
