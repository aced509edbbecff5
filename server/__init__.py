"""intervyo-mcp: the MCP server that runs intervyo.ai's AI interviews from any MCP client.

Data flows one way: HTTP request -> `http` (admission, the caller's key) -> `calls` (catalog lookup in
`tools`, argument validation) -> `upstream` (the call to intervyo) -> shaped result. The layout is the
architecture: each part is a subpackage, and parts import only the parts below them (a test holds it).

    app          the composition root: builds the MCP server and the HTTP app from settings, runs them
    cli          the `intervyo-mcp` command

    http/        the HTTP surface: key authentication (`auth`), admission of sessions (`admission`: the
                 key verified with intervyo, caps per key and in all, idle sessions closed), each answer
                 as JSON or a stream (`response_mode`), request-body deadline, JSON-RPC id checks,
                 Host/Origin allow-lists and CORS (`middleware`), client log levels, socket binding
    oauth/       OAuth 2.1 sign-in for remote connectors: tokens that stand for a user's key
    calls/       tools/list and tools/call (`dispatch`): arguments, composite tools and the comparison,
                 confirmations before destructive calls, what wraps a catalog call (`refinements`:
                 local times, verified list filters, names on rows, what a delete leaves), rendering
    prompting/   the workflow prompts and completion/complete
    live/        live updates: the bus (in-process or Redis), subscriptions of both eras, the poller,
                 the webhook receiver, and their lifespan (`hub`)
    documents/   what resources show: scorecards, transcripts, pipelines, their URIs, the MCP Apps views
    upstream/    calling intervyo: the pooled client with retries within a deadline, the proxy, results
                 and reads under one caller's key, idempotency keys, key verification, the local sandbox

    settings     the typed settings, read once (env `INTERVYO_*`; flags from the same declaration)
    caller       who a request is for: the `Caller` (key, view), resolved once per request
    visibility   which tools a caller may see and call (toolsets, read-only, narrowing headers, scopes)
    errors       HTTP statuses -> tool errors a model can act on (the error tree)
    untrusted    fencing participant-written text as data, never instructions
    logs         stderr logging with keys and tokens masked
    client_configs  the client configs `serve --sandbox` prints
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("intervyo-mcp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
