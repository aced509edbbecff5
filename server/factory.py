"""Builds the MCP `Server` from settings: the one place where handlers are wired in.

This is the seam for what comes next. Each MCP feature lives in its own module as a small class whose
methods are the SDK's `on_*` handlers, built here from the settings and the shared upstream client:

    tool_calls = ToolCalls(settings, upstream)          # tools/list, tools/call
    resources  = Resources(settings, upstream)          # later: on_list_resources, on_read_resource, ...
    prompts    = Prompts(settings)                      # later: on_list_prompts, on_get_prompt
    ...        on_completion=, on_subscribe_resource=, on_subscriptions_listen=ListenHandler(bus)

The SDK derives the advertised capabilities from which handlers are passed, so adding a feature is
adding its handlers to the `Server(...)` call below.
"""

from __future__ import annotations

from typing import Any

from mcp.server import Server

from server import __version__
from server.settings import Settings
from server.tool_calls import ToolCalls
from server.upstream import Upstream

__all__ = ["INSTRUCTIONS", "build_server"]

INSTRUCTIONS = (
    "intervyo.ai runs calibrated AI interviews. Set-up, once per role: create_agent_profile (the AI "
    "interviewer) -> create_evaluation_template (what to assess) -> create_evaluation_stage (type such as "
    "'screen', with the agent_profile_id). Then per candidate: create_participant -> schedule_session "
    "(the participant gets a join link) -> get_session until status is completed and the scorecard "
    "(score, passed, recommendation) appears. Ids come from the list_ tools, which are paged."
)


def build_server(settings: Settings, upstream: Upstream) -> Server[Any]:
    """The MCP server for these settings, calling intervyo through `upstream`."""
    tool_calls = ToolCalls(settings, upstream)
    return Server(
        "intervyo",
        version=__version__,
        title="intervyo.ai",
        description="Run intervyo.ai AI interviews: profiles, templates, stages, participants, sessions.",
        instructions=INSTRUCTIONS,
        website_url="https://www.intervyo.ai",
        get_tool_input_schema=tool_calls.input_schema,
        on_list_tools=tool_calls.list_tools,
        on_call_tool=tool_calls.call_tool,
    )
