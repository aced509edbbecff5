"""intervyo-mcp: the MCP server that runs intervyo.ai's AI interviews from any MCP client.

Data flows one way: MCP request -> auth (the caller's key) -> catalog lookup (`tools`) -> argument
validation -> upstream call -> shaped result. The modules, one concept each:

    settings     the typed settings object, read once (env `INTERVYO_*`, CLI flags win)
    auth         per-user API keys on HTTP (401 without one), key fingerprints for logs
    key_check    is a key one intervyo knows? one cheap read, the verdict cached briefly by hash
    admission    who may open sessions and SSE streams: checked keys, caps per key and in all, idle close
    request_body request bodies read within a deadline (408), a client leaving mid-request is quiet
    rpc_ids      JSON-RPC ids of the wrong type answered with Invalid Request
    oauth/       OAuth 2.1 sign-in (Claude's custom connectors): tokens that stand for a user's key
    visibility   which tools a request may see and call (toolsets, read-only, narrowing headers)
    arguments    tool arguments: JSON-string coercion, validation failures as issues
    idempotency  idempotency keys from a call's content; a key reused for other arguments is refused
    idempotency_keys  where keys are held for 24 h: SQLite, or Redis for replicas
    retry        backoff, jitter and Retry-After
    upstream     the one pooled httpx2 client to the intervyo API, retries within a deadline
    proxy        which proxy the environment names for the API (HTTPS_PROXY, ALL_PROXY, NO_PROXY)
    errors       HTTP statuses -> tool errors a model can act on (the error tree)
    results      upstream answers -> the tools' structured results
    rendering    the short text beside each structured result
    tool_calls   the tools/list and tools/call handlers
    reads        catalog reads under one caller's key, for everything below; not-found errors
    uris         the resource URIs (scorecard, transcript, evaluation template) and parsing them
    untrusted    fencing candidate-authored text as data, never instructions
    scorecards   a session's scorecard document, or "not ready: status is X"
    transcripts  a session's transcript from its presigned link (no key sent), turns fenced
    pipelines    an evaluation template with its stages and their agent profiles, as one document
    resources    resources/list, resources/templates/list, resources/read
    composite_tools  get_scorecard, get_transcript, wait_for_scorecard; joined with the catalog's tools
    bus          the subscription bus seam (Protocol) and its in-memory implementation
    redis_bus    the Redis pub/sub bus, for several replicas
    poller       the watchlist of subscribed sessions (keys in memory only) and the bounded-rate poller
    subscriptions  resources/subscribe (2025 era), subscriptions/listen (2026 era), delivery
    connections  which client connection a request came on, and when it ends (subscriptions, log levels)
    webhooks     POST /webhooks/intervyo: HMAC signature, freshness, replay refusal
    live         the bus, subscriptions, poller or webhooks of one process, and their lifespan
    prompts      the workflow prompts (and manifest.json's prompt entries)
    completions  completion/complete from the caller's own ids
    factory      builds the MCP `Server` from settings: the one place handlers are wired in
    app          the ASGI app: /mcp (both protocol eras), /sse + /messages/, /healthz, /webhooks/intervyo
    response_mode  each /mcp answer as one JSON body, or a stream when something rides along with it
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
