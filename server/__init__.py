"""intervyo-mcp: the MCP server that runs intervyo.ai's AI interviews from any MCP client.

Data flows one way: MCP request -> auth (the caller's key) -> catalog lookup (`tools`) -> argument
validation -> upstream call -> shaped result. The modules, one concept each:

    settings     the typed settings object, read once (env `INTERVYO_*`, CLI flags win)
    auth         per-user API keys on HTTP (401 without one), key fingerprints for logs
    visibility   which tools a request may see and call (toolsets, read-only, narrowing headers)
    arguments    tool arguments: JSON-string coercion, validation failures as issues
    idempotency  derived idempotency keys for schedule_session
    retry        backoff, jitter and Retry-After
    upstream     the one pooled httpx2 client to the intervyo API, retries within a deadline
    errors       HTTP statuses -> tool errors a model can act on (the error tree)
    results      upstream answers -> the tools' structured results
    rendering    the short text beside each structured result
    tool_calls   the tools/list and tools/call handlers
    factory      builds the MCP `Server` from settings (the seam for resources, prompts, ...)
    app          the ASGI app: /mcp (both protocol eras), /sse + /messages/, /healthz
    serving      running a transport: stdio, or uvicorn on a pre-bound socket
    logs         stderr logging with keys masked
    client_configs  the client configs `--sandbox` prints
    local_sandbox  `--sandbox`: the emulated API in-process, and the client configs to paste
    cli          the `intervyo-mcp` command
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("intervyo-mcp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
