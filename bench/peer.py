"""The peer contender: FastMCP's `from_openapi` proxy over the sandbox's OpenAPI document.

Run as its own process, like ours: `python -m bench.peer --spec openapi.json --api-base-url URL
--transport http --port N` (or `--transport stdio`). The API key comes from `INTERVYO_API_KEY` and is
injected by the httpx2 client FastMCP calls the API with, which is how FastMCP's documentation wires
authentication for `from_openapi`; so one peer process serves one key.

`--exclude 'METHOD /path'` (repeatable) gives the peer the same tool selection as ours, using
FastMCP's own mechanism (route maps that exclude operations), so catalogs are compared like for like.
The OpenAPI document is read from a local file: fetching it at start-up would add a network hop to
the peer's cold start that a careful deployment avoids.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx2
from fastmcp import FastMCP
from fastmcp.server.providers.openapi import MCPType, RouteMap

__all__ = ["build", "main"]


def _route_maps(exclusions: list[str]) -> list[RouteMap]:
    maps: list[RouteMap] = []
    for item in exclusions:
        method, _, path = item.partition(" ")
        maps.append(RouteMap(methods=[method], pattern=f"^{re.escape(path)}$", mcp_type=MCPType.EXCLUDE))  # type: ignore[list-item]
    return maps


def build(spec: dict[str, Any], api_base_url: str, api_key: str, route_maps: list[RouteMap]) -> FastMCP:
    """The peer server: every remaining OpenAPI operation as a tool, calling the API with `api_key`."""
    client = httpx2.AsyncClient(
        base_url=api_base_url,
        headers={"x-api-key": api_key},
        timeout=30.0,
    )
    return FastMCP.from_openapi(spec, client=client, name="intervyo-openapi", route_maps=route_maps)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__)
    parser.add_argument("--spec", type=Path, required=True, help="the sandbox's openapi.json, saved locally")
    parser.add_argument("--api-base-url", required=True)
    parser.add_argument("--transport", choices=("http", "stdio"), default="http")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="'METHOD /path'", help="an operation to leave out"
    )
    args = parser.parse_args(argv)

    spec = json.loads(args.spec.read_text())
    server = build(spec, args.api_base_url, os.environ["INTERVYO_API_KEY"], _route_maps(args.exclude))
    if args.transport == "stdio":
        server.run(transport="stdio", show_banner=False, log_level="WARNING")
    else:
        server.run(transport="http", host=args.host, port=args.port, show_banner=False, log_level="WARNING")


if __name__ == "__main__":
    main()
