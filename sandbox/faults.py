"""Fault injection for tests: make chosen API routes fail, slow down or drop the connection.

Faults belong to the API key that registers them and only hit requests carrying that same key, so
parallel tests (or people) sharing one sandbox do not disturb each other. They are runtime state, not
persisted. Control routes (any valid key; not themselves subject to faults or rate limits):

    POST   /_sandbox/faults        register one; body (all optional but one effect is needed):
        {"route": "/sessions*",     glob on the path below /api/v1 (default "*": every route)
         "method": "POST",          only this method (default: any)
         "status": 503,             answer this status instead: 429 or 500-599
         "retry_after": 2,          Retry-After seconds on that answer (a 429 gets 1 by default)
         "latency_ms": 300,         wait this long first (alone: a slow but correct answer)
         "drop_connection": true,   send the status line, then cut the connection mid-response
         "ignore_query": ["email"], drop these query parameters before the API reads them: an API
                                    that ignores a filter and answers unfiltered rows
         "count": 2,                for this many matching requests (default: until cleared)
         "probability": 0.5}        each matching request is hit with this probability (default 1)
        -> 201 {"data": {"id": "flt_…", ...the fault...}}
    GET    /_sandbox/faults        -> {"data": [faults of this key]}
    DELETE /_sandbox/faults        clear this key's faults -> 204
    DELETE /_sandbox/faults/{id}   clear one -> 204 (404 if not this key's)

An injected error answers `{"error": "Injected fault (503)"}` with the chosen status.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import random
import threading
import uuid
from dataclasses import asdict, dataclass
from functools import partial
from urllib.parse import parse_qsl, urlencode

import anyio
import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.api import API_PREFIX
from sandbox.auth import API_KEY_HEADER, authenticate
from sandbox.errors import ApiError, NotFound, ValidationFailed
from sandbox.responses import ApiJSONResponse
from sandbox.runtime import Runtime
from sandbox.validation import issues_of

__all__ = [
    "DroppedConnection",
    "Fault",
    "FaultMiddleware",
    "FaultRegistry",
    "fault_routes",
    "quiet_dropped_connections",
]


class FaultSpec(BaseModel):
    """The body of `POST /_sandbox/faults`."""

    model_config = ConfigDict(extra="forbid")

    route: str = Field("*", min_length=1)
    method: str | None = None
    status: int | None = Field(None, description="429 or 500-599")
    retry_after: int | None = Field(None, ge=0)
    latency_ms: int = Field(0, ge=0, le=60_000)
    drop_connection: bool = False
    count: int | None = Field(None, ge=1)
    probability: float = Field(1.0, ge=0, le=1)
    ignore_query: list[str] = Field(default_factory=list[str])

    @model_validator(mode="after")
    def _has_an_effect(self) -> FaultSpec:
        if self.status is not None and not (self.status == 429 or 500 <= self.status <= 599):
            raise ValueError("status must be 429 or 500-599")
        if self.status is None and not (self.latency_ms or self.drop_connection or self.ignore_query):
            raise ValueError("give at least one of status, latency_ms, drop_connection, ignore_query")
        return self


@dataclass
class Fault:
    """A registered fault; `count` goes down as it hits, and the fault goes at zero."""

    id: str
    key: str
    route: str
    method: str | None
    status: int | None
    retry_after: int | None
    latency_ms: int
    drop_connection: bool
    count: int | None
    probability: float
    ignore_query: list[str]


class DroppedConnection(Exception):
    """Raised mid-response on purpose, so the server cuts the connection."""


class FaultRegistry:
    """The registered faults, per API key."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._random = random.Random()

    def add(self, key: str, spec: FaultSpec) -> Fault:
        fault = Fault(id=f"flt_{uuid.uuid4().hex[:16]}", key=key, **spec.model_dump())
        if fault.method:
            fault.method = fault.method.upper()
        with self._lock:
            self._faults.append(fault)
        return fault

    def of(self, key: str) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if f.key == key]

    def clear(self, key: str, fault_id: str | None = None) -> int:
        with self._lock:
            keep = [f for f in self._faults if f.key != key or (fault_id is not None and f.id != fault_id)]
            removed = len(self._faults) - len(keep)
            self._faults = keep
        return removed

    def strike(self, key: str, method: str, path: str) -> Fault | None:
        """The first of the key's faults that hits this request (using up one of its count), if any."""
        with self._lock:
            for fault in self._faults:
                if fault.key != key or (fault.method and fault.method != method):
                    continue
                if not fnmatch.fnmatchcase(path, fault.route):
                    continue
                if self._random.random() >= fault.probability:
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                return fault
        return None


