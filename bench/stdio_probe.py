"""Time a stdio MCP server from process start to its first `tools/list` answer, as a desktop client
waits for it: spawn, `initialize`, `notifications/initialized`, `tools/list`.

Newline-delimited JSON-RPC on the child's stdin/stdout; non-JSON lines and messages that answer
nothing we asked are skipped. The child is stopped as soon as it has answered.
"""

from __future__ import annotations

import json
import os
import select
import time
from dataclasses import dataclass
from typing import IO, Any

from bench.launch import Command
from bench.processes import Fleet
from bench.wire import HANDSHAKE, compact

__all__ = ["Probe", "ProbeError", "probe"]


class ProbeError(RuntimeError):
    """The server did not answer in time, or exited."""


@dataclass(frozen=True)
class Probe:
    """Seconds from spawn to the `initialize` answer and to the `tools/list` answer, and the tools."""

    initialize_s: float
    tools_list_s: float
    tools: list[dict[str, Any]]


class _Lines:
    """Lines from a pipe, with a deadline (no thread, no event loop)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._fd = stream.fileno()
        self._buffer = b""

    def answer(self, request_id: int, deadline: float) -> dict[str, Any]:
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get("id") == request_id:
                    if "error" in message:
                        raise ProbeError(f"request {request_id}: {message['error']}")
                    result: dict[str, Any] = message["result"]
                    return result
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ProbeError(f"no answer to request {request_id} in time")
            ready, _, _ = select.select([self._fd], [], [], remaining)
            if ready:
                chunk = os.read(self._fd, 65536)
                if not chunk:
                    raise ProbeError("the server closed stdout")
                self._buffer += chunk


def _send(stream: IO[bytes], message: dict[str, Any]) -> None:
    stream.write(compact(message) + b"\n")
    stream.flush()


def probe(fleet: Fleet, name: str, command: Command, timeout_s: float) -> Probe:
    """Start `command` as a stdio server and time the handshake and the first `tools/list`."""
    started = time.perf_counter()
    deadline = started + timeout_s
    child = fleet.start(name, command.argv, env=command.env, pipes=True)
    try:
        stdin, stdout = child.popen.stdin, child.popen.stdout
        assert stdin is not None and stdout is not None
        lines = _Lines(stdout)
        _send(
            stdin,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": HANDSHAKE,
                    "capabilities": {},
                    "clientInfo": {"name": "intervyo-bench", "version": "1"},
                },
            },
        )
        try:
            lines.answer(1, deadline)
            initialized = time.perf_counter() - started
            _send(stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
            _send(stdin, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
            result = lines.answer(2, deadline)
        except ProbeError as error:
            raise ProbeError(f"{name}: {error}\n{child.log_tail()}") from None
        listed = time.perf_counter() - started
    finally:
        fleet.stop(child)
    return Probe(initialized, listed, list(result.get("tools", [])))
