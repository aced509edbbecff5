"""Synthetic scorecards, deterministic per session, from the stage's agent profile dimensions.

Each dimension scores 0-10 with a weight and reasoning that cites transcript turns; the overall score is
the weighted mean (0-10); `passed` compares score x 10 with the stage's `pass_threshold` (0-100, 70
when the stage sets none); the recommendation uses the template's success-outcome vocabulary.
"""

from __future__ import annotations

from typing import Any

from sandbox.transcript import seeded_random
from tools.evaluation_templates import DEFAULT_SUCCESS_OUTCOME

__all__ = ["DEFAULT_DIMENSIONS", "DEFAULT_PASS_THRESHOLD", "recommendation_words", "synthesise_scorecard"]

DEFAULT_PASS_THRESHOLD = 70.0

# Used when a stage has no agent profile (or its profile was removed).
DEFAULT_DIMENSIONS: tuple[tuple[str, int], ...] = (
    ("Communication", 30),
    ("Problem solving", 40),
    ("Role knowledge", 30),
)

_VOCABULARY: dict[str, tuple[str, str]] = {
    "hire_no_hire": ("hire", "no_hire"),
    "admit_reject": ("admit", "reject"),
    "pass_fail": ("pass", "fail"),
    "ready_needs_training": ("ready", "needs_training"),
    "certified_not_certified": ("certified", "not_certified"),
    "custom": ("recommended", "not_recommended"),
}


def recommendation_words(success_outcome: str | None, use_case: str | None) -> tuple[str, str]:
    """(positive, negative) recommendation for a template's outcome, else its use case, else hiring."""
    outcome = success_outcome or DEFAULT_SUCCESS_OUTCOME.get(use_case or "hiring", "hire_no_hire")
    return _VOCABULARY.get(outcome, _VOCABULARY["hire_no_hire"])


def synthesise_scorecard(
    session_id: str,
    dimensions: list[tuple[str, int]],
    citations: dict[str, list[int]],
    pass_threshold: float | None,
    vocabulary: tuple[str, str],
    participant_name: str,
    ability: float | None = None,
) -> dict[str, Any]:
    """The scorecard fields a scored session carries; `ability` (0-10) fixes the level, else it is drawn."""
    rng = seeded_random(session_id, "scorecard")
    drawn = rng.uniform(4.0, 9.3)
    ability = drawn if ability is None else ability
    breakdown: list[dict[str, Any]] = []
    for name, weight in dimensions:
        score = round(min(10.0, max(0.0, ability + rng.uniform(-1.6, 1.6))), 1)
        cited = citations.get(name, [])
        breakdown.append(
            {
                "dimension": name,
                "score": score,
                "weight": weight,
                "reasoning": _reasoning(name, score, cited),
                "citations": cited,
            }
        )
    total_weight = sum(weight for _, weight in dimensions)
    if total_weight:
        overall = sum(item["score"] * item["weight"] for item in breakdown) / total_weight
    else:
        overall = sum(item["score"] for item in breakdown) / max(1, len(breakdown))
    score = round(overall, 1)
    threshold = DEFAULT_PASS_THRESHOLD if pass_threshold is None else pass_threshold
    passed = score * 10 >= threshold
    return {
        "score": score,
        "passed": passed,
        "recommendation": vocabulary[0] if passed else vocabulary[1],
        "evaluation_breakdown": breakdown,
        "summary": _summary(participant_name, breakdown),
        "authenticity_signals": {
            "tab_switches": rng.choice((0, 0, 0, 1, 2, 4)),
            "paste_events": rng.choice((0, 0, 0, 1, 3)),
            "voice_spoofing_flags": rng.choice((0, 0, 0, 0, 1)),
            "screen_share_detected": rng.random() < 0.1,
        },
    }


def _reasoning(dimension: str, score: float, cited: list[int]) -> str:
    if score >= 8:
        verdict = "Strong, specific evidence"
    elif score >= 6:
        verdict = "Solid but uneven evidence"
    else:
        verdict = "Thin evidence"
    where = " and ".join(str(i) for i in cited) if cited else "none recorded"
    return f"{verdict} on {dimension.lower()}: the answers in turns {where} were weighed against the rubric."


def _summary(participant_name: str, breakdown: list[dict[str, Any]]) -> str:
    ranked = sorted(breakdown, key=lambda item: item["score"], reverse=True)
    best = ranked[0]["dimension"].lower() if ranked else "the core topics"
    weakest = ranked[-1]["dimension"].lower() if ranked else "the core topics"
    return (
        f"{participant_name} was clearest on {best}, giving concrete examples and explaining the "
        "trade-offs behind their decisions.\n\n"
        f"Next round, probe {weakest}: ask for a recent, specific example and what they would change "
        "about it."
    )
