"""Reading fenced text in tests: the text inside a fence, and where candidate text sits outside one."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["FENCE", "outside_fences", "strings", "unfenced"]

FENCE = re.compile(
    r"<<<untrusted [^\n]*? id=(?P<id>[0-9a-f]{12})>>>\n(?P<inner>.*?)\n<<</untrusted id=(?P=id)>>>", re.DOTALL
)


def unfenced(value: Any) -> Any:
    """The text inside a fenced string (lists and dicts: each value); other values as they are."""
    if isinstance(value, str):
        found = FENCE.fullmatch(value)
        return found["inner"] if found else value
    if isinstance(value, list):
        return [unfenced(item) for item in value]
    if isinstance(value, dict):
        return {key: unfenced(item) for key, item in value.items()}
    return value


def outside_fences(text: str) -> str:
    """`text` with every well-formed fence (matching ids) cut out."""
    return FENCE.sub("", text)


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, reading any string that is itself a JSON document as its strings."""
    if isinstance(value, str):
        # A JSON document (a result's text block, a resource's text; a list's text has a summary line
        # first) is read as the strings in it.
        for document in (value, value.partition("\n")[2]):
            try:
                decoded = json.loads(document)
            except ValueError:
                continue
            if isinstance(decoded, dict | list):
                return strings(decoded)
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    return []
