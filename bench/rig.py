"""The running system under test: the sandbox and both MCP servers, each in its own process.

Each process has its own interpreter (and GIL), so the load generator, the servers and the sandbox
compete only for cores, as they would on a real host. `Rig.start` brings everything up inside a
`Fleet`, which stops it all again however the run ends. `Rig.client` and `Rig.caller` give the
measurements a connection pool and a client for any contender, so every figure reaches the three
contenders the same way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx2

import tools
from bench import launch
from bench.callers import Caller, DirectCaller, McpCaller
from bench.mapping import PeerMap
from bench.plan import Plan
from bench.processes import LOOPBACK, Child, Fleet, free_port
from bench.wire import HANDSHAKE, McpSession
from bench.workload import Fixtures, Workload

__all__ = ["CONTENDERS", "MCP_CONTENDERS", "Contender", "Rig", "rotated"]

Contender = Literal["direct", "ours", "peer"]
CONTENDERS: tuple[Contender, ...] = ("direct", "ours", "peer")
MCP_CONTENDERS: tuple[Contender, ...] = ("ours", "peer")


def rotated(items: tuple[Contender, ...], shift: int) -> Iterator[Contender]:
    """`items` starting at position `shift`: each round puts a different contender first."""
    for index in range(len(items)):
        yield items[(index + shift) % len(items)]


@dataclass
class Rig:
    """Processes, URLs, the API key and the workload shared by every measurement of a run."""

    plan: Plan
    fleet: Fleet
    sandbox: Child
    servers: dict[Contender, Child]
    api_key: str
    api_base_url: str
    spec: dict[str, Any]
    spec_path: Path
    peer_map: PeerMap
    workload: Workload

    @classmethod
    async def start(cls, plan: Plan, fleet: Fleet, work_dir: Path, api_key: str) -> Rig:
        port = free_port()
        command = launch.sandbox_http(port, work_dir / "sandbox.db")
        sandbox = fleet.start("sandbox", command.argv, env=command.env)
        api_base_url = f"http://{LOOPBACK}:{port}/api/v1"
        sandbox.base_url = api_base_url
        sandbox.wait_http(f"{api_base_url}/openapi.json", plan.start_timeout_s)
        spec = httpx2.get(f"{api_base_url}/openapi.json", timeout=10.0).json()
        spec_path = work_dir / "openapi.json"
        spec_path.write_text(json.dumps(spec))

        ours_port, peer_port = free_port(), free_port()
        ours_cmd = launch.ours_http(ours_port, api_base_url)
        peer_cmd = launch.peer_http(peer_port, spec_path, api_base_url, api_key)
        servers: dict[Contender, Child] = {
            "ours": fleet.start(
                "ours", ours_cmd.argv, env=ours_cmd.env, base_url=f"http://{LOOPBACK}:{ours_port}"
            ),
            "peer": fleet.start(
                "peer", peer_cmd.argv, env=peer_cmd.env, base_url=f"http://{LOOPBACK}:{peer_port}"
            ),
        }
        for child in servers.values():
            # Any answer from /mcp (405, 406, 401) means the app is serving.
            child.wait_http(f"{child.base_url}/mcp", plan.start_timeout_s)

        async with httpx2.AsyncClient(base_url=api_base_url, headers={"x-api-key": api_key}) as api:
            fixtures = await Fixtures.discover(api)
        async with httpx2.AsyncClient(timeout=plan.call_timeout_s) as client:
            session = McpSession(client, f"{servers['peer'].base_url}/mcp")
            await session.open()
            peer_map = PeerMap.build(spec, await session.list_tools(), tools.DEFAULT_TOOLSETS)
            await session.close()
        workload = Workload(fixtures, uuid.uuid4().hex[:8])
        return cls(plan, fleet, sandbox, servers, api_key, api_base_url, spec, spec_path, peer_map, workload)

    def mcp_url(self, contender: Contender) -> str:
        return f"{self.servers[contender].base_url}/mcp"

    def client(self, contender: Contender, connections: int) -> httpx2.AsyncClient:
        """A connection pool for `connections` concurrent clients of `contender`."""
        limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
        timeout = httpx2.Timeout(self.plan.call_timeout_s)
        if contender == "direct":
            return httpx2.AsyncClient(
                base_url=self.api_base_url,
                headers={"x-api-key": self.api_key},
                limits=limits,
                timeout=timeout,
            )
        headers = {"authorization": f"Bearer {self.api_key}"} if contender == "ours" else {}
        return httpx2.AsyncClient(headers=headers, limits=limits, timeout=timeout)

    async def caller(self, contender: Contender, client: httpx2.AsyncClient, era: str = HANDSHAKE) -> Caller:
        """A new client of `contender` over `client` (for MCP contenders, a new session in `era`)."""
        if contender == "direct":
            return DirectCaller(client)
        peer_map = self.peer_map if contender == "peer" else None
        return await McpCaller.open(client, self.mcp_url(contender), peer_map, era)

    def pids(self) -> dict[str, int]:
        return {"sandbox": self.sandbox.pid, **{name: child.pid for name, child in self.servers.items()}}
