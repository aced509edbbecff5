"""`create_app`: the sandbox as one Starlette application.

    /api/v1/...            the emulated intervyo REST API v1 (sandbox.api), generated from the catalog
    /api/v1/openapi.json   its OpenAPI 3.1 document (sandbox.openapi)
    /_sandbox/...          sandbox-only control routes (sandbox.control, sandbox.faults)

Middleware, outermost first: rate limiting and the `X-RateLimit-*` headers (sandbox.ratelimit), then
fault injection (sandbox.faults), so injected answers carry the headers too, then a nudge to the
background worker after every request that may have written. The lifespan runs the background worker
(sandbox.worker) and closes the database.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.api import api_routes
from sandbox.clock import SystemClock
from sandbox.config import SandboxConfig
from sandbox.control import control_routes
from sandbox.faults import FaultMiddleware, FaultRegistry, fault_routes, quiet_dropped_connections
from sandbox.links import Links
from sandbox.openapi import openapi_route
from sandbox.ratelimit import RateLimiter, RateLimitMiddleware
from sandbox.runtime import Runtime
from sandbox.seed import seed, signing_secret
from sandbox.sqlite_store import SqliteStore
from sandbox.worker import run_worker

__all__ = ["create_app"]


def create_app(config: SandboxConfig) -> Starlette:
    """A sandbox app on `config.db_path` (created and seeded if new), or on a fresh temporary database.

    An app serves once: its lifespan's end closes the database (and deletes a temporary one).
    """
    temp_dir = None if config.db_path is not None else Path(tempfile.mkdtemp(prefix="intervyo-sandbox-"))
    db_path = config.db_path if config.db_path is not None else Path(str(temp_dir)) / "sandbox.db"
    store = SqliteStore(db_path)
    seed(store, config)
    runtime = Runtime(config=config, store=store, clock=SystemClock(), links=Links(signing_secret(store)))
    faults = FaultRegistry()
    quiet_dropped_connections()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(run_worker, runtime)
                yield
                group.cancel_scope.cancel()
        finally:
            release()

    app = Starlette(
        routes=[
            openapi_route(),
            *api_routes(runtime),
            *control_routes(runtime),
            *fault_routes(runtime, faults),
        ],
        middleware=[
            Middleware(RateLimitMiddleware, limiter=RateLimiter(config.rate_limit_per_minute)),
            Middleware(FaultMiddleware, registry=faults),
            Middleware(_WakeWorkerAfterWrites, runtime=runtime),
        ],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    # Runs once: when the lifespan ends, or when an app that was never served is collected.
    release = weakref.finalize(app, _release, store, temp_dir)
    return app


def _release(store: SqliteStore, temp_dir: Path | None) -> None:
    store.close()
    if temp_dir is not None:
        shutil.rmtree(temp_dir, ignore_errors=True)


class _WakeWorkerAfterWrites:
    """After a request that may have written (any method but a read), the worker looks for due work:
    the write may have set a nearer deadline (a session to move on, a webhook to deliver)."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self._app = app
        self._runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._app(scope, receive, send)
        finally:
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                self._runtime.wake_worker()


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer JSON like the API, not Starlette's plain text."""
    assert isinstance(exc, HTTPException)
    message = "Not found" if exc.status_code == 404 else exc.detail
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)
