"""Request handlers, one module per API area, and `HANDLERS`: catalog operation name -> handler.

A handler is a plain function `(Context, validated arguments) -> Reply`. It runs in a worker thread,
inside one store transaction (see `sandbox.api`), and raises `sandbox.errors.ApiError` to refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.handlers import (
    agent_profiles,
    code_execution,
    evaluation_stages,
    evaluation_templates,
    participants,
    sessions,
)
from sandbox.runtime import Context, Reply

__all__ = ["HANDLERS", "OUTSIDE_TRANSACTION", "Handler"]

Handler = Callable[[Context, Any], Reply]

HANDLERS: dict[str, Handler] = {
    "list_agent_profiles": agent_profiles.list_profiles,
    "get_agent_profile": agent_profiles.get,
    "create_agent_profile": agent_profiles.create,
    "fork_agent_profile": agent_profiles.fork,
    "update_agent_profile": agent_profiles.update,
    "list_evaluation_templates": evaluation_templates.list_templates,
    "get_evaluation_template": evaluation_templates.get,
    "create_evaluation_template": evaluation_templates.create,
    "update_evaluation_template": evaluation_templates.update,
    "list_evaluation_stages": evaluation_stages.list_stages,
    "get_evaluation_stage": evaluation_stages.get,
    "create_evaluation_stage": evaluation_stages.create,
    "update_evaluation_stage": evaluation_stages.update,
    "list_participants": participants.list_participants,
    "get_participant": participants.get,
    "create_participant": participants.create,
    "update_participant": participants.update,
    "delete_participant": participants.delete,
    "import_participants": participants.import_many,
    "list_sessions": sessions.list_sessions,
    "get_session": sessions.get,
    "schedule_session": sessions.schedule,
    "reschedule_session": sessions.reschedule,
    "cancel_session": sessions.cancel,
    "execute_code": code_execution.execute,
}

# Operations that must not hold the store's lock while they run (they touch no rows, and take seconds).
OUTSIDE_TRANSACTION = frozenset({"execute_code"})
