"""A minimal MCP client over streamable HTTP, written for measuring servers rather than for agents.

The load generator must not be the bottleneck, and every contender must pay exactly the same client
cost, so this client does only what the protocol requires, in either era:
- `HANDSHAKE` (2025-11-25, what Claude, Cursor and Inspector speak today): `initialize`,
  `notifications/initialized`, then `Mcp-Session-Id` on every request;
- `MODERN` (2026-07-28, stateless): no handshake and no session; every request carries the
  `Mcp-Method`/`Mcp-Name` headers and the protocol version and client capabilities in `params._meta`.
One POST per JSON-RPC request; the answer is read from a JSON body or an SSE stream, and the raw
bytes are kept so sizes are measured as sent.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import httpx2

__all__ = [
    "HANDSHAKE",
    "MODERN",
    "McpSession",
    "Reply",
    "RpcError",
    "compact",
    "parse_body",
]

HANDSHAKE = "2025-11-25"
MODERN = "2026-07-28"
_CLIENT_INFO = {"name": "intervyo-bench", "version": "1"}
_NAMED_PARAM = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}

_ACCEPT = "application/json, text/event-stream"


class RpcError(RuntimeError):
    """A JSON-RPC error, a non-2xx status or an unreadable body from the server."""


@dataclass(frozen=True)
class Reply:
    """One JSON-RPC result and the bytes of the HTTP body that carried it."""

    result: dict[str, Any]
    body_bytes: int

    @property
    def is_error(self) -> bool:
        return bool(self.result.get("isError"))


def compact(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON: sizes compared across servers ignore their whitespace habits."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def parse_body(content_type: str, body: bytes, request_id: int) -> dict[str, Any]:
    """The JSON-RPC message answering `request_id` in a JSON or SSE body."""
    if content_type.startswith("text/event-stream"):
        for line in body.splitlines():
            if not line.startswith(b"data:"):
                continue
            message = json.loads(line[5:])
            if isinstance(message, dict) and message.get("id") == request_id:
                return message
        raise RpcError(f"no answer to request {request_id} in the event stream")
    message = json.loads(body)
    if isinstance(message, list):
        message = next((m for m in message if m.get("id") == request_id), None)
    if not isinstance(message, dict):
        raise RpcError(f"no answer to request {request_id}")
    return message


class McpSession:
    """One MCP session over a shared `httpx2.AsyncClient` (the client owns connections and headers)."""

    def __init__(
        self,
        client: httpx2.AsyncClient,
        url: str,
        headers: dict[str, str] | None = None,
        era: str = HANDSHAKE,
    ) -> None:
        self._client = client
        self._url = url
        self._headers = {"accept": _ACCEPT, "content-type": "application/json", **(headers or {})}
        self._ids = itertools.count(1)
        self.era = era
        self.session_id: str | None = None

    async def open(self) -> None:
        """The handshake (`initialize`, then `notifications/initialized`); nothing in the modern era."""
        if self.era == MODERN:
            self._headers["mcp-protocol-version"] = MODERN
            return
        await self.request(
            "initialize", {"protocolVersion": HANDSHAKE, "capabilities": {}, "clientInfo": _CLIENT_INFO}
        )
        self._headers["mcp-protocol-version"] = HANDSHAKE
        await self.notify("notifications/initialized")

    async def request(self, method: str, params: dict[str, Any] | None = None) -> Reply:
        request_id = next(self._ids)
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        headers = self._headers
        if self.era == MODERN:
            meta = {
                "io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": _CLIENT_INFO,
            }
            params = {**(params or {}), "_meta": meta}
            headers = {**headers, "mcp-method": method}
            named = _NAMED_PARAM.get(method)
            if named is not None:
                headers["mcp-name"] = str(params[named])
        if params is not None:
            message["params"] = params
        response = await self._client.post(self._url, content=compact(message), headers=headers)
        if self.session_id is None and "mcp-session-id" in response.headers:
            self.session_id = response.headers["mcp-session-id"]
            self._headers["mcp-session-id"] = self.session_id
        if response.status_code >= 300:
            raise RpcError(f"{method}: HTTP {response.status_code}: {response.text[:200]}")
        answer = parse_body(response.headers.get("content-type", ""), response.content, request_id)
        if "error" in answer:
            raise RpcError(f"{method}: {answer['error']}")
        return Reply(answer["result"], len(response.content))

    async def notify(self, method: str) -> None:
        """A notification (handshake era only: the modern era has no client-to-server ones)."""
        message = {"jsonrpc": "2.0", "method": method}
        response = await self._client.post(self._url, content=compact(message), headers=self._headers)
        if response.status_code >= 300:
            raise RpcError(f"{method}: HTTP {response.status_code}")

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> Reply:
        return await self.request("tools/call", {"name": name, "arguments": arguments})

    async def list_tools(self) -> list[dict[str, Any]]:
        """Every tool, following `nextCursor`."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            reply = await self.request("tools/list", {"cursor": cursor} if cursor else {})
            found.extend(reply.result.get("tools", []))
            cursor = reply.result.get("nextCursor")
            if not cursor:
                return found

    async def close(self) -> None:
        """End the session (DELETE), ignoring a server that does not support it."""
        if self.session_id is not None and self.era == HANDSHAKE:
            await self._client.delete(self._url, headers=self._headers)
            self.session_id = None
