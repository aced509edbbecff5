"""A code runner is never put on the network by accident: `serve --sandbox` (and `execute_code` against a
loopback API) binds loopback only unless `--allow-remote`; the warning names the address really bound."""

from __future__ import annotations

import socket

import pytest

from server import cli
from server.http.binding import bind


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["serve", "--sandbox", "--host", "0.0.0.0"], "--sandbox runs submitted code on this machine"),
        (["serve", "--sandbox", "--host", "::"], "--sandbox runs submitted code on this machine"),
        (
            [
                "--toolsets",
                "all",
                "--api-base-url",
                "http://127.0.0.1:1/api/v1",
                "serve",
                "--host",
                "0.0.0.0",
            ],
            "execute_code reaches a code runner on this machine",
        ),
    ],
)
def test_a_code_runner_on_a_public_address_is_refused_without_allow_remote(args, phrase, capsys) -> None:
    assert cli.main([*args, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert phrase in err and "--allow-remote" in err
    assert len(err.strip().splitlines()) == 1


def test_without_execute_code_a_remote_api_may_be_served_publicly() -> None:
    settings = cli.Settings(transport="http", host="0.0.0.0", toolsets=("sessions",))
    assert cli._exposes_code_runner(settings, sandboxed=False) is None


def test_allow_remote_serves_and_the_warning_names_the_address_really_bound(monkeypatch, capsys) -> None:
    ports: list[int] = []

    def loopback_bind(host: str, port: int) -> socket.socket:
        sock = bind("127.0.0.1", 0)  # the test itself stays on loopback
        ports.append(sock.getsockname()[1])
        return sock

    monkeypatch.setattr(cli, "bind", loopback_bind)
    monkeypatch.setattr(cli, "serve_http", lambda settings, sock: None)
    status = cli.main(["serve", "--sandbox", "--host", "0.0.0.0", "--port", "0", "--allow-remote"])
    assert status == 0
    assert (
        f"code runner is reachable from the network at http://127.0.0.1:{ports[0]}" in capsys.readouterr().err
    )
