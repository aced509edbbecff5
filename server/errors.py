"""Tool errors: every failure of a tool call that a model can act on, mapped in this one module.

MCP has two error channels. Protocol problems (an unknown or hidden tool, a malformed request) are
JSON-RPC errors, raised by the tool handler as the SDK's `MCPError`. Everything else is a `ToolError`:
it becomes a tool result with `isError: true`, a sentence saying what to do next, and the same facts in
`structuredContent` as `{status, error, retryable, retry_after_s, issues}`.

    ToolError                 an isError tool result: status, message, retryable, retry_after_s, issues
    ├── InvalidArguments      400: the input model refused the arguments; intervyo was not called
    ├── KeyReused             409: an idempotency key already named another request
    │                         (server.upstream.idempotency)
    ├── MissingApiKey         401: no key for this call (stdio without INTERVYO_API_KEY)
    └── UpstreamError         intervyo answered with an error status (see `from_status`)
        ├── RateLimited       429: retry after `retry_after_s`
        ├── Unreachable       502/504: no answer at all (connection failure, timeout, deadline)
        └── UnreadableAnswer  502: a success status whose body does not match the contract

What never reaches the model: upstream bodies that are not the documented error shape
(`{"error": str, "issues"?: [...], "required_scope"?: str}`), stack traces, headers and keys. The
documented `error` sentence is passed on, shortened, with the caller's key redacted if it ever appears.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, ValidationError

import tools
from tools import Operation

__all__ = [
    "InvalidArguments",
    "Issue",
    "MissingApiKey",
    "RateLimited",
    "ToolError",
    "Unreachable",
    "UnreadableAnswer",
    "UpstreamError",
    "from_status",
    "unreachable",
]

_MAX_UPSTREAM_MESSAGE = 300
_MAX_ISSUES = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Issue:
    """One thing wrong with the arguments: where (a JSON path) and why."""

    path: tuple[str | int, ...]
    message: str

    @property
    def dotted(self) -> str:
        return ".".join(str(part) for part in self.path) or "(arguments)"

    def as_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "message": self.message}


@dataclass
class ToolError(Exception):
    """A failed tool call, as the model will read it."""

    status: int
    message: str
    retryable: bool = False
    retry_after_s: float | None = None
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    # The key a keyed write (schedule_session) was sent with, so a retry can reuse it exactly.
    idempotency_key: str | None = None

    def __str__(self) -> str:
        return self.message

    def as_result(self) -> CallToolResult:
        """The `isError` tool result: the sentence as text, the facts as structured content."""
        message = self.message
        if self.idempotency_key is not None and self.idempotency_key not in message:
            # Short: the tool's description says what the key is for (a retry with it never repeats work).
            message += f" (idempotency_key: '{self.idempotency_key}')"
        lines = [message, *(f"- {issue.dotted}: {issue.message}" for issue in self.issues)]
        structured: dict[str, Any] = {
            "status": self.status,
            "error": message,
            "retryable": self.retryable,
            "retry_after_s": self.retry_after_s,
            "issues": [issue.as_json() for issue in self.issues],
        }
        if self.idempotency_key is not None:
            structured["idempotency_key"] = self.idempotency_key
        return CallToolResult(
            content=[TextContent(type="text", text="\n".join(lines))],
            structured_content=structured,
            is_error=True,
        )


class InvalidArguments(ToolError):
    """The arguments failed the tool's input model; nothing was sent upstream."""

    @classmethod
    def from_validation(cls, tool: str, error: ValidationError) -> InvalidArguments:
        return cls.naming(
            tool,
            [
                Issue(path=tuple(item["loc"]), message=item["msg"].removeprefix("Value error, "))
                for item in error.errors(include_url=False, include_input=False)
            ],
        )

    @classmethod
    def naming(cls, tool: str, issues: Sequence[Issue]) -> InvalidArguments:
        """Invalid arguments for `tool`, one line per issue (the first fifty)."""
        return cls(
            status=400,
            message=f"Invalid arguments for {tool}; fix these fields and call it again:",
            issues=tuple(issues[:_MAX_ISSUES]),
        )


