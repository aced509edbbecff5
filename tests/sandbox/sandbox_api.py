"""Test helpers for the sandbox: `Api` (an httpx2 client with one key, plus row builders), `eventually`.

`Api.setup_hiring()` makes the rows a session needs (agent profile, template with a stage, participant)
through the API itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx2
import pytest

_POLL_DEADLINE = 10.0


@dataclass
class Api:
    """An httpx2 client on the sandbox's /api/v1 with one API key, and row builders."""

    http: httpx2.Client
    origin: str

    def get(self, path: str, **kwargs: Any) -> httpx2.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx2.Response:
        return self.http.post(path, json=body, **kwargs)

    def patch(self, path: str, body: Any = None) -> httpx2.Response:
        return self.http.patch(path, json=body)

    def delete(self, path: str) -> httpx2.Response:
        return self.http.delete(path)

    def control(self, path: str, body: Any = None, method: str = "POST") -> httpx2.Response:
        return self.http.request(method, self.origin + path, json=body)

    def created(self, path: str, body: Any) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def setup_hiring(self, *, pass_threshold: float = 70) -> dict[str, Any]:
        """Agent profile -> template -> 'technical' stage -> participant; returns their ids."""
        profile = self.created("/agent-profiles", profile_body())
        template = self.created("/evaluation-templates", {"template_name": "Backend", "use_case": "hiring"})
        stage = self.created(
            "/evaluation-stages",
            {
                "evaluation_template_id": template["id"],
                "type": "technical",
                "agent_profile_id": profile["id"],
                "pass_threshold": pass_threshold,
            },
        )
        person = self.created(
            "/participants",
            {
                "name": "Test Person",
                "email": f"{uuid4().hex[:8]}@example.com",
                "evaluation_template_id": template["id"],
            },
        )
        return {
            "profile": profile["id"],
            "template": template["id"],
            "stage": stage["id"],
            "participant": person["id"],
        }

    def schedule(self, ids: dict[str, Any], **extra: Any) -> httpx2.Response:
        body = {
            "candidate_id": ids["participant"],
            "evaluation_template_id": ids["template"],
            "stage": "technical",
        }
        return self.post("/sessions", {**body, **extra})


def profile_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Backend interviewer",
        "persona": "I am Ava, a principal engineer.",
        "useCase": "hiring",
        "evaluationDimensions": [
            {"name": "System design", "description": "Designs for failure.", "weight": 60},
            {"name": "Communication", "description": "Explains clearly.", "weight": 40},
        ],
    }
    body.update(overrides)
    return body


def eventually(check: Callable[[], Any], deadline: float = _POLL_DEADLINE) -> Any:
    """Poll `check` until it returns something truthy; fail after `deadline` seconds (no blind sleeps)."""
    give_up = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > give_up:
            pytest.fail(f"condition not met within {deadline} s")
        time.sleep(0.02)
