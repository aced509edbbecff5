"""The upstream client: pooled HTTP connections to the intervyo REST API, shared by the whole process.

Every call carries the caller's own key as `x-api-key`, and only to the configured API origin: URLs are
the configured base URL followed by a catalog path (ids are validated UUIDs, percent-encoded), and
redirects are never followed (a redirect to another host would otherwise carry the key along).

Safe calls -- reads, and writes carrying an idempotency key -- are retried on 429, 5xx, connection
errors and timeouts (see `server.retry`), all within the call's deadline: when the next wait would end
past the deadline, the last error is returned instead, a 429 with how long to wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from http.cookiejar import DefaultCookiePolicy
from types import TracebackType
from typing import Any

import anyio
import httpx2
from pydantic import BaseModel
from pydantic_core import from_json

from server import __version__
from server.auth import fingerprint
from server.errors import ToolError, from_status, unreachable
from server.idempotency import FIELD as IDEMPOTENCY_FIELD
from server.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from server.settings import Settings
from tools import Operation

__all__ = ["USER_AGENT", "Answer", "Upstream"]

USER_AGENT = f"intervyo-mcp/{__version__} (+https://github.com/intervyo/intervyo-mcp)"

logger = logging.getLogger(__name__)

# Before each request a connection pool probes every idle connection it holds (is it still open?), so a
# pool's cost per call grows with its size under load. Several smaller pools, used in turn, keep it flat.
_POOLS = 4
_CONNECTIONS_PER_POOL = 25


@dataclass(frozen=True)
class Answer:
    """A successful upstream answer: status and parsed JSON body (None when there was no body)."""

    status: int
    body: object
    attempts: int


@dataclass(frozen=True)
class _Failure:
    """Why one attempt did not succeed: an error status, or no answer at all."""

    status: int | None
    body: object = None
    retry_after_s: float | None = None
    timed_out: bool = False


class Upstream:
    """Calls intervyo for tool calls. Use as `async with Upstream(settings) as upstream:`.

    `transport`, `sleep` and `clock` are seams for tests (an `httpx2.MockTransport`, a recorded sleep).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        policy: RetryPolicy | None = None,
    ) -> None:
        # Every path is appended to this prefix: path parameters are percent-encoded (Operation.split), so a
        # key can never be sent anywhere but the configured API origin.
        self._prefix = str(httpx2.URL(settings.api_base_url + "/"))
        self._timeout_s = settings.request_timeout_s
        self._deadline_s = settings.call_deadline_s
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._policy = policy or RetryPolicy(
            retries=settings.retries, base_s=settings.retry_backoff_s, max_s=settings.retry_backoff_max_s
        )
        self._open = False
        self._clients: list[httpx2.AsyncClient] = []
        self._turn = 0

    async def __aenter__(self) -> Upstream:
        self._open = True
        return self

    def _next_client(self) -> httpx2.AsyncClient:
        """The next pool in turn. The pools are made on first use: a client that only lists tools (or
        a cold start waiting for its first `tools/list`) never pays for them."""
        if not self._open:
            raise RuntimeError("Upstream is not open; use it as an async context manager")
        if not self._clients:
            self._clients = self._pools()
        self._turn = (self._turn + 1) % len(self._clients)
        return self._clients[self._turn]

    def _pools(self) -> list[httpx2.AsyncClient]:
        # Each pool keeps as many idle connections as it may open: one closed is a new TCP connection later.
        limits = httpx2.Limits(
            max_connections=_CONNECTIONS_PER_POOL, max_keepalive_connections=_CONNECTIONS_PER_POOL
        )
        tls = httpx2.create_ssl_context()  # one for all: each costs tens of milliseconds to load
        clients = [
            httpx2.AsyncClient(
                headers={"user-agent": USER_AGENT, "accept": "application/json"},
                timeout=self._timeout_s,
                follow_redirects=False,
                limits=limits,
                verify=tls,
                transport=self._transport,
            )
            # An injected transport (tests) is one pool already.
            for _ in range(_POOLS if self._transport is None else 1)
        ]
        for client in clients:
            # The pools serve every caller: a cookie one caller's answer set must never ride another's call.
            client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        return clients

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._open = False
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()

    async def call(self, op: Operation, arguments: BaseModel, *, key: str) -> Answer:
        """Send one tool call upstream; the answer on success, a `ToolError` raised otherwise."""
        path, query, body = op.split(arguments)
        url = self._url(path)
        safe = op.method == "GET" or (body is not None and body.get(IDEMPOTENCY_FIELD) is not None)
        deadline = self._clock() + self._deadline_s
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._attempt(op, url, query, body, key, deadline)
            if isinstance(outcome, Answer):
                return Answer(outcome.status, outcome.body, attempt)
            logger.info(
                "upstream %s %s failed: %s (attempt %d, key %s)",
                op.method,
                path,
                outcome.status or ("timeout" if outcome.timed_out else "network error"),
                attempt,
                fingerprint(key),
            )
            retryable = outcome.status is None or outcome.status in RETRYABLE_STATUSES
            if not (safe and retryable and attempt <= self._policy.retries):
                raise self._error(op, arguments, outcome, key, attempt)
            wait = self._policy.wait(attempt, outcome.retry_after_s)
            if self._clock() + wait > deadline:
                # Waiting would outlive the call: hand the error, and how long to wait, to the model.
                raise self._error(op, arguments, replace(outcome, retry_after_s=wait), key, attempt)
            await self._sleep(wait)

    async def fetch_document(self, url: str) -> object:
        """GET a JSON document intervyo links to (a presigned `transcript_url`), without any key.

        Such links may live on another host, so no credential is ever sent: the link is its own
        authorisation. One attempt, no redirects; None when it is unreachable, refused or not JSON.
        """
        client = self._next_client()
        target = httpx2.URL(url)
        if target.scheme not in ("https", "http") or target.userinfo:
            return None
        try:
            with anyio.fail_after(self._timeout_s):
                response = await client.get(target, timeout=self._timeout_s)
        except (TimeoutError, httpx2.HTTPError):
            return None
        if response.status_code != 200:
            return None
        return _json(response)

    def _url(self, path: str) -> str:
        return self._prefix + path.lstrip("/")

    async def _attempt(
        self,
        op: Operation,
        url: str,
        query: dict[str, Any],
        body: dict[str, Any] | None,
        key: str,
        deadline: float,
    ) -> Answer | _Failure:
        client = self._next_client()
        remaining = deadline - self._clock()
        if remaining <= 0:
            return _Failure(None, timed_out=True)
        # The pools' own timeout unless the deadline is nearer (a Timeout object per call costs).
        timeout = httpx2.USE_CLIENT_DEFAULT if remaining >= self._timeout_s else remaining
        try:
            with anyio.fail_after(remaining):
                response = await client.request(
                    op.method,
                    url,
                    params=query or None,
                    json=body,
                    headers={"x-api-key": key},
                    timeout=timeout,
                )
        except (TimeoutError, httpx2.TimeoutException):
            return _Failure(None, timed_out=True)
        except httpx2.TransportError:
            return _Failure(None)
        parsed = _json(response)
        if 200 <= response.status_code < 300:
            return Answer(response.status_code, parsed, 1)
        return _Failure(
            response.status_code, parsed, parse_retry_after(response.headers.get("retry-after")), False
        )

    def _error(
        self, op: Operation, arguments: BaseModel, failure: _Failure, key: str, attempts: int
    ) -> ToolError:
        named = arguments.model_dump(mode="json")
        if failure.status is None:
            keyed = named.get(IDEMPOTENCY_FIELD) is not None
            return unreachable(op, timed_out=failure.timed_out, attempts=attempts, keyed=keyed)
        return from_status(
            op,
            named,
            failure.status,
            failure.body,
            secret=key,
            retry_after_s=failure.retry_after_s,
            attempts=attempts,
        )


def _json(response: httpx2.Response) -> object:
    if not response.content:
        return None
    try:
        parsed: object = from_json(response.content)  # JSON is UTF-8 (RFC 8259)
    except ValueError:
        return None
    return parsed
