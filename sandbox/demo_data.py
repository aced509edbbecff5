"""The demo workspace's rows: a realistic hiring set-up to explore with no account.

"Acme Robotics" hires a Senior Backend Engineer through screen -> technical -> final stages run by
agent profiles; a dozen participants; sessions in every status, four of them scored with scorecards
and transcripts. A draft template, a public admissions profile (forkable from any workspace), and a
second workspace ("Globex") with its own public and private profiles and one session.

Rows are created through the same handlers the API uses, with deterministic ids and back-dated times.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from sandbox.clock import iso
from sandbox.config import SandboxConfig
from sandbox.handlers import agent_profiles, evaluation_stages, evaluation_templates, participants, sessions
from sandbox.lifecycle import Target, advance
from sandbox.links import Links
from sandbox.runtime import Context, Reply, Runtime
from sandbox.store import Store
from tools.agent_profiles import CreateAgentProfile
from tools.evaluation_stages import CreateEvaluationStage
from tools.evaluation_templates import CreateEvaluationTemplate
from tools.participants import CreateParticipant
from tools.sessions import ScheduleSession, SessionId

__all__ = ["seed_demo_rows"]

_PEOPLE = (
    ("Ada Okafor", "Backend engineer", "Fintra", "senior", "Lagos"),
    ("Bruno Silva", "Software engineer", "Mercado Ágil", "mid", "São Paulo"),
    ("Chen Wei", "Platform engineer", "Cloudnine", "senior", "Singapore"),
    ("Dana Levi", "Full-stack developer", "Shapes", "mid", "Tel Aviv"),
    ("Elif Yilmaz", "Backend developer", "Kargo", "senior", "Istanbul"),
    ("Farah Haddad", "Site reliability engineer", "Orbit", "senior", "Amman"),
    ("Gustav Lind", "Software engineer", "Nordlys", "junior", "Oslo"),
    ("Hana Sato", "API engineer", "Kumo", "mid", "Osaka"),
    ("Ivan Petrov", "Backend engineer", "Volna", "senior", "Sofia"),
    ("Jade Martin", "Data engineer", "Lumen", "mid", "Lyon"),
    ("Kwame Mensah", "Software engineer", "Akwaaba Pay", "mid", "Accra"),
    ("Lucía Romero", "Staff engineer", "Pampa", "staff", "Buenos Aires"),
)

# (participant index, stage, final state or None for still scheduled, days ago, the level scored at)
_SESSIONS: tuple[tuple[int, str, str | None, int, float | None], ...] = (
    (0, "screen", "scored", 12, 8.6),
    (1, "screen", "scored", 11, 5.1),
    (2, "screen", "scored", 10, 7.4),
    (0, "technical", "scored", 6, 8.2),
    (3, "screen", "failed", 5, None),
    (4, "screen", "cancelled", 4, None),
    (2, "technical", "completed", 0, 6.8),
    (5, "screen", "in_progress", 0, None),
    (6, "screen", None, -1, None),
    (7, "screen", None, -2, None),
    (8, "technical", None, -3, None),
)


class _SeedClock:
    """A clock the seeder moves, so seeded rows carry realistic past and future times."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at


def seed_demo_rows(
    store: Store,
    config: SandboxConfig,
    demo_id: Callable[[str], str],
    *,
    demo_workspace: str,
    other_workspace: str,
) -> None:
    """Write the demo rows into the demo and second workspaces (both must exist)."""
    counter = itertools.count()
    clock = _SeedClock()
    runtime = Runtime(
        config=replace(config, webhook_url=None, webhook_secret=None, auto_run=False),
        store=store,
        clock=clock,
        links=Links(b"seeding"),
        new_id=lambda: demo_id(f"row:{next(counter)}"),
    )
    start = clock.at
    with store.atomic():
        _seed_demo(runtime.context(demo_workspace, runtime.origin), clock, start)
        _seed_other(runtime.context(other_workspace, runtime.origin))
    clock.at = start


