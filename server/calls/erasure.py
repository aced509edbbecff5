"""What deleting a participant does not delete, said in the result instead of `{"deleted": true}` alone.

intervyo's `DELETE /participants/{id}` removes the participant record. Its sessions, and with them the
scorecards and transcripts, stay stored and readable by id (that is what the API does as far as the
contract says, and what the sandbox emulates). So before the delete the server counts the participant's
sessions under the caller's key, and the result names them and says how erasure of those works.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server.calls.list_filters import SCAN_CAP

__all__ = ["ERASURE", "remaining"]

# The contract documents no delete for sessions, scorecards or transcripts; how erasure works there is
# inferred from that and from what the API does (the sessions stay readable).
ERASURE = (
    "intervyo's API deletes only the participant record; it has no call that deletes sessions, "
    "scorecards, transcripts or recordings (inferred: none is documented). Sessions still scheduled can "
    "be cancelled with cancel_session. To erase the rest (e.g. a GDPR erasure request), ask intervyo "
    "support or your workspace admin, quoting remains.session_ids; recordings links expire within 1 hour."
)

ListPage = Callable[[int], Awaitable[dict[str, Any]]]


async def remaining(participant_id: str, page_of_sessions: ListPage) -> dict[str, Any]:
    """The participant's sessions, scorecards and transcripts, counted before the delete.

    `page_of_sessions(n)` reads page n (100 rows) of list_sessions filtered by this participant; rows
    of other participants are ignored, whatever the upstream's filter did.
    """
    sessions: list[dict[str, Any]] = []
    scanned = 0
    number = 1
    total = 0
    while scanned < SCAN_CAP:
        answer = await page_of_sessions(number)
        rows: list[dict[str, Any]] = answer.get("items", [])
        meta: dict[str, Any] = answer.get("meta", {})
        total = int(meta.get("total", len(rows)))
        scanned += len(rows)
        sessions += [row for row in rows if str(row.get("candidate_id")) == participant_id]
        if not rows or number >= int(meta.get("total_pages", number)):
            break
        number += 1
    counted = "all of them" if scanned >= total else f"among the first {scanned} of {total} sessions"
    return {
        "sessions": len(sessions),
        "scorecards": sum(1 for row in sessions if row.get("scored_at") or row.get("score") is not None),
        "transcripts": sum(
            1 for row in sessions if row.get("transcript_url") or row.get("status") in ("completed", "failed")
        ),
        "session_ids": [row["id"] for row in sessions],
        "counted": f"under your key, {counted}",
    }
