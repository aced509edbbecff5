"""Confirmations: the person says yes before `delete_participant`, `cancel_session` or `import_participants`.

When the client can ask its user (it declared the `elicitation` capability, form mode), the call first
reads what it would act on, and asks in one sentence naming exactly that: who, which sessions, how many
rows. Declined, cancelled or unticked: nothing is called and the result says so. Accepted: the target
is read again and described again; only if that description is the one the person accepted does the
call run, with the very arguments it was asked about. Anything else ("it changed while you were asked")
does nothing and says so.

How the question travels depends on the protocol era: a handshake-era session gets an
`elicitation/create` request on the call's own stream; a 2026-07-28 client gets an `input_required`
result carrying the request and, as `requestState`, the digest of the sentence asked, and retries with
the answer. A client without elicitation (or a handshake-era one without a back channel: stateless HTTP,
whose answer no instance would be waiting for, or `INTERVYO_JSON_RESPONSE`) keeps the plain
behaviour: the tools' `destructiveHint` and the client's own approval.

`requestState` is only the digest of the question, not a secret: a client that forged it could at most
skip the "changed while asked" check, which protects its own user, so it is not sealed.

Targets that cannot be read (unknown id, another workspace, a session that is no longer scheduled) are
not asked about: the call goes through and intervyo's own error comes back, as it always did.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server import ServerRequestContext
from mcp.types import (
    CallToolRequestParams,
    CallToolResult,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
    TextContent,
)
from mcp.types.version import MODERN_PROTOCOL_VERSIONS

from server.caller import Callers
from server.calls.arguments import parse
from server.errors import ToolError
from server.http.response_mode import answered_as_json
from server.untrusted import unfenced
from server.upstream.reads import Reads
from tools import Composite, Operation
from tools.participants import ImportParticipants, ParticipantId
from tools.sessions import SessionId

__all__ = ["CONFIRMED_TOOLS", "Confirmations"]

CONFIRMED_TOOLS = ("delete_participant", "cancel_session", "import_participants")

_Handler = Callable[[ServerRequestContext[Any], CallToolRequestParams], Awaitable[Any]]
_INPUT = "confirm"
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "confirm": {
            "type": "boolean",
            "title": "Yes, do it",
            "description": "Tick to go ahead; anything else does nothing.",
            "default": False,
        }
    },
    "required": ["confirm"],
}
_SHOWN_NAMES = 5
_SHOWN_SESSIONS = 5
_MAX_TEXT = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


class Confirmations:
    """Wraps the `tools/call` handler: the three destructive tools ask first when the client can ask."""

    def __init__(self, callers: Callers, reads: Reads, call_tool: _Handler) -> None:
        self._callers = callers
        self._reads = reads
        self._call_tool = call_tool

    async def call_tool(self, ctx: ServerRequestContext[Any], params: CallToolRequestParams) -> Any:
        caller = self._callers.find(ctx) if params.name in CONFIRMED_TOOLS else None
        tool = caller.view.find(params.name) if caller is not None else None
        if caller is None or tool is None or not _can_ask(ctx):
            # Not one of them, or a call the handler refuses anyway (no key, a tool hidden from this caller).
            return await self._call_tool(ctx, params)
        raw = params.arguments or {}
        if ctx.session.protocol_version in MODERN_PROTOCOL_VERSIONS:
            answer = (params.input_responses or {}).get(_INPUT)
            if isinstance(answer, ElicitResult):  # the retry: `requestState` is the digest of the question
                return await self._settle(ctx, params, tool, caller.key, answer, params.request_state)
        asked = await self._question(tool, raw, caller.key)
        if asked is None:
            return await self._call_tool(ctx, params)  # which reports the bad argument or missing target
        if ctx.session.protocol_version in MODERN_PROTOCOL_VERSIONS:
            form = ElicitRequestFormParams(message=asked, requested_schema=_SCHEMA)
            return InputRequiredResult(
                input_requests={_INPUT: ElicitRequest(params=form)}, request_state=_digest(asked)
            )
        answer = await ctx.session.elicit_form(asked, _SCHEMA, related_request_id=ctx.request_id)
        return await self._settle(ctx, params, tool, caller.key, answer, _digest(asked))

    async def _settle(
        self,
        ctx: ServerRequestContext[Any],
        params: CallToolRequestParams,
        tool: Operation | Composite,
        key: str,
        answer: ElicitResult,
        confirmed: str | None,
    ) -> Any:
        """Run the call if the user said yes to the question whose digest is `confirmed`, still true now."""
        if answer.action != "accept" or (answer.content or {}).get("confirm") is not True:
            action = answer.action if answer.action != "accept" else "accept without ticking confirm"
            return _not_done(params.name, f"the user answered {action}", action)
        now = await self._question(tool, params.arguments or {}, key)
        if now is None or _digest(now) != confirmed:
            reason = "its target changed while the user was asked; call it again to ask about the new state"
            return _not_done(params.name, reason, "changed")
        return await self._call_tool(ctx, params)

    async def _question(self, tool: Operation | Composite, raw: dict[str, Any], key: str) -> str | None:
        """The sentence to ask about this call now; None when there is nothing to ask about."""
        try:
            return await self._describe(tool, raw, key)
        except ToolError:
            return None

    async def _describe(self, tool: Operation | Composite, raw: dict[str, Any], key: str) -> str | None:
        # Parsed exactly as the call will parse them (JSON strings decoded and all), so no spelling of
        # the arguments that the call accepts can skip the question.
        arguments = parse(tool, raw)
        if isinstance(arguments, ParticipantId):
            return await self._participant_deletion(arguments, key)
        if isinstance(arguments, SessionId):
            return await self._cancellation(arguments, key)
        if isinstance(arguments, ImportParticipants):
            return await self._import(arguments, key)
        raise LookupError(tool.name)

    async def _participant_deletion(self, arguments: ParticipantId, key: str) -> str:
        participant_id = str(arguments.participant_id)
        person = await self._reads.get("get_participant", key, participant_id=participant_id)
        sessions = await self._reads.items("list_sessions", key, candidate_id=participant_id, page_size=100)
        counts = Counter(str(session.get("status")) for session in sessions)
        listed = "; ".join(
            f"{_text(s.get('stage')) or 'interview'} {s.get('status')} (session {s.get('id')})"
            for s in sessions[:_SHOWN_SESSIONS]
        )
        more = f" and {len(sessions) - _SHOWN_SESSIONS} more" if len(sessions) > _SHOWN_SESSIONS else ""
        had = (
            f" They have {len(sessions)} session(s), {_counted(counts)}: {listed}{more}."
            if sessions
            else " They have no sessions."
        )
        return (
            f"Permanently delete participant {_who(person)} (id {participant_id})? This cannot be undone."
            f"{had} To keep them but hide them, archive instead (update_participant status=archived)."
        )

    async def _cancellation(self, arguments: SessionId, key: str) -> str | None:
        session_id = str(arguments.session_id)
        session = await self._reads.session(session_id, key)
        if session.get("status") != "scheduled":
            return None  # intervyo refuses it anyway, with its own error
        who = f"participant {session.get('candidate_id')}"
        with contextlib.suppress(ToolError, KeyError):
            who = _who(await self._reads.get("get_participant", key, participant_id=session["candidate_id"]))
        when = session.get("scheduled_at") or "no set time"
        return (
            f"Cancel the {_text(session.get('stage')) or 'interview'} interview of {who}, scheduled for "
            f"{when} (session {session_id})? Their join link stops working and the session cannot be "
            "resumed; a new interview needs schedule_session."
        )

    async def _import(self, arguments: ImportParticipants, key: str) -> str:
        rows = arguments.participants
        templates = Counter(
            str(row.evaluation_template_id) if row.evaluation_template_id else None for row in rows
        )
        where = "; ".join(
            [
                f"{count} into {await self._template(template_id, key)}"
                for template_id, count in templates.items()
            ]
        )
        names = ", ".join(f"{_quoted(row.name)} <{row.email}>" for row in rows[:_SHOWN_NAMES])
        more = f" and {len(rows) - _SHOWN_NAMES} more" if len(rows) > _SHOWN_NAMES else ""
        return (
            f"Import {len(rows)} participant(s) ({where}): {names}{more}? Emails that already exist for "
            "their template are skipped, not changed."
        )

    async def _template(self, template_id: str | None, key: str) -> str:
        if template_id is None:
            return "no template"
        try:
            template = await self._reads.get("get_evaluation_template", key, template_id=template_id)
        except ToolError:
            return f"template {template_id}"
        return f"template {_quoted(template.get('template_name'))} ({template_id})"


def _can_ask(ctx: ServerRequestContext[Any]) -> bool:
    capabilities = ctx.session.client_capabilities
    elicitation = capabilities.elicitation if capabilities else None
    if elicitation is None or (elicitation.url is not None and elicitation.form is None):
        return False  # no elicitation, or URL mode only (an empty object means form mode)
    if ctx.session.protocol_version in MODERN_PROTOCOL_VERSIONS:
        return True  # asked with an input_required result, no back channel needed
    return ctx.session.can_send_request and not answered_as_json(ctx)


def _not_done(tool: str, reason: str, action: str) -> CallToolResult:
    message = f"Nothing was done: {tool} did not run because {reason}. Do not retry unless the user asks."
    return CallToolResult(
        content=[TextContent(type="text", text=message)],
        structured_content={"confirmed": False, "action": action, "error": message},
        is_error=True,
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: object) -> str:
    """Text someone else wrote, on one line and short: it is shown to the user, quoted."""
    # Shown to a person, quoted: a fenced field is shown as its (defanged) text, without the markers.
    shown = _CONTROL.sub(" ", unfenced(str(value or ""))).strip()
    return shown if len(shown) <= _MAX_TEXT else shown[: _MAX_TEXT - 1] + "…"


def _quoted(value: object) -> str:
    return f"“{_text(value)}”"


def _who(person: dict[str, Any]) -> str:
    email = f" <{_text(person.get('email'))}>" if person.get("email") else ""
    return f"{_quoted(person.get('name'))}{email}"


def _counted(counts: Counter[str]) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
