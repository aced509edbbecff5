"""The sandbox as the benchmark's upstream: `python -m bench.sandbox_server --port N --db PATH`.

The sandbox stands in for intervyo's API and is not a contender, so it should add as little of its
own as possible. `intervyo-mcp sandbox` binds its listening socket itself as
`socket.socket(AF_INET, SOCK_STREAM)`, i.e. with protocol 0; asyncio only switches TCP_NODELAY on for
accepted sockets whose protocol is IPPROTO_TCP, so on that socket every keep-alive response split over
two writes waits for the client's delayed ACK (about 40 ms on Linux). Here uvicorn binds the port
itself, which sets TCP_NODELAY, and serves the same app (`sandbox.app.create_app`) with the same
settings otherwise.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from sandbox.app import create_app
from sandbox.config import SandboxConfig

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sandbox_server", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    app = create_app(SandboxConfig(db_path=args.db))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
