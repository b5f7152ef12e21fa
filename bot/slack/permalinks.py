"""Links to Slack messages."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

log = logging.getLogger(__name__)


def permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    """The message's permalink, or None when Slack cannot give one (the caller's message is still useful without it)."""
    if not channel or not ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except Exception:
        log.warning("no permalink for %s/%s", channel, ts)
        return None
