"""The `intervyo-mcp` command.

    intervyo-mcp [options]                  serve over stdio (what MCP clients launch; --sandbox too)
    intervyo-mcp serve [--transport http|sse|stdio] [--host H] [--port P] [--stateless] [--sandbox] [options]
    intervyo-mcp sandbox ...                the emulated intervyo API on its own (see `sandbox --help`)

Options shared by both forms: --api-base-url, --toolsets, --read-only, --allowed-hosts,
--allowed-origins, --log-level. Each also has an `INTERVYO_*` environment variable; a flag wins. The
API key is never a flag (flags end up in shell history and process lists): over HTTP each caller sends
their own, on stdio it is `INTERVYO_API_KEY`.

Errors are one line on stderr and exit status 2, never a traceback, never a key.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import anyio

from server import __version__, client_configs, local_sandbox, logs
from server.serving import bind, serve_http, serve_stdio
from server.settings import Settings, SettingsError

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
                update["api_key"] = settings.api_key or demo_key
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
        try:
            sock = bind(settings.host, settings.port)
        except OSError as error:
            return _fail(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}")
        with sock:
            origin = f"http://{_url_host(settings.host)}:{sock.getsockname()[1]}"
            if settings.host not in ("127.0.0.1", "localhost", "::1", "[::1]") and not settings.allowed_hosts:
                logger.warning(
                    "listening on %s without --allowed-hosts: only loopback Host headers pass", origin
                )
            if sandboxed:
                _announce_http(origin, demo_key, sse=settings.transport == "sse")
            else:
                logger.info("serving MCP at %s/mcp (legacy SSE at %s/sse)", origin, origin)
            serve_http(settings, sock)
    return 0


def _announce_http(origin: str, demo_key: str, *, sse: bool) -> None:
    print(
        f"intervyo-mcp {__version__} with a local intervyo sandbox (demo data, nothing leaves this machine)"
    )
    print(client_configs.http_configs(origin, demo_key, _self_command(), sse=sse))
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
    names = (
        "api_base_url",
        "sandbox",
        "toolsets",
        "read_only",
        "transport",
        "host",
        "port",
        "stateless",
        "json_response",
        "allowed_hosts",
        "allowed_origins",
        "log_level",
    )
    values = {name: getattr(options, name, None) for name in names}
    if getattr(options, "command", None) is None:
        values["transport"] = "stdio"  # the bare command is what MCP clients launch
    return values


def _parser() -> _Parser:
    # Unset options stay absent, so a subcommand's defaults never undo a flag given before it.
    common = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--api-base-url", metavar="URL", help="intervyo API root [INTERVYO_API_BASE_URL]")
    common.add_argument(
        "--toolsets",
        metavar="A,B",
        help="API areas to expose, or 'all' (default: all but code_execution) [INTERVYO_TOOLSETS]",
    )
    common.add_argument(
        "--sandbox",
        action="store_true",
        help="start a local intervyo sandbox (demo data) and use it as the API [INTERVYO_SANDBOX]",
    )
    common.add_argument("--read-only", action="store_true", help="hide every tool that changes anything")
    common.add_argument("--allowed-hosts", metavar="H,H", help="Host headers to accept besides loopback")
    common.add_argument("--allowed-origins", metavar="O,O", help="Origin headers to accept besides loopback")
    common.add_argument("--log-level", choices=["debug", "info", "warning", "error"])

    parser = _Parser(
        prog=PROG,
        parents=[common],
        description="MCP server for intervyo.ai. With no command it serves MCP over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    serve = commands.add_parser("serve", parents=[common], help="serve over HTTP (default), SSE or stdio")
    serve.add_argument(
        "--transport", choices=["http", "sse", "stdio"], help="default http [INTERVYO_TRANSPORT]"
    )
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1) [INTERVYO_HOST]")
    serve.add_argument("--port", type=int, help="port (default 8000; 0 picks a free one) [INTERVYO_PORT]")
    serve.add_argument(
        "--stateless", action="store_true", default=None, help="no MCP sessions (for load balancers)"
    )
    serve.add_argument(
        "--json-response",
        action="store_true",
        default=None,
        help="every answer as plain JSON, even those with progress or log messages, which are then "
        "dropped [INTERVYO_JSON_RESPONSE]",
    )
    commands.add_parser("sandbox", add_help=False, help="run the intervyo sandbox alone (sandbox --help)")
    return parser
