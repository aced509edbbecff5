"""Synthetic interview transcripts, deterministic per session.

The shape is the contract's (inferred) one: `{"session_id", "turns": [{"index", "speaker": "ai" |
"participant", "text", "at"}]}`. Each scoring dimension gets a question, an answer, a follow-up and a
second answer; `Transcript.citations` records which participant turns speak to which dimension, so the
scorecard's reasoning can cite real turn indexes.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.clock import iso

__all__ = ["Transcript", "build_transcript", "seeded_random"]

_OPENERS = (
    "Could you walk me through how you would approach {topic}?",
    "Tell me about a time {topic} really mattered in your work.",
    "How do you think about {topic} when the requirements are unclear?",
)
_ANSWERS = (
    "In my last role I owned this end to end. I started by clarifying the constraints, then {detail}.",
    "I would break it into smaller steps first; for {topic} that usually means {detail}.",
    "A concrete example: we had an incident where {detail}, and I led the follow-up.",
)
_FOLLOW_UPS = (
    "What trade-offs did you weigh there, and what would you do differently now?",
    "How did you measure whether that worked?",
    "What if the team disagreed with you on that?",
)
_SECOND_ANSWERS = (
    "The main trade-off was speed against safety; we shipped behind a flag and measured error rates.",
    "We tracked it with a simple dashboard and reviewed it weekly; it improved by about a third.",
    "I would write down both options, agree on how to decide, and run a small experiment first.",
)
_DETAILS = (
    "writing the smallest version that could fail loudly",
    "pairing with the person closest to the problem",
    "measuring before and after every change",
    "documenting the decision so the next person could follow it",
)


@dataclass(frozen=True)
class Transcript:
    """The turns, and for each dimension the indexes of the participant turns about it."""

    turns: list[dict[str, Any]]
    citations: dict[str, list[int]]


def seeded_random(*parts: str) -> random.Random:
    """A random generator seeded from the given strings: the same session always gets the same draw."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def build_transcript(
    session_id: str,
    started_at: datetime,
    duration_seconds: float,
    dimensions: list[str],
    participant_name: str,
    *,
    partial: bool = False,
) -> Transcript:
    """The interview as it happened; `partial` stops it halfway, as a failed session's would."""
    rng = seeded_random(session_id, "transcript")
    texts: list[tuple[str, str]] = [
        ("ai", f"Hi {participant_name}, thanks for joining. I'm your interviewer today; shall we begin?"),
        ("participant", "Yes, happy to. Thanks for having me."),
    ]
    citations: dict[str, list[int]] = {}
    for dimension in dimensions:
        topic = dimension.lower()
        detail = rng.choice(_DETAILS)
        texts.append(("ai", rng.choice(_OPENERS).format(topic=topic)))
        first = len(texts)
        texts.append(("participant", rng.choice(_ANSWERS).format(topic=topic, detail=detail)))
        texts.append(("ai", rng.choice(_FOLLOW_UPS)))
        texts.append(("participant", rng.choice(_SECOND_ANSWERS)))
        citations[dimension] = [first, first + 2]
    texts.append(("ai", "That's all my questions. Thank you, you'll hear from the team soon."))
    if partial:
        texts = texts[: max(2, len(texts) // 2)]
        citations = {d: [i for i in turns if i < len(texts)] for d, turns in citations.items()}
    step = timedelta(seconds=duration_seconds) / len(texts)
    turns = [
        {"index": i, "speaker": speaker, "text": text, "at": iso(started_at + step * i)}
        for i, (speaker, text) in enumerate(texts)
    ]
    return Transcript(turns=turns, citations=citations)
