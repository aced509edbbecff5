"""Settings are read once: INTERVYO_* from the environment, command-line flags winning."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import pytest

import tools
from server.settings import FLAGS, Settings, SettingsError

Load = Callable[..., Settings]


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Load:
    """`Settings.load` with exactly `environ` as the INTERVYO_* environment."""

    def load(
        environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None, **options: Any
    ) -> Settings:
        for name in list(os.environ):
            if name.startswith("INTERVYO_"):
                monkeypatch.delenv(name)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return Settings.load(overrides, **options)

    return load


def test_environment_values_are_typed_and_lists_are_comma_separated(load: Load) -> None:
    settings = load(
        {
            "INTERVYO_TOOLSETS": "sessions, participants",
            "INTERVYO_READ_ONLY": "true",
            "INTERVYO_PORT": "9000",
            "INTERVYO_ALLOWED_HOSTS": "mcp.example.com,mcp.example.com:443",
            "INTERVYO_API_BASE_URL": "https://staging.intervyo.ai/api/v1/",
            "UNRELATED": "ignored",
        }
    )
    assert settings.toolsets == ("sessions", "participants")
    assert settings.read_only is True
    assert settings.port == 9000
    assert settings.allowed_hosts == ("mcp.example.com", "mcp.example.com:443")
    assert settings.api_base_url == "https://staging.intervyo.ai/api/v1"


def test_flags_win_over_the_environment_and_unset_flags_change_nothing(load: Load) -> None:
    settings = load({"INTERVYO_PORT": "9000", "INTERVYO_HOST": "::1"}, {"port": 9100, "host": None})
    assert (settings.port, settings.host) == (9100, "::1")


def test_a_subcommands_defaults_yield_to_the_environment(load: Load) -> None:
    assert load({}, defaults={"transport": "http"}).transport == "http"
    assert load({"INTERVYO_TRANSPORT": "sse"}, defaults={"transport": "http"}).transport == "sse"


def test_all_and_default_name_the_toolset_groups(load: Load) -> None:
    assert load({"INTERVYO_TOOLSETS": "all"}).toolsets == tools.TOOLSETS
    assert load({}).toolsets == tools.DEFAULT_TOOLSETS
    assert "code_execution" not in load({"INTERVYO_TOOLSETS": "default"}).toolsets


@pytest.mark.parametrize(
    ("environ", "flags", "source"),
    [
        ({"INTERVYO_TOOLSETS": "payroll"}, {}, "INTERVYO_TOOLSETS"),
        ({}, {"toolsets": "payroll"}, "--toolsets"),
        ({"INTERVYO_API_BASE_URL": "https://user:iv_live_pw@evil.example"}, {}, "INTERVYO_API_BASE_URL"),
        ({"INTERVYO_RETRIES": "iv_live_secret"}, {}, "INTERVYO_RETRIES"),
    ],
)
def test_a_bad_value_names_its_source_and_never_echoes_the_value(load: Load, environ, flags, source) -> None:
    with pytest.raises(SettingsError) as caught:
        load(environ, flags)
    message = str(caught.value)
    assert message.startswith(f"{source}: ")
    assert "iv_live" not in message


def test_the_key_is_not_in_the_settings_repr(load: Load) -> None:
    assert "iv_live_secret" not in repr(load({"INTERVYO_API_KEY": "iv_live_secret"}))


def test_empty_environment_variables_count_as_unset(load: Load) -> None:
    blank = {
        name: ""
        for name in ("INTERVYO_API_KEY", "INTERVYO_API_BASE_URL", "INTERVYO_TOOLSETS", "INTERVYO_READ_ONLY")
    }
    assert load(blank) == load({})


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    from server.cli import main

    with pytest.raises(SystemExit):
        main([*args, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_every_flag_comes_from_a_setting_and_no_secret_is_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    bare, serve = _help(capsys), _help(capsys, "serve")
    for name, flag in FLAGS.items():
        option = "--" + name.replace("_", "-")
        assert option in serve and (option in bare) == (flag.command == "all")
        assert f"[INTERVYO_{name.upper()}]" in serve
    assert "api_key" not in FLAGS and "webhook_secret" not in FLAGS
    assert "--api-key" not in serve
