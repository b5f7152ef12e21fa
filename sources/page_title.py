"""The title of a page someone reports by hand (`/complaint add URL`), fetched safely."""

from __future__ import annotations

import re

import httpx

from sources import SourceConfig, SourceError
from sources.http import get
from sources.text import html_to_text

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# Small and quick: a title is near the top, and the person is waiting for an answer.
PAGE_LIMITS = SourceConfig(kind="page", name="page title", timeout_seconds=5.0, max_bytes=512_000)


def fetch_title(url: str, http: httpx.Client | None = None) -> str | None:
    """The page's <title>, or None if it cannot be had (private address, error, not HTML, too slow)."""
    client = http or httpx.Client(headers={"User-Agent": "complaint-bot/0.1 (+page title)"})
    try:
        page = get(client, url, PAGE_LIMITS, accept=("html",))
    except SourceError:
        return None
    match = _TITLE.search(page.content)
    if not match:
        return None
    title = html_to_text(match.group(1).decode("utf-8", errors="replace"))
    return title[:300] or None