class MissingApiKey(ToolError):
    """No intervyo key for this call."""

    def __init__(self) -> None:
        super().__init__(
            status=401,
            message=(
                "No intervyo API key is configured. Set INTERVYO_API_KEY in this server's environment "
                "(the MCP client config's env block), or connect over HTTP with "
                "'Authorization: Bearer <key>'. Keys are created in the intervyo.ai dashboard."
            ),
        )


class UpstreamError(ToolError):
    """intervyo.ai answered with an error status."""


class RateLimited(UpstreamError):
    """429: intervyo is throttling this key."""


class Unreachable(UpstreamError):
    """No answer from intervyo.ai: the connection failed or the time ran out."""


class UnreadableAnswer(UpstreamError):
    """intervyo.ai said yes, but its body does not match the contract."""

    def __init__(self, tool: str) -> None:
        super().__init__(
            status=502,
            message=(
                f"intervyo.ai answered {tool} in a shape this server does not understand, so the "
                "result cannot be shown. The call may have taken effect: check with a get_ or list_ tool."
            ),
        )


class _WireIssue(BaseModel):
    path: list[str | int]
    message: str


class _ErrorBody(BaseModel):
    """The documented error body; anything else is dropped unread."""

    error: str
    issues: list[_WireIssue] | None = None
    required_scope: str | None = None


def from_status(
    op: Operation,
    arguments: dict[str, Any],
    status: int,
    body: object,
    *,
    secret: str,
    retry_after_s: float | None = None,
    attempts: int = 1,
) -> UpstreamError:
    """Map one upstream error answer to what the model should read and do next.

    `arguments` are the validated tool arguments (JSON mode), used to name the ids involved. `secret`
    is the caller's key, scrubbed from anything quoted from the upstream.
    """
    documented = _documented(body)
    said = _said(documented, secret)
    tool = op.name
    if status == 502 and op.toolset == "code_execution" and _runtime_missing(documented):
        language = arguments.get("language") or "this language"
        return UpstreamError(
            status=502,
            message=(
                f"intervyo's code runner cannot run {language}: no {language} runtime is available there"
                f"{said}. Retrying will not help; run the code in another language (python or javascript)."
            ),
        )
    worded = op.error_text.get(status)
    if worded is not None:
        # Wording the operation declares for this status; statuses from 500 on stay retryable.
        text = worded.format_map(_Fill(arguments, tool=tool, said=said))
        return UpstreamError(status=status, message=text, retryable=status >= 500)

    if status == 400:
        issues = tuple(
            Issue(path=tuple(i.path), message=_clean(i.message, secret))
            for i in (documented.issues or [] if documented else [])
        )[:_MAX_ISSUES]
        text = f"intervyo rejected the {tool} request as invalid{said}."
        if issues:
            text = f"intervyo rejected these fields of {tool}; fix them and call it again:"
        return UpstreamError(status=400, message=text, issues=issues)
    if status == 401:
        return UpstreamError(
            status=401,
            message=(
                "intervyo refused the API key (missing, malformed or revoked). Check it in the intervyo.ai "
                "dashboard; send it as 'Authorization: Bearer <key>' or 'x-api-key' over HTTP, or set "
                "INTERVYO_API_KEY for stdio."
            ),
        )
    if status == 402:
        return UpstreamError(
            status=402,
            message=(
                "The intervyo workspace has no active paid plan or is out of session credits "
                f"({tool} needs them). Add credits or a plan in the intervyo.ai dashboard, then retry."
            ),
        )
    if status == 403:
        scope = (documented.required_scope if documented else None) or op.scope
        needs = f"the scope '{_clean(scope, secret)}'" if scope else "permission"
        return UpstreamError(
            status=403,
            message=(
                f"This API key lacks {needs} needed for {tool}. Use a key that has it "
                "(keys and scopes are managed in the intervyo.ai dashboard)."
            ),
        )
    if status == 404:
        return UpstreamError(status=404, message=_not_found(op, arguments))
    if status == 408:
        return UpstreamError(
            status=408, message=f"intervyo gave up on the {tool} request: it took too long{said}."
        )
    if status == 409:
        return UpstreamError(
            status=409, message=f"The {tool} request conflicts with the current state{said}."
        )
    if status == 429:
        # Whole seconds, rounded up: a model cannot act on "0.37 s", and early is worse than late.
        seconds = max(1, math.ceil(retry_after_s)) if retry_after_s is not None else None
        wait = f"in {seconds} s" if seconds is not None else "in a little while"
        return RateLimited(
            status=429,
            message=f"intervyo is rate-limiting this API key. Retry {tool} {wait}.",
            retryable=True,
            retry_after_s=seconds,
        )
    if status >= 500:
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        keyed = arguments.get("idempotency_key") is not None
        return UpstreamError(status=status, message=_server_error(op, status, tried, keyed), retryable=True)
    return UpstreamError(status=status, message=f"intervyo refused the {tool} request ({status}){said}.")


