"""The upstream client: pooled HTTP connections to the intervyo REST API, shared by the whole process.

Every call carries the caller's own key as `x-api-key`, and only to the configured API origin: URLs are
the configured base URL followed by a catalog path (ids are validated UUIDs, percent-encoded), and
redirects are never followed (a redirect to another host would otherwise carry the key along).

Calls go to httpx2 transports (connection pools) directly, not through an `httpx2.AsyncClient`: a
client's per-request work -- merging URLs, headers and cookies, auth and redirect machinery -- was
about 8% of the server's CPU per tool call, and none of it applies. There is no cookie jar, so nothing
one caller's answer sets can ride another caller's call. Whether the pools connect directly or through
the proxy the environment names (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) is decided once
(`server.upstream.proxy`).

Answers are read as they stream in and no further than `max_upstream_body_bytes` (linked documents:
`max_document_bytes`), decompressed size counted: a larger one is refused with a clear error and its
connection dropped, so one huge answer cannot take the server's memory.

Safe calls -- reads, and writes carrying an idempotency key -- are retried on 429, 5xx, connection
errors and timeouts (see `server.upstream.retry`), all within the call's deadline: when the next wait
would end past the deadline, the last error is returned instead, a 429 with how long to wait.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from http.cookiejar import DefaultCookiePolicy
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import httpx2
from pydantic import BaseModel
from pydantic_core import from_json, to_json

from server import __version__
from server.caller import fingerprint
from server.errors import ToolError, from_status, unreachable
from server.settings import Settings
from server.upstream.idempotency import FIELD as IDEMPOTENCY_FIELD
from server.upstream.proxy import proxy_for
from server.upstream.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from tools import Operation

__all__ = ["USER_AGENT", "Answer", "Upstream"]

USER_AGENT = f"intervyo-mcp/{__version__} (+https://github.com/intervyo/intervyo-mcp)"

logger = logging.getLogger(__name__)

# Before each request a connection pool probes every idle connection it holds (is it still open?), so a
# pool's cost per call grows with its size under load. Several smaller pools, used in turn, keep it flat.
_POOLS = 4
_CONNECTIONS_PER_POOL = 25

_HEADERS = (("user-agent", USER_AGENT), ("accept", "application/json"), ("accept-encoding", "gzip, deflate"))
_JSON_BODY = ("content-type", "application/json")


@dataclass(frozen=True)
class Answer:
    """A successful upstream answer: status and parsed JSON body (None when there was no body)."""

    status: int
    body: object
    attempts: int


@dataclass(frozen=True)
class _Outgoing:
    """One call's request, encoded once: every attempt sends the same, only with its own timeout."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    content: bytes | None

    def request(self, timeout_s: float) -> httpx2.Request:
        timeout = {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
        return httpx2.Request(
            self.method, self.url, headers=self.headers, content=self.content, extensions={"timeout": timeout}
        )


class _TooLarge(Exception):
    """An answer longer than the cap: reading stopped there."""


async def _read_capped(response: httpx2.Response, cap: int) -> bytes:
    """The decoded body, read chunk by chunk; `_TooLarge` as soon as it passes `cap` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and "content-encoding" not in response.headers:
        if int(declared) > cap:
            raise _TooLarge()
        # The length is known and within the cap: one read, no chunk-by-chunk loop in Python.
        return await response.aread()
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise _TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(what: str, cap: int) -> ToolError:
    return ToolError(
        status=502,
        message=f"{what} was larger than {cap // (1024 * 1024) or 1} MB, so it was not read. Ask for less "
        "at a time (a smaller page_size), or ask the operator to raise the limit.",
    )


@dataclass(frozen=True)
class _Failure:
    """Why one attempt did not succeed: an error status, or no answer at all."""

    status: int | None
    body: object = None
    retry_after_s: float | None = None
    timed_out: bool = False
    too_large: bool = False


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
        self._max_body = settings.max_upstream_body_bytes
        self._max_document = settings.max_document_bytes
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._policy = policy or RetryPolicy(
            retries=settings.retries, base_s=settings.retry_backoff_s, max_s=settings.retry_backoff_max_s
        )
        self._open = False
        self._pools: list[httpx2.AsyncBaseTransport] = []
        self._turn = 0
        self._tls: ssl.SSLContext | None = None
        self._documents: httpx2.AsyncClient | None = None

    async def __aenter__(self) -> Upstream:
        self._open = True
        return self

    def _require_open(self) -> None:
        if not self._open:
            raise RuntimeError("Upstream is not open; use it as an async context manager")

    def _next_pool(self) -> httpx2.AsyncBaseTransport:
        """The next pool in turn. The pools are made on first use: a client that only lists tools (or
        a cold start waiting for its first `tools/list`) never pays for them."""
        self._require_open()
        if not self._pools:
            self._pools = self._make_pools()
        self._turn = (self._turn + 1) % len(self._pools)
        return self._pools[self._turn]

    def _make_pools(self) -> list[httpx2.AsyncBaseTransport]:
        if self._transport is not None:
            return [self._transport]  # an injected transport (tests) is one pool already
        # Each pool keeps as many idle connections as it may open: one closed is a new TCP connection later.
        limits = httpx2.Limits(
            max_connections=_CONNECTIONS_PER_POOL, max_keepalive_connections=_CONNECTIONS_PER_POOL
        )
        proxy = proxy_for(httpx2.URL(self._prefix))
        return [
            httpx2.AsyncHTTPTransport(limits=limits, verify=self._tls_context(), proxy=proxy)
            for _ in range(_POOLS)
        ]

    def _tls_context(self) -> ssl.SSLContext:
        # One for all pools: loading the CA bundle costs tens of milliseconds each time.
        if self._tls is None:
            self._tls = httpx2.create_ssl_context()
        return self._tls

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._open = False
        owned: list[httpx2.AsyncBaseTransport | httpx2.AsyncClient] = [*self._pools]
        if self._documents is not None:
            owned.append(self._documents)
        self._pools, self._documents = [], None
        if self._transport is not None:
            return  # an injected transport is its owner's to close
        async with contextlib.AsyncExitStack() as closing:  # each is closed even if one fails to
            for resource in owned:
                closing.push_async_callback(resource.aclose)

    async def call(self, op: Operation, arguments: BaseModel, *, key: str) -> Answer:
        """Send one tool call upstream; the answer on success, a `ToolError` raised otherwise."""
        path, query, body = op.split(arguments)
        safe = op.method == "GET" or (body is not None and body.get(IDEMPOTENCY_FIELD) is not None)
        outgoing = self._outgoing(op, path, query, body, key)
        deadline = self._clock() + self._deadline_s
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._attempt(outgoing, deadline)
            if isinstance(outcome, Answer):
                return Answer(outcome.status, outcome.body, attempt)
            if outcome.too_large:
                raise _too_large("intervyo's answer", self._max_body)
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
        authorisation. One attempt, no redirects; None when it is unreachable, refused or not JSON, a
        `ToolError` when it is larger than `max_document_bytes` (it is not read past that).
        """
        target = httpx2.URL(url)
        if target.scheme not in ("https", "http") or target.userinfo:
            return None
        try:
            with anyio.fail_after(self._timeout_s):
                async with self._documents_client().stream("GET", target) as response:
                    if response.status_code != 200:
                        return None
                    content = await _read_capped(response, self._max_document)
        except _TooLarge:
            raise _too_large("The linked document", self._max_document) from None
        except (TimeoutError, httpx2.HTTPError):
            return None
        return _json(content)

    def _documents_client(self) -> httpx2.AsyncClient:
        """A client for documents on any host (with the proxy the environment names for each); made once."""
        self._require_open()
        if self._documents is None:
            self._documents = httpx2.AsyncClient(
                headers=dict(_HEADERS),
                timeout=self._timeout_s,
                follow_redirects=False,
                verify=self._tls_context(),
                transport=self._transport,
            )
            # No cookies: the client is shared by every caller.
            self._documents.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        return self._documents

    def _outgoing(
        self, op: Operation, path: str, query: dict[str, str], body: dict[str, Any] | None, key: str
    ) -> _Outgoing:
        url = self._prefix + path.lstrip("/")
        if query:
            url += "?" + urlencode(query, quote_via=quote)
        if body is None:
            return _Outgoing(op.method, url, (*_HEADERS, ("x-api-key", key)), None)
        return _Outgoing(op.method, url, (*_HEADERS, ("x-api-key", key), _JSON_BODY), to_json(body))

    async def _attempt(self, outgoing: _Outgoing, deadline: float) -> Answer | _Failure:
        pool = self._next_pool()
        remaining = deadline - self._clock()
        if remaining <= 0:
            return _Failure(None, timed_out=True)
        request = outgoing.request(min(self._timeout_s, remaining))
        try:
            with anyio.fail_after(remaining):
                response = await pool.handle_async_request(request)
                try:
                    content = await _read_capped(response, self._max_body)
                except httpx2.DecodingError:
                    content = b""  # an answer all the same: its status counts, its body is unreadable
                finally:
                    await response.aclose()
        except _TooLarge:
            return _Failure(None, too_large=True)
        except (TimeoutError, httpx2.TimeoutException):
            return _Failure(None, timed_out=True)
        except httpx2.TransportError:  # no connection, or a dropped one
            return _Failure(None)
        parsed = _json(content)
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


def _json(content: bytes) -> object:
    if not content:
        return None
    try:
        parsed: object = from_json(content)  # JSON is UTF-8 (RFC 8259)
    except ValueError:
        return None
    return parsed
