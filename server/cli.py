"""The `intervyo-mcp` command.

    intervyo-mcp [options]                  serve over stdio (what MCP clients launch; --sandbox too)
    intervyo-mcp serve [--transport http|sse|stdio] [--host H] [--port P] [--stateless] [--sandbox] [options]
    intervyo-mcp sandbox ...                the emulated intervyo API on its own (see `sandbox --help`)

The flags are the settings marked as flags in `server.settings` (its one declaration gives each flag's
name, help and type); each also has an `INTERVYO_*` environment variable, and a flag wins. The API key is
never a flag (flags end up in shell history and process lists): over HTTP each caller sends their own,
on stdio it is `INTERVYO_API_KEY`.

Errors are one line on stderr and exit status 2, never a traceback, never a key.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import Any, Literal, NoReturn, get_args, get_origin

import anyio
import httpx2
from pydantic import SecretStr

from server import __version__, client_configs, logs
from server.app import serve_http, serve_stdio
from server.http.binding import bind
from server.oauth import is_loopback_url
from server.settings import ENV_PREFIX, FLAGS, Settings, SettingsError
from server.upstream import local_sandbox

__all__ = ["main"]

PROG = "intervyo-mcp"

logger = logging.getLogger(__name__)


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is raised (and reported on one line) instead of printed with usage."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status is returned (0 ok, 2 usage or configuration error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        return _sandbox(args[1:])
    try:
        options = _parser().parse_args(args)
        serving = getattr(options, "command", None) == "serve"
        settings = Settings.load(
            overrides=_overrides(options), defaults={"transport": "http"} if serving else None
        )
    except (_UsageError, SettingsError) as error:
        return _fail(str(error))
    logs.configure(settings.log_level)
    try:
        return _serve(settings, sandboxed=settings.sandbox)
    except KeyboardInterrupt:
        return 0
    except ImportError as error:
        return _fail(f"the sandbox is not available in this install ({error.name})")


def _serve(settings: Settings, *, sandboxed: bool) -> int:
    exposed = _exposes_code_runner(settings, sandboxed=sandboxed)
    if exposed:
        return _fail(exposed)  # before the sandbox starts
    with contextlib.ExitStack() as stack:
        demo_key = ""
        if sandboxed:
            try:
                sandbox = stack.enter_context(local_sandbox.running())
            except RuntimeError as error:
                return _fail(f"the local sandbox did not start: {error}")
            demo_key = sandbox.demo_key
            print(
                local_sandbox.guide(sandbox), file=sys.stderr if settings.transport == "stdio" else sys.stdout
            )
            update: dict[str, object] = {"api_base_url": sandbox.base_url}
            if settings.transport == "stdio":
                # stdio has no request to carry a key; over HTTP callers send the printed demo key.
                update["api_key"] = settings.api_key or SecretStr(demo_key)
            settings = settings.model_copy(update=update)
        if settings.transport == "stdio":
            if settings.api_key is None:
                logger.warning("INTERVYO_API_KEY is not set: tool calls will fail until it is")
            if sandboxed:
                _announce_stdio(demo_key)
            anyio.run(serve_stdio, settings)
            return 0
        if settings.api_key is not None and not _is_loopback(settings.host):
            return _fail(
                f"INTERVYO_API_KEY is set, so requests without a key would use it: serve on a loopback "
                f"address only (not {settings.host}), or unset it and let each user send their own key"
            )
        if settings.public_url and not settings.secret_key and not is_loopback_url(settings.public_url):
            return _fail(
                "OAuth sign-in (--public-url) needs INTERVYO_SECRET_KEY: it encrypts the keys users sign "
                "in with. Generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        try:
            sock = bind(settings.host, settings.port)
        except OSError as error:
            return _fail(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}")
        with sock:
            origin = f"http://{_url_host(settings.host)}:{sock.getsockname()[1]}"
            bound = _bound(sock.getsockname())
            if sandboxed and settings.public_url is None and _is_loopback(settings.host):
                # The sandbox signs in too: OAuth on, with this loopback address as issuer. Its grants
                # hold keys of a sandbox that ends with the process, so they are kept no longer either.
                state_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="intervyo-mcp-oauth-"))
                settings = settings.model_copy(update={"public_url": origin, "state_dir": state_dir})
            if settings.host not in ("127.0.0.1", "localhost", "::1", "[::1]") and not settings.allowed_hosts:
                logger.warning(
                    "listening on %s without --allowed-hosts: only loopback Host headers pass", bound
                )
            if sandboxed and not _is_loopback(settings.host):
                logger.warning(
                    "--allow-remote: the sandbox's code runner is reachable from the network at %s", bound
                )
            if sandboxed:
                _announce_http(origin, demo_key, sse=settings.transport == "sse")
            else:
                logger.info("serving MCP at %s/mcp (legacy SSE at %s/sse)", origin, origin)
            serve_http(settings, sock)
    return 0


def _exposes_code_runner(settings: Settings, *, sandboxed: bool) -> str | None:
    """Why serving these settings would expose a code runner to the network, or None.

    The sandbox runs submitted code on this machine; so does `execute_code` against an API on loopback
    (a sandbox run on its own). The Host check is no access control: the bind address is.
    """
    if settings.transport == "stdio" or settings.allow_remote or _is_loopback(settings.host):
        return None
    upstream_host = httpx2.URL(settings.api_base_url).host
    if sandboxed:
        what = "--sandbox runs submitted code on this machine"
    elif "code_execution" in settings.toolsets and _is_loopback(upstream_host):
        what = f"execute_code reaches a code runner on this machine ({upstream_host})"
    else:
        return None
    return (
        f"{what}: serve it on a loopback address (not {settings.host}), or pass --allow-remote "
        "[INTERVYO_ALLOW_REMOTE] to expose it on purpose"
    )


def _bound(address: tuple[Any, ...]) -> str:
    """The address a socket really listens on, as `http://host:port`."""
    host, port = address[0], address[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _announce_http(origin: str, demo_key: str, *, sse: bool) -> None:
    print(
        f"intervyo-mcp {__version__} with a local intervyo sandbox (demo data, nothing leaves this machine)"
    )
    print(client_configs.http_configs(origin, demo_key, _self_command(), sse=sse))
    print(
        f"\nOAuth sign-in is on: clients that sign in (Claude's custom connectors) take {origin}/mcp;"
        "\non the consent page, paste the API key above."
    )
    print("\nCtrl-C stops the server and the sandbox.", flush=True)


def _announce_stdio(demo_key: str) -> None:
    # stdout is the MCP wire on stdio: everything for humans goes to stderr.
    args = ["serve", "--transport", "stdio", "--sandbox"]
    text = client_configs.stdio_configs(_self_command(), args, demo_key)
    print(
        f"intervyo-mcp {__version__} on stdio with a local intervyo sandbox (demo data).\n{text}",
        file=sys.stderr,
        flush=True,
    )


def _self_command() -> list[str]:
    launched = sys.argv[0]
    if os.path.basename(launched).startswith(PROG):
        return [os.path.abspath(launched)]
    return [sys.executable, "-m", "server"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host.strip('[]')}]" if ":" in host else host


def _sandbox(args: list[str]) -> int:
    try:
        from sandbox.cli import main as sandbox_main
    except ImportError as error:
        return _fail(f"the sandbox is not available in this install ({error.name})")
    return sandbox_main(args)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {logs.KEY_PATTERN.sub('iv_[redacted]', message)}", file=sys.stderr)
    return 2


def _overrides(options: argparse.Namespace) -> dict[str, Any]:
    values = {name: getattr(options, name, None) for name in FLAGS}
    if getattr(options, "command", None) is None:
        values["transport"] = "stdio"  # the bare command is what MCP clients launch
    return values


def _parser() -> _Parser:
    # Unset options stay absent, so a subcommand's defaults never undo a flag given before it.
    common = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    serve_only = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    for name, flag in FLAGS.items():
        _add_flag(common if flag.command == "all" else serve_only, name, flag.metavar)

    parser = _Parser(
        prog=PROG,
        parents=[common],
        description="MCP server for intervyo.ai. With no command it serves MCP over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    commands.add_parser("serve", parents=[common, serve_only], help="serve over HTTP (default), SSE or stdio")
    commands.add_parser("sandbox", add_help=False, help="run the intervyo sandbox alone (sandbox --help)")
    return parser


def _add_flag(parser: argparse.ArgumentParser, name: str, metavar: str | None) -> None:
    """`--name` for the setting `name`, typed and described by its field."""
    field = Settings.model_fields[name]
    options: dict[str, Any] = {"help": f"{field.description} [{ENV_PREFIX}{name.upper()}]"}
    kind = field.annotation
    if kind is bool:
        options["action"] = "store_true"
    elif get_origin(kind) is Literal:
        options["choices"] = list(get_args(kind))
    elif kind in (int, float):
        options["type"] = kind
    if metavar is not None:
        options["metavar"] = metavar
    parser.add_argument("--" + name.replace("_", "-"), **options)
