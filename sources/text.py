"""HTML fragments (feed summaries, HN comments, Mastodon posts) to plain text, and API times to datetimes. Pure."""

from __future__ import annotations

import html
import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

_BLOCK_TAGS = {"p", "br", "div", "li", "blockquote", "pre", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_SPACES = re.compile(r"[ \t\u00a0]+")
_LINES = re.compile(r"\s*\n\s*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str | None) -> str:
    if not fragment:
        return ""
    if "<" not in fragment:
        text = html.unescape(fragment)
    else:
        parser = _Text()
        parser.feed(fragment)
        parser.close()
        text = "".join(parser.parts)
    text = _SPACES.sub(" ", text)
    return _LINES.sub("\n", text).strip()


def iso_time(value: Any) -> datetime | None:
    """An ISO 8601 time as an API sends it (a trailing Z for UTC), or None when it is missing or not one."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
