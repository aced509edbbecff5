"""The server's one settings object: typed, read once at start-up, passed down.

Values come from `INTERVYO_*` environment variables, then command-line flags override them. This is the
only module that looks at the environment; everything else receives a `Settings`. Tests build one
directly (`Settings(api_base_url=...)`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import tools

__all__ = ["DEFAULT_API_BASE_URL", "ENV_PREFIX", "Settings", "SettingsError", "Transport"]

ENV_PREFIX = "INTERVYO_"
DEFAULT_API_BASE_URL = "https://www.intervyo.ai/api/v1"

Transport = Literal["stdio", "http", "sse"]
LogLevel = Literal["debug", "info", "warning", "error"]


class SettingsError(ValueError):
    """A setting has a value the server cannot use; the message names the setting and never its value
    when the setting is a secret."""


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseModel):
    """Everything the server needs to know, with the defaults a local user wants."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_base_url: str = Field(DEFAULT_API_BASE_URL, description="The intervyo REST API root.")
    api_key: str | None = Field(
        None, repr=False, description="The key for stdio, where there is no request to carry one."
    )
    sandbox: bool = Field(
        False, description="Start a local intervyo sandbox (demo data) in-process and use it as the API."
    )
    toolsets: tuple[str, ...] = Field(tools.DEFAULT_TOOLSETS, description="API areas exposed as tools.")
    read_only: bool = Field(False, description="Hide every tool that changes anything; always wins.")
    transport: Transport = Field(
        "stdio",
        description="For `serve`: http (default; streamable HTTP + SSE), sse or stdio. Bare command: stdio.",
    )
    host: str = Field("127.0.0.1", description="Interface the HTTP server listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port the HTTP server listens on (0: any free).")
    stateless: bool = Field(False, description="No MCP sessions on the handshake era (load balancers).")
    json_response: bool = Field(
        False,
        description="Answer every MCP POST with one JSON body. By default only requests with nothing to "
        "stream get one; with this, progress and log messages during a call are dropped.",
    )
    allowed_hosts: tuple[str, ...] = Field((), description="Host headers accepted besides loopback.")
    allowed_origins: tuple[str, ...] = Field((), description="Origin headers accepted besides loopback.")
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="Largest MCP request body accepted.")
    request_timeout_s: float = Field(20.0, gt=0, description="One upstream HTTP attempt.")
    call_deadline_s: float = Field(45.0, gt=0, description="One tool call, retries and waits included.")
    retries: int = Field(
        3, ge=0, le=10, description="Extra attempts for safe calls on 429, 5xx, network errors."
    )
    retry_backoff_s: float = Field(0.5, ge=0, description="First backoff; doubles per attempt, with jitter.")
    retry_backoff_max_s: float = Field(8.0, ge=0, description="Longest single backoff.")
    log_level: LogLevel = Field("info", description="Log level (logs go to stderr).")
    # Resources, live updates and wait_for_scorecard (server.resources, server.subscriptions, ...).
    redis_url: str | None = Field(
        None, repr=False, description="Redis for the subscription bus shared by replicas; none: in-process."
    )
    webhook_secret: str | None = Field(
        None,
        repr=False,
        description="intervyo webhook signing secret; when set, updates come from POST /webhooks/intervyo.",
    )
    webhook_tolerance_s: float = Field(
        300.0, gt=0, description="Oldest webhook accepted (by occurred_at); event ids are kept this long."
    )
    poll_interval_s: float = Field(
        15.0, ge=0.05, description="Without webhooks: how often each subscribed session is polled."
    )
    poll_max_sessions: int = Field(200, ge=1, description="Without webhooks: most sessions polled per round.")
    wait_default_s: float = Field(45.0, gt=0, le=50, description="wait_for_scorecard's default longest wait.")
    wait_poll_interval_s: float = Field(3.0, gt=0, description="wait_for_scorecard: seconds between reads.")
    recent_scorecards: int = Field(20, ge=1, le=100, description="How many scorecards resources/list shows.")
    # OAuth sign-in for remote connectors (server.oauth): on when public_url is set.
    public_url: str | None = Field(
        None,
        description="This server's public origin (https://host): the OAuth issuer; the resource is that "
        "origin + /mcp. Setting it turns on OAuth sign-in.",
    )
    secret_key: str | None = Field(
        None,
        repr=False,
        description="Encrypts the intervyo keys behind OAuth grants (32+ characters). Required for OAuth "
        "except on a loopback public_url, where one is generated and kept in state_dir.",
    )
    state_dir: str | None = Field(
        None,
        description="Where OAuth keeps its SQLite store (unless redis_url is set) and generated secret; "
        "unset: ~/.local/state/intervyo-mcp.",
    )
    oauth_allow_private_client_documents: bool = Field(
        False,
        description="Development only: fetch OAuth client metadata documents from loopback and "
        "private addresses.",
    )

    @property
    def oauth_state_dir(self) -> Path:
        """`state_dir`, or the per-user default."""
        return Path(self.state_dir) if self.state_dir else Path.home() / ".local" / "state" / "intervyo-mcp"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip().rstrip("/"))
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("must be an http(s) origin such as https://mcp.example.com")
        if parts.path or parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("must be an origin only (scheme, host, port), without a path")
        loopback = parts.hostname in ("localhost", "::1") or parts.hostname.startswith("127.")
        if parts.scheme == "http" and not loopback:
            raise ValueError("must be https unless the host is loopback")
        return f"{parts.scheme}://{parts.netloc.lower()}"

    @field_validator("secret_key")
    @classmethod
    def _blank_secret_key_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("toolsets", "allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("toolsets")
    @classmethod
    def _known_toolsets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if value in (("all",),):
            return tools.TOOLSETS
        if value in (("default",),):
            return tools.DEFAULT_TOOLSETS
        unknown = [name for name in value if name not in tools.TOOLSETS]
        if unknown:
            raise ValueError(
                f"unknown toolset {unknown[0]!r}; choose from {', '.join(tools.TOOLSETS)} or 'all'"
            )
        return tuple(dict.fromkeys(value))

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")) or "@" in value:
            raise ValueError("must be an http(s) URL without credentials")
        return value.rstrip("/")

    @field_validator("webhook_secret", "redis_url")
    @classmethod
    def _blank_secret_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("api_key")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
        defaults: Mapping[str, Any] | None = None,
    ) -> Settings:
        """Read `INTERVYO_*` from `environ` (the process's by default), let `overrides` (non-None CLI
        flags) win, validate once. `defaults` replace the model's defaults (a subcommand's own)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = dict(defaults or {})
        for name in cls.model_fields:
            raw = environ.get(ENV_PREFIX + name.upper())
            # Empty counts as unset: launchers (MCPB's user_config) substitute "" for fields left blank.
            if raw is not None and raw.strip():
                values[name] = raw
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "settings"
            from_flag = (overrides or {}).get(name) is not None
            source = "--" + name.replace("_", "-") if from_flag else ENV_PREFIX + name.upper()
            # `msg` never quotes the input, so a mistyped key is not echoed back.
            raise SettingsError(f"{source}: {first['msg'].removeprefix('Value error, ')}") from None
