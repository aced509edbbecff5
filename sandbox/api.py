"""The `/api/v1` routes, generated from the operation catalog: one route per (method, path).

For each request: authenticate the key, check the operation's scope, validate the arguments with the
operation's own catalog model, then run its handler in a worker thread inside one store transaction.
Two operations share `POST /agent-profiles`; the catalog's `fixed_query` (`?action=fork`) tells them apart.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from functools import partial

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.auth import authenticate, require_scope
from sandbox.errors import ApiError
from sandbox.handlers import HANDLERS, OUTSIDE_TRANSACTION
from sandbox.responses import ApiJSONResponse
from sandbox.runtime import Runtime
from sandbox.validation import parse_arguments
from tools import CATALOG
from tools.operation import Operation

__all__ = ["API_PREFIX", "api_routes", "request_origin"]

API_PREFIX = "/api/v1"

_log = logging.getLogger(__name__)


def api_routes(runtime: Runtime) -> list[Route]:
    """A route for every catalog operation, under `/api/v1`."""
    grouped: dict[tuple[str, str], list[Operation]] = defaultdict(list)
    for operation in CATALOG:
        grouped[(operation.path, operation.method)].append(operation)
    return [
        Route(API_PREFIX + path, partial(_endpoint, runtime, tuple(ops)), methods=[method])
        for (path, method), ops in grouped.items()
    ]


def request_origin(runtime: Runtime, request: Request) -> str:
    """Where the caller reached us (links in responses point there), unless the config pins an origin."""
    if runtime.config.public_origin:
        return runtime.config.public_origin.rstrip("/")
    origin = str(request.base_url).rstrip("/")
    runtime.origin = origin
    return origin


async def _endpoint(runtime: Runtime, operations: Sequence[Operation], request: Request) -> Response:
    operation = _choose(operations, request.query_params)
    body = await request.body()
    call = partial(
        _handle,
        runtime,
        operation,
        dict(request.headers),
        dict(request.path_params),
        dict(request.query_params),
        body,
        request_origin(runtime, request),
    )
    return await anyio.to_thread.run_sync(call)


def _choose(operations: Sequence[Operation], query: Mapping[str, str]) -> Operation:
    """The operation whose fixed query the request carries, else the one without a fixed query."""
    for operation in operations:
        if operation.fixed_query and all(query.get(k) == v for k, v in operation.fixed_query.items()):
            return operation
    return next((op for op in operations if not op.fixed_query), operations[0])


def _handle(
    runtime: Runtime,
    operation: Operation,
    headers: Mapping[str, str],
    path_params: Mapping[str, str],
    query: Mapping[str, str],
    body: bytes,
    origin: str,
) -> Response:
    try:
        grant = authenticate(runtime.store, headers)
        require_scope(grant, operation.scope)
        arguments = parse_arguments(operation, path_params, query, body)
        context = runtime.context(grant.workspace_id, origin)
        guard = nullcontext() if operation.name in OUTSIDE_TRANSACTION else runtime.store.atomic()
        with guard:
            reply = HANDLERS[operation.name](context, arguments)
    except ApiError as error:
        return error.response()
    except Exception:
        _log.exception("sandbox handler failed: %s", operation.name)
        return ApiJSONResponse({"error": "Internal error in the sandbox"}, status_code=500)
    if reply.body is None:
        return Response(status_code=reply.status)
    return ApiJSONResponse(reply.body, status_code=reply.status)