def unreachable(op: Operation, *, timed_out: bool, attempts: int, keyed: bool = False) -> Unreachable:
    """No answer: a network failure, or the call's deadline ran out. `keyed`: the request carried an
    idempotency key, so repeating it cannot do the work twice."""
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    what = "did not answer in time" if timed_out else "could not be reached"
    effect = ""
    if keyed:
        effect = " Retrying with the same idempotency_key is safe."
    elif not op.read_only:
        effect = " The change may or may not have been made: check before retrying."
    return Unreachable(
        status=504 if timed_out else 502,
        message=f"intervyo.ai {what}{tried}. Try again in a minute.{effect}",
        retryable=True,
    )


def _documented(body: object) -> _ErrorBody | None:
    try:
        return _ErrorBody.model_validate(body)
    except ValidationError:
        return None


def _clean(text: str, secret: str) -> str:
    text = _CONTROL.sub(" ", text)
    if secret:
        text = text.replace(secret, "[redacted]")
    if len(text) > _MAX_UPSTREAM_MESSAGE:
        text = text[: _MAX_UPSTREAM_MESSAGE - 1] + "…"
    return text.strip()


def _said(body: _ErrorBody | None, secret: str) -> str:
    if body is None or not body.error.strip():
        return ""
    return f' (intervyo said: "{_clean(body.error, secret)}")'


def _not_found(op: Operation, arguments: dict[str, Any]) -> str:
    lister = _list_tool(op.toolset)
    if op.path_params:
        noun = op.toolset.removesuffix("s").replace("_", " ")
        return (
            f"No {noun} with id {arguments.get(op.path_params[0])} in this workspace (wrong id, deleted, or "
            f"another workspace's). Find ids with {lister}."
        )
    ids = ", ".join(f"{k}={v}" for k, v in arguments.items() if k.endswith("_id") and v is not None)
    referenced = f" ({ids})" if ids else ""
    return (
        f"intervyo could not find something {op.name} refers to{referenced}. Check the ids with the "
        "list_ tools; a session's stage must match an active stage's type on that template."
    )


def _runtime_missing(documented: _ErrorBody | None) -> bool:
    """intervyo's 502 for a language whose runtime its code runner lacks (not a passing failure)."""
    return documented is not None and "runtime" in documented.error.lower()


def _list_tool(toolset: str) -> str:
    """The list tool of a toolset, where the model finds valid ids."""
    return next(
        (op.name for op in tools.CATALOG if op.toolset == toolset and op.list_result), "the list_ tools"
    )


def _server_error(op: Operation, status: int, tried: str, keyed: bool) -> str:
    text = f"intervyo.ai had a server error ({status}){tried}. Try again in a minute."
    if keyed:
        text += " Retrying with the same idempotency_key is safe."
    elif not op.read_only and op.method != "PATCH":
        text += " The change may or may not have been made: check with a list_ tool before retrying."
    return text


class _Fill(dict[str, Any]):
    """An error template's values: the call's arguments, plus `tool` and `said`; unknown names stay
    readable ("?") rather than failing the error path."""

    def __init__(self, arguments: dict[str, Any], **extra: str) -> None:
        super().__init__(arguments)
        self.update(extra)

    def __missing__(self, name: str) -> str:
        return "?"
