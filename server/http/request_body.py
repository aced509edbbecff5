"""Request bodies: read in full, within a deadline, before any endpoint sees them.

A client that trickles its body (a byte now and then) would otherwise hold a connection and a task for
as long as it likes with no answer. Every request that can carry a body (POST, PUT, PATCH, DELETE) has
its body read here first, within `timeout_s` in all: past that the answer is 408, and the connection
closes. A client that goes away while sending is no error: nothing is answered and nothing is logged
above debug. At most `max_bytes` + 1 bytes are held; past that the rest is left for the endpoint's own
size check (413) to refuse. The endpoint then reads the body from memory, and anything after it (a
disconnect during a streamed answer) from the connection as usual.
"""

from __future__ import annotations

import json
import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyDeadline"]

logger = logging.getLogger(__name__)

_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyDeadline:
    """ASGI middleware: the whole request body within `timeout_s`, else 408."""

    def __init__(self, app: ASGIApp, /, *, timeout_s: float, max_bytes: int) -> None:
        self._app = app
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self._app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        with anyio.move_on_after(self._timeout_s) as deadline:
            while more and size <= self._max_bytes:
                message = await receive()
                if message["type"] == "http.disconnect":
                    logger.debug("client left while sending %s %s", scope["method"], scope["path"])
                    return
                chunk = message.get("body", b"")
                chunks.append(chunk)
                size += len(chunk)
                more = bool(message.get("more_body", False))
        if deadline.cancelled_caught:
            await _timed_out(send, self._timeout_s)
            return
        buffered: Message | None = {"type": "http.request", "body": b"".join(chunks), "more_body": more}

        async def replay() -> Message:
            nonlocal buffered
            if buffered is not None:
                message, buffered = buffered, None
                return message
            return await receive()

        await self._app(scope, replay, send)


async def _timed_out(send: Send, timeout_s: float) -> None:
    body = json.dumps(
        {
            "error": "request_timeout",
            "error_description": f"The request body did not arrive within {timeout_s:g} s; send it at once.",
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 408, "headers": headers})
    await send({"type": "http.response.body", "body": body})