def _make(handler: Callable[[Context, Any], Reply], ctx: Context, args: BaseModel) -> dict[str, Any]:
    reply = handler(ctx, args)
    assert reply.body is not None
    data: dict[str, Any] = reply.body["data"]
    return data


def _profile(ctx: Context, **fields: Any) -> str:
    return str(_make(agent_profiles.create, ctx, CreateAgentProfile.model_validate(fields))["id"])


def _seed_demo(ctx: Context, clock: _SeedClock, start: datetime) -> None:
    backend = _profile(
        ctx,
        name="Senior backend interviewer",
        persona="I'm Ava, a principal engineer at Acme Robotics. I'll ask about systems you've built.",
        useCase="hiring",
        evaluationDimensions=[
            {
                "name": "System design",
                "description": "Sound, scalable designs with clear trade-offs.",
                "weight": 35,
            },
            {"name": "Coding fluency", "description": "Clean, correct, idiomatic code.", "weight": 30},
            {"name": "Debugging", "description": "Finds root causes methodically.", "weight": 15},
            {"name": "Communication", "description": "Explains reasoning clearly.", "weight": 20},
        ],
        interaction={
            "tone": "professional",
            "style": "adaptive",
            "difficulty": "hard",
            "probingDepth": "high",
        },
        scoring={"scale": "0-10", "scoringMethod": "weighted_average"},
    )
    screener = _profile(
        ctx,
        name="Friendly screener",
        persona="Hi, I'm Sam from the Acme talent team. This is a relaxed first conversation.",
        useCase="hiring",
        evaluationDimensions=[
            {"name": "Motivation", "description": "Why this role, why now.", "weight": 30},
            {"name": "Communication", "description": "Clear and concise answers.", "weight": 40},
            {"name": "Role fit", "description": "Experience matches the role.", "weight": 30},
        ],
        interaction={
            "tone": "friendly",
            "style": "conversational",
            "difficulty": "easy",
            "probingDepth": "low",
        },
    )
    _profile(
        ctx,
        name="Graduate admissions panel",
        persona="I'm the admissions interviewer for the MSc in Robotics.",
        useCase="admissions",
        evaluationDimensions=[
            {"name": "Academic readiness", "description": "Maths and programming foundations.", "weight": 50},
            {"name": "Motivation", "description": "Clear goals for the programme.", "weight": 50},
        ],
        isPublic=True,
    )
    template = _make(
        evaluation_templates.create,
        ctx,
        CreateEvaluationTemplate(
            template_name="Senior Backend Engineer",
            use_case="hiring",
            description="Owns services behind Acme's robot fleet API. Go or Python, Postgres, Kafka.",
            objective="Find engineers who design for failure and explain their trade-offs.",
            level="Senior",
            requirements="Weighted score of 7/10 or more in the technical stage.",
            skills=["Python", "PostgreSQL", "Distributed systems", "API design"],
            soft_skills=["Ownership", "Clear writing"],
            default_duration_minutes=45,
            default_difficulty="advanced",
            industry="robotics",
        ),
    )
    template_id = template["id"]
    evaluation_templates.create(
        ctx,
        CreateEvaluationTemplate(
            template_name="Customer Support Onboarding",
            use_case="training",
            status="draft",
            skills=["Zendesk"],
        ),
    )
    for order, (kind, name, profile, threshold, minutes) in enumerate(
        (
            ("screen", "Recruiter screen", screener, 60.0, 20),
            ("technical", "Technical deep-dive", backend, 70.0, 60),
            ("final", "Final with the hiring manager", backend, 75.0, 45),
        )
    ):
        evaluation_stages.create(
            ctx,
            CreateEvaluationStage.model_validate(
                {
                    "evaluation_template_id": template_id,
                    "type": kind,
                    "stage_name": name,
                    "stage_type": "ai_interview",
                    "stage_order": order,
                    "duration_minutes": minutes,
                    "agent_profile_id": profile,
                    "pass_threshold": threshold,
                }
            ),
        )
    people = []
    for i, (name, title, org, level, city) in enumerate(_PEOPLE):
        first = unicodedata.normalize("NFKD", name.split(" ")[0].lower()).encode("ascii", "ignore").decode()
        people.append(
            _make(
                participants.create,
                ctx,
                CreateParticipant.model_validate(
                    {
                        "name": name,
                        "email": f"{first}@example.com",
                        "evaluation_template_id": template_id,
                        "external_id": f"ats-{1001 + i}",
                        "tags": ["backend", "2026-q4"],
                        "profile": {
                            "title": title,
                            "organization": org,
                            "experienceLevel": level,
                            "location": city,
                        },
                        "background": {"skills": ["Python", "SQL"], "languages": ["English"]},
                    }
                ),
            )
        )
    for n, (who, stage, state, days_ago, ability) in enumerate(_SESSIONS):
        clock.at = start - timedelta(days=days_ago, hours=2)
        session = _make(
            sessions.schedule,
            ctx,
            ScheduleSession.model_validate(
                {
                    "candidate_id": people[who]["id"],
                    "evaluation_template_id": template_id,
                    "stage": stage,
                    "scheduled_at": iso(start - timedelta(days=days_ago)),
                    "idempotency_key": f"demo-seed-{n}",
                    "notes": "Seeded demo session.",
                }
            ),
        )
        if state is None:
            continue
        clock.at = start - timedelta(days=days_ago)
        doc = ctx.store.get("session", ctx.workspace_id, session["id"])
        assert doc is not None
        doc["_ability"] = ability
        if state == "cancelled":
            sessions.cancel(ctx, SessionId.model_validate({"session_id": session["id"]}))
            continue
        _walk(ctx, clock, doc, state)


