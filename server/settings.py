"""The server's one settings object: typed, read once at start-up, passed down.

One declaration drives everything: each field is read from its `INTERVYO_*` environment variable
(pydantic-settings), and a field marked `cli(...)` is also a command-line flag of that name, whose help is
the field's description (`server.cli` builds its parser from `FLAGS`). A flag wins over the environment.
This is the only module that looks at the environment; everything else receives a `Settings`. Tests
build one directly (`Settings(api_base_url=...)`). Secrets are `SecretStr`: never in a repr, never a flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

import tools

__all__ = [
    "DEFAULT_API_BASE_URL",
    "ENV_PREFIX",
    "FLAGS",
    "Flag",
    "Settings",
    "SettingsError",
    "Transport",
]

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


@dataclass(frozen=True, slots=True)
class Flag:
    """A setting that is also a command-line flag: on every command, or on `serve` only."""

    command: Literal["all", "serve"] = "all"
    metavar: str | None = None


def cli(command: Literal["all", "serve"] = "all", metavar: str | None = None) -> dict[str, Any]:
    """Field metadata making a setting a flag (`--name-with-dashes`)."""
    return {"cli": Flag(command, metavar)}


# A comma-separated list in the environment and on the command line ("a,b"), not JSON.
_Names = Annotated[tuple[str, ...], NoDecode]


class Settings(BaseSettings):
    """Everything the server needs to know, with the defaults a local user wants."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix=ENV_PREFIX,
        # Empty counts as unset: launchers (MCPB's user_config) substitute "" for fields left blank.
        env_ignore_empty=True,
    )

    api_base_url: str = Field(
        DEFAULT_API_BASE_URL, description="intervyo API root", json_schema_extra=cli(metavar="URL")
    )
    # Never a flag: flags end up in shell history and process lists.
    api_key: SecretStr | None = Field(
        None, description="The key for stdio, where there is no request to carry one."
    )
    sandbox: bool = Field(
        False,
        description="start a local intervyo sandbox (demo data) and use it as the API",
        json_schema_extra=cli(),
    )
    toolsets: _Names = Field(
        tools.DEFAULT_TOOLSETS,
        description="API areas to expose, or 'all' (default: all but code_execution)",
        json_schema_extra=cli(metavar="A,B"),
    )
    read_only: bool = Field(
        False, description="hide every tool that changes anything (always wins)", json_schema_extra=cli()
    )
    transport: Transport = Field(
        "stdio",
        description="serve over http (default; streamable HTTP + SSE), sse or stdio; bare command: stdio",
        json_schema_extra=cli("serve"),
    )
    host: str = Field(
        "127.0.0.1", description="interface to listen on (default 127.0.0.1)", json_schema_extra=cli("serve")
    )
    port: int = Field(
        8000,
        ge=0,
        le=65535,
        description="port (default 8000; 0 picks a free one)",
        json_schema_extra=cli("serve"),
    )
    stateless: bool = Field(
        False,
        description="no MCP sessions on the handshake era (load balancers)",
        json_schema_extra=cli("serve"),
    )
    json_response: bool = Field(
        False,
        description="every answer as plain JSON, even those with progress or log messages, which are then "
        "dropped (by default only requests with nothing to stream get one)",
        json_schema_extra=cli("serve"),
    )
    allowed_hosts: _Names = Field(
        (), description="Host headers to accept besides loopback", json_schema_extra=cli(metavar="H,H")
    )
    allowed_origins: _Names = Field(
        (), description="Origin headers to accept besides loopback", json_schema_extra=cli(metavar="O,O")
    )
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="Largest MCP request body accepted.")
    request_timeout_s: float = Field(20.0, gt=0, description="One upstream HTTP attempt.")
    call_deadline_s: float = Field(45.0, gt=0, description="One tool call, retries and waits included.")
    retries: int = Field(
        3, ge=0, le=10, description="Extra attempts for safe calls on 429, 5xx, network errors."
    )
    retry_backoff_s: float = Field(0.5, ge=0, description="First backoff; doubles per attempt, with jitter.")
    retry_backoff_max_s: float = Field(8.0, ge=0, description="Longest single backoff.")
    log_level: LogLevel = Field("info", description="log level (logs go to stderr)", json_schema_extra=cli())
    # Resources, live updates and wait_for_scorecard (server.documents, server.live, ...).
    redis_url: str | None = Field(
        None, repr=False, description="Redis for the subscription bus shared by replicas; none: in-process."
    )
    webhook_secret: SecretStr | None = Field(
        None,
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
    # Hosting on the internet (server.http.admission, server.upstream.key_check and .idempotency_keys).
    verify_keys: bool = Field(
        True, description="Check each key with intervyo before it may open an MCP session or SSE stream."
    )
    key_verdict_ttl_s: float = Field(60.0, gt=0, le=3600, description="How long a key's check is trusted.")
    max_sessions_per_key: int = Field(
        32,
        ge=1,
        description="open MCP sessions and SSE streams one key may hold (its oldest idle one gives way)",
        json_schema_extra=cli("serve", metavar="N"),
    )
    max_sessions: int = Field(
        2000,
        ge=1,
        description="open MCP sessions and SSE streams in all (the heaviest key's oldest idle give way)",
        json_schema_extra=cli("serve", metavar="N"),
    )
    session_idle_minutes: float = Field(
        30.0,
        gt=0,
        le=24 * 60,
        description="close an MCP session with no request for this many minutes",
        json_schema_extra=cli("serve", metavar="M"),
    )
    idempotency_db: str = Field(
        ":memory:",
        description="SQLite file keeping idempotency keys (default: memory, this process); Redis if set.",
    )
    idempotency_ttl_h: float = Field(24.0, gt=0, le=24 * 30, description="How long an idempotency key holds.")
    max_upstream_body_bytes: int = Field(
        16 * 1024 * 1024, ge=64 * 1024, description="Largest intervyo answer read; a larger one is refused."
    )
    max_document_bytes: int = Field(
        16 * 1024 * 1024, ge=64 * 1024, description="Largest linked document (a transcript) read."
    )
    body_read_timeout_s: float = Field(
        30.0, gt=0, le=600, description="Longest a client may take to send a request's body (then 408)."
    )
    allow_remote: bool = Field(
        False,
        description="let --sandbox (its code runner runs submitted code here) listen beyond loopback",
        json_schema_extra=cli("serve"),
    )
    # OAuth sign-in for remote connectors (server.oauth): on when public_url is set.
    public_url: str | None = Field(
        None,
        description="public origin behind a proxy (https://host): the OAuth issuer, the resource being "
        "that origin + /mcp; setting it turns on OAuth sign-in",
        json_schema_extra=cli(metavar="URL"),
    )
    secret_key: SecretStr | None = Field(
        None,
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

    @field_validator("redis_url")
    @classmethod
    def _blank_url_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("api_key", "webhook_secret", "secret_key", mode="before")
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return value.strip() or None if isinstance(value, str) else value

    @property
    def key(self) -> str | None:
        """The configured API key in clear, for the one place that sends it (a stdio caller)."""
        return self.api_key.get_secret_value() if self.api_key is not None else None

    @classmethod
    def load(
        cls, overrides: Mapping[str, Any] | None = None, defaults: Mapping[str, Any] | None = None
    ) -> Settings:
        """Read `INTERVYO_*` from the environment, let `overrides` (non-None CLI flags) win, validate
        once. `defaults` replace the model's defaults (a subcommand's own) where neither sets a value."""
        given = {name: value for name, value in (overrides or {}).items() if value is not None}
        try:
            settings = cls(**given)
            unset = {
                name: value
                for name, value in (defaults or {}).items()
                if name not in settings.model_fields_set
            }
            return cls(**unset, **given) if unset else settings
        except ValidationError as error:
            first = error.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "settings"
            source = "--" + name.replace("_", "-") if name in given else ENV_PREFIX + name.upper()
            # `msg` never quotes the input, so a mistyped key is not echoed back.
            raise SettingsError(f"{source}: {first['msg'].removeprefix('Value error, ')}") from None


def _flags() -> dict[str, Flag]:
    found: dict[str, Flag] = {}
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra
        flag = extra.get("cli") if isinstance(extra, dict) else None
        if isinstance(flag, Flag):
            found[name] = flag
    return found


FLAGS: Mapping[str, Flag] = _flags()
