"""What the benchmark asks for: the three timed tools and their arguments, on the sandbox's demo data.

The fixtures (a scored session, a participant with a template and stage) are read from the sandbox
through the API at the start of a run, so the benchmark follows the seed rather than hard-coding ids.
- `get_session` fetches the scored session: its answer is the scorecard (the largest single read).
- `list_sessions` asks for page 1 of 20.
- `schedule_session` creates a session each time, with a fresh `idempotency_key` and `force` (so the
  duplicate-session rule never turns it into a 409): a real write on every call, for every contender.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx2

__all__ = ["LATENCY_TOOLS", "THROUGHPUT_TOOL", "Fixtures", "Workload"]

LATENCY_TOOLS: tuple[str, ...] = ("get_session", "list_sessions", "schedule_session")
THROUGHPUT_TOOL = "get_session"


class FixtureError(RuntimeError):
    """The sandbox's data lacks something the workload needs."""


@dataclass(frozen=True)
class Fixtures:
    """Ids from the sandbox's seed that the workload's calls refer to."""

    scored_session_id: str
    candidate_id: str
    template_id: str
    stage: str

    @classmethod
    async def discover(cls, api: httpx2.AsyncClient) -> Fixtures:
        """Read the ids through the API (`api` carries the sandbox's base URL and the key)."""
        sessions = await _rows(api, "/sessions", {"status": "completed", "pageSize": "100"})
        scored = next((s for s in sessions if s.get("score") is not None), None)
        if scored is None:
            raise FixtureError("the sandbox has no scored session")
        stages = await _rows(api, "/evaluation-stages", {"pageSize": "100"})
        active = [s for s in stages if s.get("status") == "active"]
        participants = await _rows(api, "/participants", {"pageSize": "100"})
        for person in participants:
            template = person.get("evaluation_template_id")
            stage = next((s for s in active if s.get("evaluation_template_id") == template), None)
            if template and stage:
                return cls(str(scored["id"]), str(person["id"]), str(template), str(stage["type"]))
        raise FixtureError("no participant whose template has an active stage")


async def _rows(api: httpx2.AsyncClient, path: str, query: dict[str, str]) -> list[dict[str, Any]]:
    response = await api.get(path, params=query)
    response.raise_for_status()
    body: Any = response.json()
    rows: Any = body.get("data") or body.get("items") or [] if isinstance(body, dict) else body
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


class Workload:
    """Arguments for each timed tool; every schedule gets a key never used before."""

    def __init__(self, fixtures: Fixtures, run_id: str) -> None:
        self.fixtures = fixtures
        self._run_id = run_id
        self._counter = itertools.count()

    def arguments(self, tool: str) -> dict[str, Any]:
        f = self.fixtures
        if tool in ("get_session", "get_scorecard"):
            return {"session_id": f.scored_session_id}
        if tool == "list_sessions":
            return {"page": 1, "page_size": 20}
        if tool == "schedule_session":
            return {
                "candidate_id": f.candidate_id,
                "evaluation_template_id": f.template_id,
                "stage": f.stage,
                "idempotency_key": f"bench-{self._run_id}-{next(self._counter)}",
                "force": True,
            }
        raise KeyError(tool)