def _walk(ctx: Context, clock: _SeedClock, doc: dict[str, Any], state: str) -> None:
    """Advance step by step, moving the clock like a real interview: start, 40 min later end, then score."""
    steps: dict[str, tuple[Target, ...]] = {
        "in_progress": ("in_progress",),
        "completed": ("in_progress", "completed"),
        "failed": ("in_progress", "failed"),
        "scored": ("in_progress", "completed", "scored"),
    }
    for target in steps[state]:
        advance(ctx.runtime, ctx.workspace_id, doc, target)
        clock.at += timedelta(minutes=40) if target == "in_progress" else timedelta(minutes=1)


def _seed_other(ctx: Context) -> None:
    _profile(
        ctx,
        name="Sales roleplay coach",
        persona="I'm a demanding prospect; sell me the product.",
        useCase="training",
        evaluationDimensions=[
            {"name": "Discovery", "description": "Asks before pitching.", "weight": 50},
            {"name": "Objection handling", "description": "Stays calm and specific.", "weight": 50},
        ],
        isPublic=True,
    )
    _profile(
        ctx,
        name="Globex internal interviewer",
        persona="Private to Globex.",
        useCase="hiring",
        evaluationDimensions=[{"name": "Judgement", "description": "Makes sound calls.", "weight": 100}],
    )
    template = _make(
        evaluation_templates.create,
        ctx,
        CreateEvaluationTemplate(template_name="Account Executive", use_case="hiring"),
    )
    evaluation_stages.create(
        ctx,
        CreateEvaluationStage.model_validate({"evaluation_template_id": template["id"], "type": "screen"}),
    )
    person = _make(
        participants.create,
        ctx,
        CreateParticipant.model_validate(
            {"name": "Mo Globex", "email": "mo@globex.example", "evaluation_template_id": template["id"]}
        ),
    )
    sessions.schedule(
        ctx,
        ScheduleSession.model_validate(
            {"candidate_id": person["id"], "evaluation_template_id": template["id"], "stage": "screen"}
        ),
    )
