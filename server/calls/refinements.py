"""What the server adds around one catalog call so that a conversation comes out right.

Before the call: a session time without an offset is read in the invite's timezone (`local_times`);
a participant `query` that is a whole email address goes to the API as its `email` filter.
After it: list filters are checked on the rows and applied here when intervyo did not or cannot
(`list_filters`); session rows get the candidate's name and local times (`session_rows`); list rows are
cut to their summary unless `view: "full"`; a reschedule answers the time intervyo stored; a deleted
participant's result counts what remains stored (`erasure`).
"""

from __future__ import annotations

from typing import Any

import anyio
from pydantic import BaseModel

import tools
from server.calls.erasure import ERASURE, remaining
from server.calls.list_filters import filtered_page
from server.calls.session_rows import Names, RecentNames, summarise
from server.errors import ToolError
from server.local_times import TIME_FIELDS, as_utc, echo_local, zone
from server.upstream.client import Answer, Upstream
from server.upstream.results import shape
from tools import Operation
from tools.paging import MAX_PAGE_SIZE
from tools.participants import ListParticipants
from tools.sessions import RescheduleSession, ScheduleSession

__all__ = ["Refinements"]

_SESSION_RESULTS = frozenset({"get_session", "schedule_session", "cancel_session"})
_NAMES_PAGE = {"page_size": MAX_PAGE_SIZE, "view": "full"}


class Refinements:
    """`before` and `after` one catalog call, reading more of intervyo under the same key."""

    def __init__(self, upstream: Upstream) -> None:
        self._upstream = upstream
        self._recent_names = RecentNames()

    async def before(self, op: Operation, arguments: BaseModel, key: str) -> BaseModel:
        """The arguments to send: local times made UTC, an email-shaped query sent as `email`."""
        if isinstance(arguments, ScheduleSession):
            zone(op.name, arguments.timezone)
            when = arguments.scheduled_at
            if when is not None:
                return arguments.model_copy(
                    update={"scheduled_at": as_utc(op.name, when, arguments.timezone)}
                )
        elif isinstance(arguments, RescheduleSession):
            timezone = arguments.timezone
            zone(op.name, timezone)
            if arguments.scheduled_at.tzinfo is None and timezone is None:
                session = await self._read("get_session", key, session_id=str(arguments.session_id))
                timezone = session.get("timezone")
            when = as_utc(op.name, arguments.scheduled_at, timezone)
            return arguments.model_copy(update={"scheduled_at": when})
        elif isinstance(arguments, ListParticipants):
            query = (arguments.query or "").strip()
            if "@" in query and " " not in query and arguments.email is None:
                return arguments.model_copy(update={"email": query})
        return arguments

    async def call(self, op: Operation, arguments: BaseModel, key: str) -> dict[str, Any]:
        """The call itself; a list of sessions reads the participants' names at the same time."""
        if op.name != "list_sessions":
            return shape(op, arguments, await self._upstream.call(op, arguments, key=key))
        names = self._names(key)
        if names.fresh:  # this key's names are known: no page to read beside the call
            structured = shape(op, arguments, await self._upstream.call(op, arguments, key=key))
            await names.add_to(structured.get("items", []), _times(arguments))
            return structured
        answer: Answer | ToolError
        async with anyio.create_task_group() as group:
            group.start_soon(names.prefetch)
            try:
                answer = await self._upstream.call(op, arguments, key=key)
            except ToolError as error:  # raised here, not as an exception group
                answer = error
                group.cancel_scope.cancel()
        if isinstance(answer, ToolError):
            raise answer
        structured = shape(op, arguments, answer)
        await names.add_to(structured.get("items", []), _times(arguments))
        return structured

    async def after(
        self, op: Operation, arguments: BaseModel, structured: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The result to return, completed from further reads under `key`."""
        if op.list_result:
            return await self._page(op, arguments, structured, key)
        if op.name in _SESSION_RESULTS:
            echo_local(structured)
        elif op.name == "reschedule_session":
            session = await self._read("get_session", key, session_id=str(structured["session_id"]))
            stored = echo_local({k: session.get(k) for k in ("scheduled_at", "timezone")}, ["scheduled_at"])
            structured = {"success": structured.get("success", True), "session_id": session["id"], **stored}
        elif op.name == "delete_participant":
            participant_id = str(structured["id"])
            try:
                structured["remains"] = await remaining(
                    participant_id,
                    lambda number: self._read(
                        "list_sessions",
                        key,
                        candidate_id=participant_id,
                        page=number,
                        page_size=MAX_PAGE_SIZE,
                        view="full",
                    ),
                )
            except ToolError as error:
                # The delete is done either way; only the count failed (e.g. no interviews.read scope).
                structured["erasure"] = f"{ERASURE} Could not count the sessions that remain: {error.message}"
            else:
                structured["erasure"] = ERASURE
        return structured

    async def explain(
        self, op: Operation, raw: dict[str, Any] | None, error: ToolError, key: str
    ) -> ToolError:
        """`error`, completed by the follow-up the operation declares (see `server.calls.explanations`)."""
        if op.error_followup is None:
            return error
        completed: ToolError = await op.error_followup(
            dict(raw or {}), error, lambda tool, **values: self._read(tool, key, **values)
        )
        return completed

    async def _page(
        self, op: Operation, arguments: BaseModel, first: dict[str, Any], key: str
    ) -> dict[str, Any]:
        async def fetch(page_arguments: BaseModel) -> dict[str, Any]:
            return shape(op, page_arguments, await self._upstream.call(op, page_arguments, key=key))

        page = await filtered_page(arguments, first, fetch)
        if op.name == "list_sessions" and page is not first:  # rows from the server's own scan
            await self._names(key).add_to(page["items"], _times(arguments))
        if getattr(arguments, "view", "full") == "summary":
            page = {**page, "items": summarise(op.name, page["items"])}
        return page

    def _names(self, key: str) -> Names:
        return Names(
            lambda participant_id: self._read("get_participant", key, participant_id=participant_id),
            lambda: self._read("list_participants", key, **_NAMES_PAGE),
            self._recent_names,
            key,
        )

    async def _read(self, tool: str, key: str, **values: object) -> dict[str, Any]:
        op = tools.by_name(tool)
        assert op is not None, tool
        arguments = op.arguments.model_validate(values)
        return shape(op, arguments, await self._upstream.call(op, arguments, key=key))


def _times(arguments: BaseModel) -> tuple[str, ...]:
    """The times a list of sessions shows in local time: the summary view keeps only scheduled_at."""
    return ("scheduled_at",) if getattr(arguments, "view", "full") == "summary" else TIME_FIELDS
