"""The contract's enumerations, once each (tool inputs, sandbox validation and OpenAPI share them)."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AutomationRule",
    "Difficulty",
    "ExecutionLanguage",
    "InteractionDifficulty",
    "ParticipantStatus",
    "ProbingDepth",
    "ScoringMethod",
    "ScoringScale",
    "SessionMode",
    "SessionStatus",
    "StageType",
    "Style",
    "SuccessOutcome",
    "TemplateStatus",
    "Tone",
    "UseCase",
    "Visibility",
]

UseCase = Literal["hiring", "admissions", "training", "custom_api"]
Tone = Literal["friendly", "professional", "strict", "challenging"]
Style = Literal["structured", "conversational", "adaptive"]
InteractionDifficulty = Literal["easy", "medium", "hard", "adaptive"]
ProbingDepth = Literal["low", "medium", "high"]
ScoringScale = Literal["0-10", "0-5", "0-100"]
ScoringMethod = Literal["weighted_average", "rule_based"]
SuccessOutcome = Literal[
    "hire_no_hire", "admit_reject", "pass_fail", "ready_needs_training", "certified_not_certified", "custom"
]
TemplateStatus = Literal["draft", "active", "archived"]
Difficulty = Literal["beginner", "intermediate", "advanced", "expert", "adaptive"]
SessionMode = Literal[
    "live_ai_interview", "async_interview", "roleplay_simulation", "practice_session", "manual_review"
]
Visibility = Literal["private", "team", "organization", "public_template"]
StageType = Literal[
    "ai_interview",
    "roleplay_simulation",
    "practice_session",
    "manual_review",
    "async_assessment",
    "final_review",
]
AutomationRule = Literal["none", "auto_advance", "require_reviewer_approval"]
ParticipantStatus = Literal["active", "archived"]
SessionStatus = Literal["scheduled", "in_progress", "completed", "failed", "cancelled"]
ExecutionLanguage = Literal["python", "javascript", "typescript"]
