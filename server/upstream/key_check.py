"""Is this a key intervyo knows? Asked once per key for a short while, before a session is opened.

Opening an MCP session or SSE stream costs the server memory until the session ends, so a key is checked
with intervyo first: one cheap read (the first agent profile, `page_size` 1) under that key. 401 means the
key is unknown or revoked; any other answer intervyo gives for the key (a page, or 403 for a key without
the read scope) means it exists. The verdict is kept for `ttl_s`, under the key's SHA-256 (never the key),
in a bounded table, and concurrent checks of one key share one upstream call. When intervyo cannot be
asked (no answer, 5xx, 429) there is no verdict: `KeyCheckUnavailable` is raised and nothing is kept.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import anyio

import tools
from server.errors import ToolError
from server.upstream.client import Upstream

__all__ = ["KeyCheck", "KeyCheckUnavailable"]

_PROBE = "list_agent_profiles"
_UNKNOWN_KEY = 401
# Statuses that only a key intervyo knows can get: the key exists, whatever it may do.
_KNOWN_KEY = frozenset({403, 404})
_MAX_VERDICTS = 50_000
_MAX_CONCURRENT_CHECKS = 16


class KeyCheckUnavailable(Exception):
    """intervyo could not be asked about a key just now; `retry_after_s` says when to try again."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("intervyo could not verify the key just now")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class _Verdict:
    accepted: bool
    expires: float


class KeyCheck:
    """`await check.accepted(key)`: True when intervyo knows `key`, cached for `ttl_s` seconds."""

    def __init__(
        self, upstream: Upstream, *, ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        op = tools.by_name(_PROBE)
        assert op is not None, f"the catalog has no {_PROBE}"
        self._op = op
        self._probe = op.arguments.model_validate({"page_size": 1})
        self._upstream = upstream
        self._ttl_s = ttl_s
        self._clock = clock
        self._verdicts: OrderedDict[str, _Verdict] = OrderedDict()
        self._asking: dict[str, anyio.Event] = {}
        self._slots = anyio.Semaphore(_MAX_CONCURRENT_CHECKS)
        self.upstream_checks = 0  # how many times intervyo was asked (for tests and figures)

    async def accepted(self, key: str) -> bool:
        """Whether intervyo knows `key`; raises `KeyCheckUnavailable` when it cannot say."""
        label = hashlib.sha256(key.encode()).hexdigest()
        while True:
            verdict = self._cached(label)
            if verdict is not None:
                return verdict
            asking = self._asking.get(label)
            if asking is None:
                break
            await asking.wait()  # another request is asking about this key: share its answer
            if self._cached(label) is None:
                break  # it had no answer (intervyo unavailable): ask again ourselves
        done = self._asking[label] = anyio.Event()
        try:
            accepted = await self._ask(key)
            self._remember(label, accepted)
            return accepted
        finally:
            del self._asking[label]
            done.set()

    def _cached(self, label: str) -> bool | None:
        verdict = self._verdicts.get(label)
        if verdict is None:
            return None
        if verdict.expires <= self._clock():
            del self._verdicts[label]
            return None
        return verdict.accepted

    def _remember(self, label: str, accepted: bool) -> None:
        self._verdicts[label] = _Verdict(accepted, self._clock() + self._ttl_s)
        self._verdicts.move_to_end(label)
        while len(self._verdicts) > _MAX_VERDICTS:
            self._verdicts.popitem(last=False)

    async def _ask(self, key: str) -> bool:
        async with self._slots:
            self.upstream_checks += 1
            try:
                await self._upstream.call(self._op, self._probe, key=key)
            except ToolError as error:
                if error.status == _UNKNOWN_KEY:
                    return False
                if error.status in _KNOWN_KEY:
                    return True
                raise KeyCheckUnavailable(error.retry_after_s or 5.0) from None
        return True
