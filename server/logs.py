"""Logging: plain lines on stderr (stdout belongs to the stdio transport), keys never shown.

Code in this package logs keys only as `auth.fingerprint(key)`. The filter below is the last line of
defence for text we do not control (third-party messages, exception strings): anything shaped like an
intervyo key is masked before it is written.
"""

from __future__ import annotations

import logging
import re
import sys

__all__ = ["KEY_PATTERN", "RedactKeys", "configure"]

# intervyo keys, and this server's OAuth codes and tokens (server.oauth.crypto's prefixes).
KEY_PATTERN = re.compile(r"\b(?:iv_(?:live|test)|ivo_(?:at|rt|ac))_[A-Za-z0-9_\-]+")


class RedactKeys(logging.Filter):
    """Masks intervyo keys in a record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if KEY_PATTERN.search(message):
            record.msg = KEY_PATTERN.sub("iv_[redacted]", message)
            record.args = None
        return True


def configure(level: str) -> None:
    """Send every logger's records to stderr at `level`, keys masked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactKeys())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # One line per upstream request is noise at info; the tool-call line says what happened.
    logging.getLogger("httpx2").setLevel(max(logging.WARNING, root.level))
