"""The icon every tool (and the server) shows in clients that display icons: intervyo's mark, inline.

A data URI rather than a link, so it works on stdio and behind any proxy without the server knowing its
public address; the SVG is a few hundred bytes (assets/icon.png is the 512 px raster of the same mark).
"""

from __future__ import annotations

import base64
from importlib import resources

from mcp.types import Icon

__all__ = ["ICONS"]

_SVG = (resources.files("tools") / "icon.svg").read_bytes()

ICONS = [
    Icon(
        src="data:image/svg+xml;base64," + base64.b64encode(_SVG).decode("ascii"),
        mime_type="image/svg+xml",
        sizes=["any"],
    )
]
