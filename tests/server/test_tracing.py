"""OpenTelemetry: a span per MCP message when a tracer provider is set up, no span machinery otherwise."""

from __future__ import annotations

import pytest
from opentelemetry import trace

from server.app import build_server
from server.http.client_logs import ClientLogs
from server.upstream.client import Upstream


def _middleware_names(make_settings) -> list[str]:
    settings = make_settings(api_key="iv_live_unit_test_key")
    server = build_server(settings, Upstream(settings))
    return [type(layer).__name__ for layer in server.middleware]


def test_without_a_tracer_provider_no_span_middleware_runs(make_settings) -> None:
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    assert _middleware_names(make_settings) == [ClientLogs.__name__]


def test_with_a_tracer_provider_every_message_gets_the_sdks_span(
    make_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Configured(trace.TracerProvider):
        def get_tracer(self, *args: object, **kwargs: object) -> trace.Tracer:
            return trace.NoOpTracer()

    monkeypatch.setattr(trace, "get_tracer_provider", Configured)
    assert _middleware_names(make_settings) == ["OpenTelemetryMiddleware", ClientLogs.__name__]
