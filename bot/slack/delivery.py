"""Delivers the outbox to Slack: every card, update, thread note and DM decided in a transaction.

A row is taken (bot/services/outbox.py), sent, then marked sent. A crash between
taking and marking leaves a row "started"; once its lease runs out it is taken
again. Any retry of a card post first looks in the channel for a message carrying
the case id in its metadata (a crash or a timeout may hide a post Slack carried
out), so a card is never posted twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.enums import OutboxKind, Severity
from bot.db.session import session_scope
from bot.services import outbox
from bot.slack.digest_share import share_digest
from message_blocks.burst import burst_summary, burst_text
from message_blocks.card import card_text, case_card

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
METADATA_EVENT = "complaint_case"


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


class Deferred(Exception):
    """Not sendable yet (e.g. a thread note before its card exists); try again shortly, no attempt counted."""


class Drainer:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        channel: str,
        clock: Callable[[], datetime],
        post_interval_seconds: float = 1.0,
        lease: timedelta = timedelta(minutes=2),
        burst_threshold: int | None = None,
        burst_cards: int = 5,
    ) -> None:
        self.lease = lease
        self.burst_threshold = burst_threshold
        self.burst_cards = burst_cards
        self.sessions = sessions
        self.client = client
        self.channel = channel
        self.clock = clock
        self.post_interval_seconds = post_interval_seconds
        self._last_post = 0.0

    def drain(self, *, case_id: int | None = None, limit: int = 200) -> DrainReport:
        report = DrainReport()
        if case_id is None and self.burst_threshold is not None:
            self._summarise_burst(report)
        with session_scope(self.sessions) as session:
            ids = outbox.due_ids(session=session, now=self.clock(), lease=self.lease, case_id=case_id, limit=limit)
        for row_id in ids:
            self._deliver(row_id, report)
        return report

    def _deliver(self, row_id: int, report: DrainReport) -> None:
        with session_scope(self.sessions) as session:
            taken = outbox.take(session=session, row_id=row_id, now=self.clock(), lease=self.lease)
        if taken is None:
            return
        kind, case_id, payload, attempts, interrupted = taken.kind, taken.case_id, taken.payload, taken.attempts, taken.interrupted
        try:
            # A retry may follow a call that Slack carried out but never answered (a timeout): look first.
            result = self._send(kind, case_id, payload, maybe_sent=interrupted or attempts > 1)
        except Deferred:
            report.deferred += 1
            self._release(row_id, delay=timedelta(seconds=5), error=None, count_attempt=False)
            return
        except SlackApiError as exc:
            report.failed += 1
            error = exc.response.get("error", "unknown_error") if exc.response is not None else str(exc)
            report.errors.append(f"{kind} case {case_id}: {error}")
            self._release(row_id, delay=_retry_delay(exc, attempts), error=error)
            log.warning("outbox %s for case %s failed: %s", kind, case_id, error)
            return
        except Exception as exc:  # network errors, timeouts: the row stays and is retried
            report.failed += 1
            report.errors.append(f"{kind} case {case_id}: {type(exc).__name__}")
            self._release(row_id, delay=_backoff(attempts), error=f"{type(exc).__name__}: {exc}")
            log.warning("outbox %s for case %s failed: %s", kind, case_id, exc)
            return
        with session_scope(self.sessions) as session:
            outbox.mark_sent(session=session, row_ids=[row_id], now=self.clock())
            if result and case_id is not None:
                self._record_post(session, case_id, result)
        report.sent += 1

    def _summarise_burst(self, report: DrainReport) -> None:
        """Too many new cards at once: the most severe go out as cards, the rest in one summary."""
        now = self.clock()
        with session_scope(self.sessions) as session:
            waiting = outbox.waiting_cards(session=session, now=now)
            if len(waiting) <= self.burst_threshold:
                return
            ranked = sorted(waiting, key=lambda row: (Severity.parse(row[1].severity, Severity.LOW).rank, row[1].score), reverse=True)
            summarised = ranked[self.burst_cards :]
            taken = [row_id for row_id, _ in summarised if outbox.take(session=session, row_id=row_id, now=now, lease=self.lease)]
            views = [view for row_id, view in summarised if row_id in taken]
        if not views:
            return
        try:
            self._pace()
            self.client.chat_postMessage(
                channel=self.channel,
                text=burst_text(len(views) + self.burst_cards),
                blocks=burst_summary(views, posted_separately=min(self.burst_cards, len(waiting))),
                unfurl_links=False,
            )
        except Exception as exc:  # the rows go back to the outbox untouched
            log.warning("burst summary failed: %s", exc)
            for row_id in taken:
                self._release(row_id, delay=timedelta(seconds=30), error=f"burst summary: {exc}", count_attempt=False)
            report.failed += 1
            return
        with session_scope(self.sessions) as session:
            outbox.mark_sent(session=session, row_ids=taken, now=self.clock())
            outbox.record_summarised(session=session, case_ids=[view.case_id for view in views], now=now)
        report.sent += 1

    def _release(self, row_id: int, *, delay: timedelta, error: str | None, count_attempt: bool = True) -> None:
        with session_scope(self.sessions) as session:
            outbox.release(session=session, row_id=row_id, not_before=self.clock() + delay, error=error, count_attempt=count_attempt)

    def _record_post(self, session: Session, case_id: int, posted: tuple[str, str]) -> None:
        channel, ts = posted
        outbox.record_post(session=session, case_id=case_id, channel=channel, ts=ts, now=self.clock())

    def _send(self, kind: OutboxKind, case_id: int | None, payload: dict[str, Any], *, maybe_sent: bool) -> tuple[str, str] | None:
        if kind is OutboxKind.DIGEST:
            self._pace()
            share_digest(self.client, self.channel, payload, maybe_sent=maybe_sent)
            return None
        if kind is OutboxKind.CHANNEL_MESSAGE:  # about the channel as a whole, or a case re-surfaced at the bottom
            self._pace()
            self.client.chat_postMessage(channel=self.channel, text=payload["text"], blocks=payload.get("blocks"), unfurl_links=False)
            return None
        if case_id is None:
            raise ValueError(f"outbox {kind} without a case")
        with session_scope(self.sessions) as session:
            found = outbox.card_location(session=session, case_id=case_id)
        if found is None:
            return None
        view, channel, ts = found
        if kind is OutboxKind.POST_CARD:
            if ts:  # already posted (a duplicate row): nothing to do
                return None
            if maybe_sent:
                found = self._find_posted_card(case_id)
                if found:
                    return found
            self._pace()
            response = self.client.chat_postMessage(
                channel=self.channel,
                text=card_text(view),
                blocks=case_card(view),
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"case_id": case_id}},
            )
            return response["channel"], response["ts"]
        if kind is OutboxKind.UPDATE_CARD:
            if ts:  # not posted yet: the post will render the current state anyway
                self.client.chat_update(channel=channel, ts=ts, text=card_text(view), blocks=case_card(view))
            return None
        if kind is OutboxKind.THREAD_NOTE:
            if not ts:
                raise Deferred()
            self._pace()
            self.client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=payload["text"],
                blocks=payload.get("blocks"),
                unfurl_links=False,
                unfurl_media=False,
            )
            return None
        if kind is OutboxKind.DM:
            opened = self.client.conversations_open(users=payload["user"])
            self.client.chat_postMessage(
                channel=opened["channel"]["id"], text=payload["text"], blocks=payload.get("blocks"), unfurl_links=False
            )
            return None
        raise ValueError(f"unknown outbox kind {kind!r}")

    def _find_posted_card(self, case_id: int) -> tuple[str, str] | None:
        """After a crash mid-post: the card may be in the channel already."""
        history = self.client.conversations_history(channel=self.channel, include_all_metadata=True, limit=200)
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and metadata.get("event_payload", {}).get("case_id") == case_id:
                return self.channel, message["ts"]
        return None

    def _pace(self) -> None:
        """Stay within Slack's per-channel rate of about one message a second."""
        wait = self._last_post + self.post_interval_seconds - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_post = time.monotonic()


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _retry_delay(exc: SlackApiError, attempts: int) -> timedelta:
    response = exc.response
    if response is not None and (response.status_code == 429 or response.get("error") == "ratelimited"):
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after")
        try:
            return timedelta(seconds=max(float(retry_after), 1.0))
        except (TypeError, ValueError):
            return timedelta(seconds=30)
    return _backoff(attempts)
