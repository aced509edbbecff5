"""`intervyo-mcp sandbox` (and `python -m sandbox`): run the sandbox in the foreground.

    intervyo-mcp sandbox [--host 127.0.0.1] [--port 8765] [--db PATH] [--time-scale X]
                         [--rate-limit N] [--webhook-url U --webhook-secret S] [--auto-run]
                         [--key KEY=scope,scope[@workspace]] [--no-demo-data] [--allow-remote]

It prints the base URL and the demo keys, then serves until interrupted. Bad input is one line on
stderr and exit status 2. The sandbox runs submitted code on this machine (code execution), so it only
binds to a loopback address unless `--allow-remote` says otherwise on purpose.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import sys
from pathlib import Path
from typing import NoReturn

import uvicorn

from sandbox.app import create_app
from sandbox.config import ApiKeySpec, SandboxConfig
from sandbox.seed import DEMO_KEY, OTHER_KEY, READONLY_KEY, TRIAL_KEY, UNPAID_KEY
from server.http.binding import bind

__all__ = ["main"]

_DEFAULT_PORT = 8765


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad input in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"intervyo-mcp sandbox: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="intervyo-mcp sandbox", description="Run the local intervyo API sandbox.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only by default)")
    parser.add_argument("--port", type=int, default=_DEFAULT_PORT, help="port (0 picks a free one)")
    parser.add_argument("--db", type=Path, help="SQLite file to keep state in (default: a temporary one)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="divide lifecycle delays by this")
    parser.add_argument("--rate-limit", type=int, help="requests per minute per key (default: no limit)")
    parser.add_argument("--webhook-url", help="deliver session.* events to this URL")
    parser.add_argument("--webhook-secret", help="HMAC-SHA256 secret for the webhook signature")
    parser.add_argument("--auto-run", action="store_true", help="sessions join, finish and score themselves")
    parser.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="KEY=SCOPES",
        help="mint an extra key: KEY=scope,scope[@demo|other|unpaid|trial]",
    )
    parser.add_argument("--no-demo-data", action="store_true", help="start without the demo rows")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the sandbox executes submitted code: never expose it)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse `argv`, then serve until interrupted; 2 on bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or bad input already reported in one line
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        config = _config(args)
        if not args.allow_remote and not _is_loopback(args.host):
            raise ValueError(f"--host {args.host} is not a loopback address; pass --allow-remote to insist")
        if not 0 <= args.port <= 65535:
            raise ValueError(f"--port must be 0-65535, got {args.port}")
        # Listening before the banner: a client that reads the URL may connect at once.
        sock = bind(args.host, args.port)
    except (ValueError, OSError) as exc:
        print(f"intervyo-mcp sandbox: error: {exc}", file=sys.stderr)
        return 2
    app = create_app(config)
    port = sock.getsockname()[1]
    _announce(args.host, port, config)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


def _config(args: argparse.Namespace) -> SandboxConfig:
    if args.rate_limit is not None and args.rate_limit < 1:
        raise ValueError("--rate-limit must be at least 1")
    if not (math.isfinite(args.time_scale) and args.time_scale > 0):
        raise ValueError("--time-scale must be a positive number")
    if (args.webhook_url is None) != (args.webhook_secret is None):
        raise ValueError("--webhook-url and --webhook-secret go together")
    keys = tuple(ApiKeySpec.parse(text) for text in args.key)
    for spec in keys:
        if spec.workspace not in ("demo", "other", "unpaid", "trial"):
            raise ValueError(f"unknown workspace {spec.workspace!r} in --key {spec.key}")
    if args.db is not None and not args.db.parent.is_dir():
        raise ValueError(f"--db {args.db}: directory {args.db.parent} does not exist")
    return SandboxConfig(
        db_path=args.db,
        time_scale=args.time_scale,
        rate_limit_per_minute=args.rate_limit,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        seed_demo=not args.no_demo_data,
        extra_keys=keys,
        auto_run=args.auto_run,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _announce(host: str, port: int, config: SandboxConfig) -> None:
    shown = f"[{host}]" if ":" in host else host
    lines = [
        f"intervyo sandbox listening on http://{shown}:{port}",
        f"  base URL     http://{shown}:{port}/api/v1",
        f"  OpenAPI      http://{shown}:{port}/api/v1/openapi.json",
        f"  database     {config.db_path or 'temporary (gone when stopped)'}",
        "  API keys (header x-api-key):",
        f"    {DEMO_KEY:<28} every scope, demo workspace",
        f"    {READONLY_KEY:<28} read-only scopes, demo workspace",
        f"    {OTHER_KEY:<28} every scope, a second workspace",
        f"    {UNPAID_KEY:<28} every scope, no paid plan (scheduling answers 402)",
        f"    {TRIAL_KEY:<28} every scope, only 2 session credits",
        *(
            f"    {spec.key:<28} {','.join(sorted(spec.scopes)) or 'no scopes'} @ {spec.workspace}"
            for spec in config.extra_keys
        ),
        "  It runs submitted code on this machine: keep it on loopback. Ctrl-C stops it.",
    ]
    print("\n".join(lines), flush=True)
