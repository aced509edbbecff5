"""One client of one contender: `call(tool, arguments)` the same way for the API, ours and the peer.

- direct: the REST request our catalog declares for the tool (method, path, query, body), sent with
  httpx2 straight to the sandbox. The physical limit: no MCP hop.
- ours: `tools/call` on our server, the caller's key in `Authorization: Bearer`.
- peer: `tools/call` on the FastMCP proxy, under the peer's tool and argument names; the key lives in
  the peer process.

Each MCP client is its own session, so N clients are N sessions, as N agents would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx2

import tools
from bench.mapping import PeerMap
from bench.wire import HANDSHAKE, McpSession, RpcError

__all__ = ["CALL_ERRORS", "Caller", "DirectCaller", "McpCaller", "Outcome"]

# What a single call may raise that a load loop counts as a failure and moves on from.
CALL_ERRORS = (httpx2.HTTPError, RpcError, ValueError)


@dataclass(frozen=True)
class Outcome:
    """What one call produced: success, the bytes received, and the decoded payload."""

    ok: bool
    body_bytes: int
    payload: Any


class Caller(Protocol):
    async def call(self, tool: str, arguments: dict[str, Any]) -> Outcome: ...

    async def close(self) -> None: ...


class DirectCaller:
    """Calls the API itself; `client` carries the base URL and the API key."""

    def __init__(self, client: httpx2.AsyncClient) -> None:
        self._client = client

    async def call(self, tool: str, arguments: dict[str, Any]) -> Outcome:
        op = tools.by_name(tool)
        if op is None:
            raise KeyError(tool)
        path, query, body = op.split(op.arguments.model_validate(arguments))
        response = await self._client.request(op.method, path, params=query or None, json=body)
        payload = response.json() if response.content else None
        return Outcome(response.status_code < 300, len(response.content), payload)

    async def close(self) -> None:
        return None


class McpCaller:
    """Calls tools over one MCP session; with a `PeerMap`, under the peer's names."""

    def __init__(self, session: McpSession, peer_map: PeerMap | None = None) -> None:
        self._session = session
        self._map = peer_map

    @classmethod
    async def open(
        cls, client: httpx2.AsyncClient, url: str, peer_map: PeerMap | None = None, era: str = HANDSHAKE
    ) -> McpCaller:
        session = McpSession(client, url, era=era)
        await session.open()
        return cls(session, peer_map)

    async def call(self, tool: str, arguments: dict[str, Any]) -> Outcome:
        name = tool
        if self._map is not None:
            peer = self._map.tools[tool]
            name, arguments = peer.name, peer.translate(arguments)
        reply = await self._session.call_tool(name, arguments)
        return Outcome(not reply.is_error, reply.body_bytes, reply.result)

    async def close(self) -> None:
        await self._session.close()
