"""How many tokens a text costs a model, estimated offline.

The primary estimator is the documented rule of thumb for English prose and JSON with GPT- and
Claude-family BPE tokenizers: one token per four UTF-8 bytes, rounded up (`bytes/4`). It needs no
downloaded vocabulary, is deterministic, and is the same for every contender, so ratios between
contenders are what it is good for; absolute counts are estimates.

A second, independent estimate counts regex word pieces: runs of letters (split every 6 characters),
runs of digits (split every 3) and each punctuation character. It tends to run higher on JSON, whose
quotes, colons and braces are often tokens of their own. Both are reported; the report's token column
uses `bytes/4`.
"""

from __future__ import annotations

import math
import re

__all__ = ["ESTIMATOR", "estimate_tokens", "word_pieces"]

ESTIMATOR = "ceil(utf8_bytes / 4)"

_PIECE = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")


def estimate_tokens(text: str | bytes) -> int:
    """Tokens by the bytes/4 heuristic."""
    size = len(text) if isinstance(text, bytes) else len(text.encode())
    return math.ceil(size / 4)


def word_pieces(text: str) -> int:
    """Tokens by the regex word-piece count."""
    total = 0
    for piece in _PIECE.findall(text):
        if piece[0].isalpha():
            total += math.ceil(len(piece) / 6)
        elif piece[0].isdigit():
            total += math.ceil(len(piece) / 3)
        else:
            total += 1
    return total
