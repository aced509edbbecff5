"""The sandbox: a faithful, stateful local emulator of the intervyo.ai REST API v1.

    config        SandboxConfig, ApiKeySpec: how an instance is set up
    seed          the fixed demo keys and workspaces (DEMO_KEY, READONLY_KEY, OTHER_KEY, UNPAID_KEY, ...)
    demo_data     the demo workspace's rows
    app           create_app: the Starlette application
    serve         serve_in_thread / serve_async: uvicorn on a loopback port
    cli           `intervyo-mcp sandbox` / `python -m sandbox`

    api           /api/v1 routes generated from the catalog    handlers/   one module per API area
    validation    requests into catalog models                 auth        keys and scopes
    errors        the error answers                            documents   ids, timestamps, pages
    store         SQLite persistence                           clock       time and its format
    lifecycle     the session state machine                    scorecard, transcript   synthetic results
    session_view  how sessions are rendered                    links       signed no-key links
    events        webhook events into the outbox               webhooks    signed delivery with retries
    worker        the background loops                         execution/  running candidates' code
    ratelimit     per-key limits, X-RateLimit-* headers        faults      fault injection for tests
    control       /_sandbox control routes                     openapi     the OpenAPI 3.1 document

The sandbox executes candidates' code on its own machine (see sandbox.execution): keep it on loopback.
"""

from __future__ import annotations

from sandbox.app import create_app
from sandbox.config import ApiKeySpec, SandboxConfig
from sandbox.seed import DEMO_KEY, OTHER_KEY, READONLY_KEY, TRIAL_KEY, UNPAID_KEY
from sandbox.serve import RunningSandbox, serve_async, serve_in_thread

__all__ = [
    "DEMO_KEY",
    "OTHER_KEY",
    "READONLY_KEY",
    "TRIAL_KEY",
    "UNPAID_KEY",
    "ApiKeySpec",
    "RunningSandbox",
    "SandboxConfig",
    "create_app",
    "serve_async",
    "serve_in_thread",
]
