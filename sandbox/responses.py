"""`ApiJSONResponse`: compact, ASCII-escaped JSON, so no stored string can make an answer fail to encode.

Starlette's `JSONResponse` writes UTF-8 and raises on a lone UTF-16 surrogate, which JSON input may
carry; escaping non-ASCII keeps every answer valid JSON that decodes to exactly what was stored.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

__all__ = ["ApiJSONResponse"]


class ApiJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