class FaultMiddleware:
    """Applies the caller's faults to `/api/v1` requests."""

    def __init__(self, app: ASGIApp, registry: FaultRegistry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        key = _header(scope, API_KEY_HEADER)
        fault = self.registry.strike(key, scope["method"], path[len(API_PREFIX) :] or "/") if key else None
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.latency_ms:
            await anyio.sleep(fault.latency_ms / 1000)
        if fault.drop_connection:
            status = fault.status or 200
            headers = [(b"content-type", b"application/json"), (b"content-length", b"1024")]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            raise DroppedConnection(fault.id)
        if fault.ignore_query:
            scope = {**scope, "query_string": _without(scope.get("query_string", b""), fault.ignore_query)}
        if fault.status is None:
            await self.app(scope, receive, send)
            return
        retry_after = (
            fault.retry_after if fault.retry_after is not None else (1 if fault.status == 429 else None)
        )
        retry_headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        response = ApiJSONResponse(
            {"error": f"Injected fault ({fault.status})"}, fault.status, headers=retry_headers
        )
        await response(scope, receive, send)


def fault_routes(runtime: Runtime, registry: FaultRegistry) -> list[Route]:
    """The `/_sandbox/faults` control routes."""
    return [
        Route("/_sandbox/faults", partial(_faults, runtime, registry), methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/faults/{fault_id}", partial(_one_fault, runtime, registry), methods=["DELETE"]),
    ]


async def _key(runtime: Runtime, request: Request) -> str:
    grant = await anyio.to_thread.run_sync(authenticate, runtime.store, dict(request.headers))
    return grant.key


async def _faults(runtime: Runtime, registry: FaultRegistry, request: Request) -> Response:
    try:
        key = await _key(runtime, request)
        if request.method == "GET":
            return ApiJSONResponse({"data": [_public(f) for f in registry.of(key)]})
        if request.method == "DELETE":
            registry.clear(key)
            return Response(status_code=204)
        try:
            spec = FaultSpec.model_validate(json.loads(await request.body() or b"{}"))
        except ValidationError as exc:
            raise ValidationFailed(issues_of(exc)) from None
        except ValueError:
            raise ValidationFailed.at([], "Malformed JSON body") from None
        return ApiJSONResponse({"data": _public(registry.add(key, spec))}, status_code=201)
    except ApiError as error:
        return error.response()


async def _one_fault(runtime: Runtime, registry: FaultRegistry, request: Request) -> Response:
    try:
        key = await _key(runtime, request)
        if not registry.clear(key, request.path_params["fault_id"]):
            raise NotFound("Fault not found")
        return Response(status_code=204)
    except ApiError as error:
        return error.response()


def _public(fault: Fault) -> dict[str, object]:
    return {k: v for k, v in asdict(fault).items() if k != "key"}


def _without(query: bytes, names: list[str]) -> bytes:
    kept = [(k, v) for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if k not in names]
    return urlencode(kept).encode("latin-1")


def _header(scope: Scope, name: str) -> str:
    for key, value in scope.get("headers", []):
        if key.decode("latin-1").lower() == name:
            return str(value.decode("latin-1").strip())
    return ""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def quiet_dropped_connections() -> None:
    """Keep uvicorn from logging a traceback for every connection a fault drops on purpose."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())
