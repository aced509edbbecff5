"""Every tool's input schema, fuzzed (hypothesis, `schema_strategy`): valid arguments and broken ones,
against a sandbox of its own. Every call gets an answer -- a result, or an `isError` result naming the
problem -- and none is a protocol error or a server error."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import anyio
import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, given, settings
from mcp import Client
from mcp.shared.exceptions import MCPError
from schema_strategy import fuzzed
from support import figures

import tools
from server.app import build_server
from server.upstream.client import Upstream

pytestmark = pytest.mark.reliability

EXAMPLES_PER_TOOL = 60
SLOW_TOOLS = {
    "wait_for_scorecard": {"timeout_s": 1}
}  # bounded waits: the fuzz measures answers, not patience


def test_every_tools_schema_fuzzed_gets_an_answer_and_no_server_error(make_settings) -> None:
    from sandbox.config import SandboxConfig
    from sandbox.seed import DEMO_KEY
    from sandbox.serve import serve_in_thread

    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    started = time.monotonic()
    with serve_in_thread(SandboxConfig(time_scale=1000.0)) as sandbox, start_blocking_portal() as portal:
        config = make_settings(api_base_url=sandbox.base_url, api_key=DEMO_KEY, log_level="warning")
        upstream = portal.wrap_async_context_manager(Upstream(config))
        with upstream as opened:
            client = Client(build_server(config, opened))  # type: ignore[arg-type]
            with portal.wrap_async_context_manager(client) as connected:
                listed = portal.call(connected.list_tools).tools
                for tool in listed:
                    # The declared schema (what the server validates against), not tools/list's compact one.
                    declared = tools.tool_by_name(tool.name)
                    schema = dict(declared.input_schema if declared is not None else tool.input_schema)
                    _fuzz(portal, connected, tool.name, schema, outcomes, failures)
    figures(
        "schema fuzz",
        tools=len(listed),
        calls=sum(outcomes.values()),
        outcomes=dict(sorted(outcomes.items())),
        server_errors=len(failures),
        seconds=round(time.monotonic() - started, 1),
    )
    assert failures == [], failures[:5]


def _fuzz(
    portal: Any,
    client: Client,
    name: str,
    schema: dict[str, Any],
    outcomes: Counter[str],
    failures: list[str],
) -> None:
    @settings(
        max_examples=EXAMPLES_PER_TOOL,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(fuzzed(schema))
    def one(arguments: dict[str, Any]) -> None:
        arguments = {**arguments, **SLOW_TOOLS.get(name, {})}
        try:
            result = portal.call(_call, client, name, arguments)
        except MCPError as error:
            failures.append(
                f"{name}: protocol error {error.error.code} {error.error.message} for {arguments!r}"
            )
            return
        if not result.is_error:
            outcomes["ok"] += 1
            return
        status = (result.structured_content or {}).get("status")
        outcomes[f"isError {status}"] += 1
        if not isinstance(status, int) or (status >= 500 and status not in (502, 504)):
            failures.append(f"{name}: server error {status} for {arguments!r}: {result.content}")

    one()


async def _call(client: Client, name: str, arguments: dict[str, Any]) -> Any:
    with anyio.fail_after(30):
        return await client.call_tool(name, arguments)
