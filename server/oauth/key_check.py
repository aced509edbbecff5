"""Is this intervyo API key real? Asked of intervyo itself with the cheapest read there is.

The sign-in pages check a key before anything is issued or shown: one `list_agent_profiles` call with
`page_size=1` through the server's own upstream client, under that key. 401 means the key is wrong;
403 (a real key without that scope) counts as a key that exists; anything else means intervyo could
not say, and the person is asked to try again.
"""

from __future__ import annotations

from enum import Enum

import tools
from server.errors import ToolError
from server.http.auth import MAX_KEY_LENGTH
from server.upstream.client import Upstream

__all__ = ["KeyCheck", "check_key"]

_PROBE = tools.by_name("list_agent_profiles")


class KeyCheck(Enum):
    VALID = "valid"
    MALFORMED = "malformed"
    REJECTED = "rejected"
    UNAVAILABLE = "unavailable"


async def check_key(upstream: Upstream, key: str) -> KeyCheck:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable() or " " in key:
        return KeyCheck.MALFORMED
    assert _PROBE is not None
    try:
        await upstream.call(_PROBE, _PROBE.arguments.model_validate({"page_size": 1}), key=key)
    except ToolError as error:
        if error.status == 401:
            return KeyCheck.REJECTED
        return KeyCheck.VALID if error.status == 403 else KeyCheck.UNAVAILABLE
    return KeyCheck.VALID
