"""Posting to Slack once: about one message a second per channel, Retry-After honoured for the whole channel,
and an earlier attempt found by the metadata every message carries before a retry posts again.

The look-up trusts that Slack has finished (or dropped) a request by the time the
row's lease runs out: keep `outbox_lease_seconds` well above the Slack timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.outbox import PostCard
from bot.services.outbox import Taken

CARD_EVENT = "complaint_case"
MESSAGE_EVENT = "complaint_bot_message"
# Look-ups start this long before the row was created: the bot's clock and Slack's may differ.
CLOCK_SKEW = timedelta(minutes=10)
# Posts to one channel that may go at once before the one-a-second pace applies: Slack's rate limits page allows
# chat.postMessage "1 per second, short bursts > 1". A burst's incident card, its thread's first line and a
# severe card go out together instead of over three seconds; a 429 still closes the channel for its Retry-After.
POST_BURST = 3
HISTORY_PAGE = 200


class Deferred(Exception):
    """Not sendable yet (e.g. a thread note before its card exists, or shutting down); try again shortly."""


class PastTheLease(Exception):
    """The channel is free only after the row's lease would be half gone: the row goes back unsent, to be taken afresh."""


def metadata(row: Taken) -> dict[str, Any]:
    if isinstance(row.message, PostCard):
        return {"event_type": CARD_EVENT, "event_payload": {"case_id": row.case_id, "outbox_ids": [row.id]}}
    return {"event_type": MESSAGE_EVENT, "event_payload": {"outbox_ids": [row.id]}}


def outbox_ids(message: dict[str, Any]) -> set[int]:
    return set(((message.get("metadata") or {}).get("event_payload") or {}).get("outbox_ids") or [])


def delivered_by(row: Taken, message: dict[str, Any]) -> bool:
    """Is this message the row's earlier attempt (or, for a card, any card of its case)?"""
    if row.id in outbox_ids(message):
        return True
    found = message.get("metadata") or {}
    return isinstance(row.message, PostCard) and found.get("event_type") == CARD_EVENT and (found.get("event_payload") or {}).get("case_id") == row.case_id


def retry_after(exc: SlackApiError) -> float | None:
    """Seconds Slack asked us to wait, if this was a rate limit."""
    response = exc.response
    if response is None or not (response.status_code == 429 or response.get("error") == "ratelimited"):
        return None
    given = response.headers.get("Retry-After") or response.headers.get("retry-after")
    try:
        return max(float(given), 1.0)
    except (TypeError, ValueError):
        return 30.0


class Poster:
    def __init__(self, client: WebClient, *, post_interval_seconds: float, stopping: threading.Event) -> None:
        self.client = client
        self.post_interval_seconds = post_interval_seconds
        self.stopping = stopping
        # Per channel, monotonic times: the first is when the pace would let the next post go (one a second; up to
        # POST_BURST - 1 earlier ones may run ahead of it); before the second, nothing at all (Slack's Retry-After).
        # An update waits only for the second.
        self._next_post_at: dict[str, float] = {}
        self._closed_until: dict[str, float] = {}
        self._pacing = threading.Lock()

    def history(self, channel: str, thread_ts: str | None, since: datetime) -> Iterator[dict[str, Any]]:
        """Messages (with their metadata) posted to the channel, or the thread, since `since`."""
        oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
        cursor = None
        while True:
            if thread_ts is None:
                page = self.client.conversations_history(
                    channel=channel, oldest=oldest, include_all_metadata=True, limit=HISTORY_PAGE, cursor=cursor
                )
            else:
                page = self.client.conversations_replies(
                    channel=channel, ts=thread_ts, oldest=oldest, include_all_metadata=True, limit=HISTORY_PAGE, cursor=cursor
                )
            yield from page.get("messages", [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def to_channel(self, channel: str, call: Callable[..., Any], *, post: bool = True, send_by: float | None = None, **arguments: Any) -> Any:
        """Make `call` for `channel` when it may: a post waits for the channel's pace, anything else (an update) does not;
        a 429 holds back every message to the channel, not only this one. Nothing starts after `send_by` (monotonic)."""
        with self._pacing:
            start = max(time.monotonic(), self._closed_until.get(channel, 0.0))
            paced = self._next_post_at.get(channel, 0.0)
            if post:
                start = max(start, paced - (POST_BURST - 1) * self.post_interval_seconds)
            if send_by is not None and start > send_by:
                raise PastTheLease()
            if post:
                self._next_post_at[channel] = max(paced, start) + self.post_interval_seconds
        if self.stopping.wait(max(start - time.monotonic(), 0.0)):
            raise Deferred()
        try:
            return call(channel=channel, **arguments)
        except SlackApiError as exc:
            pause = retry_after(exc)
            if pause is not None:
                with self._pacing:
                    self._closed_until[channel] = max(self._closed_until.get(channel, 0.0), time.monotonic() + pause)
            raise

    def post_once(
        self, row: Taken, *, channel: str, thread_ts: str | None = None, send_by: float | None = None, **message: Any
    ) -> tuple[str, str]:
        """Post, unless an earlier attempt of this row already did: its message carries the row's metadata."""
        if row.look_first:
            for earlier in self.history(channel, thread_ts, row.created_at):
                if delivered_by(row, earlier):
                    return channel, earlier["ts"]
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        response = self.to_channel(channel, self.client.chat_postMessage, send_by=send_by, metadata=metadata(row), **message)
        return response["channel"], response["ts"]
