"""The sandbox: a faithful, stateful local emulator of the intervyo.ai REST API v1.

Starting it:
    config        SandboxConfig, ApiKeySpec: how an instance is set up
    seed          the fixed keys and workspaces (DEMO_KEY, READONLY_KEY, OTHER_KEY, UNPAID_KEY, TRIAL_KEY)
    demo_data     the demo workspace's rows
    app           create_app: the Starlette application
    serve         serve_in_thread / serve_async: uvicorn on a loopback port
    cli           `intervyo-mcp sandbox` / `python -m sandbox`

Answering requests:
    api           the /api/v1 routes, generated from the operation catalog
    auth          API keys and scopes
    validation    requests into the catalog's models, errors into documented issues
    handlers/     one module per API area
    documents     ids, timestamps, lookups, pages
    session_view  how a session is shown (scorecard once scored, signed links)
    errors        the error answers;  responses: ASCII-safe JSON
    ratelimit     per-key limits and X-RateLimit-* headers
    faults        fault injection for tests (/_sandbox/faults)
    control       the other /_sandbox routes (advance a session, transcripts, join pages)
    openapi       the OpenAPI 3.1 document

Behind them:
    store         the storage seam (Store);  sqlite_store: SQLite behind it
    runtime       the shared services;  clock: time and its format;  links: signed no-key links
    lifecycle     the session state machine;  scorecard, transcript: synthetic results
    events        webhook events into the outbox;  webhooks: signed delivery with retries
    worker        the background loops (due lifecycle steps, webhook delivery)
    execution/    running candidates' code

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
