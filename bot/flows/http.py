"""The HTTP client sources are polled and replies published with (here, not in poll.py: publishing needs it without
importing the poll, which imports the reports, which open incidents, which publish follow-ups)."""

from __future__ import annotations

import httpx


def http_client() -> httpx.Client:
    return httpx.Client(follow_redirects=False, headers={"User-Agent": "complaint-bot/0.1"})
