"""Delivers the outbox to Slack: every card, update, thread note and DM decided in a transaction.

A row is taken with a conditional UPDATE (so two drainers never send the same
row), sent, then marked sent. A crash between taking and marking leaves a row
"started"; once its lease runs out it is taken again. Every message posted
carries message metadata naming its outbox row (cards also their case), and a
retry first looks for it where it would be (channel history, the card's thread,
the DM) from the row's creation on: a crash or a timeout may hide a post Slack
carried out, so nothing is posted twice. An update re-renders the card from the
current state, so repeating one changes nothing.

The look-up trusts that Slack has finished (or dropped) a request by the time
its lease runs out: keep `outbox_lease_seconds` well above the Slack timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Case, OutboxMessage
from bot.db.session import session_scope
from bot.services.cases import record_event
from bot.services.views import case_view
from message_blocks.burst import burst_summary
from message_blocks.card import card_text, case_card
from message_blocks.views import CaseView

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
CARD_EVENT = "complaint_case"
MESSAGE_EVENT = "complaint_bot_message"
# Look-ups start this long before the row was created: the bot's clock and Slack's may differ.
CLOCK_SKEW = timedelta(minutes=10)
HISTORY_PAGE = 200
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


class Deferred(Exception):
    """Not sendable yet (e.g. a thread note before its card exists); try again shortly, no attempt counted."""


@dataclass(frozen=True)
class Delivery:
    """One taken row; `look_first`: an earlier attempt may have reached Slack."""

    row_id: int
    kind: str
    case_id: int | None
    payload: dict[str, Any]
    created_at: datetime
    look_first: bool

    def metadata(self) -> dict[str, Any]:
        if self.kind == "post_card":
            return {"event_type": CARD_EVENT, "event_payload": {"case_id": self.case_id, "outbox_ids": [self.row_id]}}
        return {"event_type": MESSAGE_EVENT, "event_payload": {"outbox_ids": [self.row_id]}}

    def delivered_by(self, metadata: dict[str, Any]) -> bool:
        """Is this message (by its metadata) this row's earlier attempt, or for a card any card of its case?"""
        payload = metadata.get("event_payload") or {}
        if self.row_id in (payload.get("outbox_ids") or []):
            return True
        return self.kind == "post_card" and metadata.get("event_type") == CARD_EVENT and payload.get("case_id") == self.case_id


def _due_ids(session: Session, now: datetime, lease: timedelta, case_id: int | None, limit: int, after: int) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.id > after,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.not_before <= now,
            or_(OutboxMessage.started_at.is_(None), OutboxMessage.started_at < now - lease),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    return list(session.scalars(query))


def _take(session: Session, row_id: int, now: datetime, lease: timedelta) -> tuple[OutboxMessage, bool] | None:
    """Take the row for this drainer, and say whether an earlier attempt was cut off; None if another drainer has it."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        return None
    was_started = row.started_at is not None
    taken = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.started_at.is_(None), OutboxMessage.started_at < now - lease),
        )
        .values(started_at=now, attempts=OutboxMessage.attempts + 1)
    )
    if taken.rowcount != 1:
        return None
    session.refresh(row)
    return row, was_started


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
        # Per channel, the monotonic time before which nothing more is sent there (pacing and Retry-After).
        self._channel_free_at: dict[str, float] = {}
        self._pacing = threading.Lock()
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Shutting down: no new message goes out (one already sent is marked); the rest stays in the outbox."""
        self._stopping.set()

    def drain(self, *, case_id: int | None = None, batch: int = 200) -> DrainReport:
        """Send everything that is due, a batch at a time, in the order it was queued."""
        report = DrainReport()
        if case_id is None and self.burst_threshold is not None and not self._stopping.is_set():
            self._summarise_burst(report)
        last_id = 0
        while not self._stopping.is_set():
            with session_scope(self.sessions) as session:
                ids = _due_ids(session, self.clock(), self.lease, case_id, batch, after=last_id)
            if not ids:
                break
            for row_id in ids:
                if self._stopping.is_set():
                    break
                self._deliver(row_id, report)
            last_id = ids[-1]
        return report

    def _deliver(self, row_id: int, report: DrainReport) -> None:
        with session_scope(self.sessions) as session:
            taken = _take(session, row_id, self.clock(), self.lease)
            if taken is None:
                return
            row, interrupted = taken
            # A retry may follow a call that Slack carried out but never answered (a crash, a timeout): look first.
            delivery = Delivery(row_id, row.kind, row.case_id, dict(row.payload), row.created_at, interrupted or row.attempts > 1)
            kind, case_id, attempts = row.kind, row.case_id, row.attempts
        try:
            result = self._send(delivery)
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
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(sent_at=self.clock(), last_error=None)
            )
            if result and case_id is not None:
                self._record_post(session, case_id, result)
        report.sent += 1

    def _summarise_burst(self, report: DrainReport) -> None:
        """Too many new cards at once: the most severe go out as cards, the rest in one summary."""
        now = self.clock()
        with session_scope(self.sessions) as session:
            waiting = session.execute(
                select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.created_at, Case)
                .join(Case, Case.id == OutboxMessage.case_id)
                .where(
                    OutboxMessage.kind == "post_card",
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.started_at.is_(None),
                    OutboxMessage.not_before <= now,
                )
            ).all()
            if len(waiting) <= self.burst_threshold:
                return
            ranked = sorted(waiting, key=lambda row: (SEVERITY_RANK.get(row[3].severity, 0), row[3].mention.score), reverse=True)
            summarised = [(row_id, case_view(case)) for row_id, _, _, case in ranked[self.burst_cards :]]
            taken = [(row_id, view) for row_id, view in summarised if _take(session, row_id, now, self.lease)]
            taken_ids = {row_id for row_id, _ in taken}
            # Rows an earlier summary attempt took: that summary may have reached Slack without an answer.
            retried = [(row_id, created) for row_id, attempts, created, _ in waiting if attempts > 0 and row_id in taken_ids]
        if not taken:
            return
        try:
            already = self._summarised_before(retried)
            self._mark_summarised([(row_id, view) for row_id, view in taken if row_id in already], now)
            taken = [(row_id, view) for row_id, view in taken if row_id not in already]
            if taken:
                self._to_channel(
                    self.channel,
                    self.client.chat_postMessage,
                    text=f"{len(taken) + self.burst_cards} new complaints arrived at once",
                    blocks=burst_summary([view for _, view in taken], posted_separately=min(self.burst_cards, len(waiting))),
                    unfurl_links=False,
                    metadata={"event_type": MESSAGE_EVENT, "event_payload": {"outbox_ids": [row_id for row_id, _ in taken]}},
                )
        except Exception as exc:  # the rows go back to the outbox; the attempt counts, so the next one looks first
            log.warning("burst summary failed: %s", exc)
            for row_id, _ in taken:
                self._release(row_id, delay=timedelta(seconds=30), error=f"burst summary: {exc}")
            report.failed += 1
            return
        if taken:
            self._mark_summarised(taken, now)
            report.sent += 1

    def _summarised_before(self, retried: list[tuple[int, datetime]]) -> set[int]:
        """Which of these rows a summary already in the channel covers."""
        if not retried:
            return set()
        since = min(created for _, created in retried)
        ids = {row_id for row_id, _ in retried}
        found: set[int] = set()
        for message in self._history(self.channel, None, since):
            found |= ids & set(((message.get("metadata") or {}).get("event_payload") or {}).get("outbox_ids") or [])
        return found

    def _mark_summarised(self, rows: list[tuple[int, CaseView]], now: datetime) -> None:
        if not rows:
            return
        with session_scope(self.sessions) as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([row_id for row_id, _ in rows])).values(sent_at=self.clock()))
            for _, view in rows:
                record_event(session=session, case_id=view.case_id, actor="bot", action="summarised", at=now)

    def _release(self, row_id: int, *, delay: timedelta, error: str | None, count_attempt: bool = True) -> None:
        values: dict[str, Any] = {"started_at": None, "not_before": self.clock() + delay}
        if error is not None:
            values["last_error"] = error
        if not count_attempt:
            values["attempts"] = OutboxMessage.attempts - 1
        with session_scope(self.sessions) as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))

    def _record_post(self, session: Session, case_id: int, posted: tuple[str, str]) -> None:
        channel, ts = posted
        now = self.clock()
        session.execute(
            update(Case).where(Case.id == case_id).values(channel_id=channel, message_ts=ts, posted_at=now)
        )
        record_event(session=session, case_id=case_id, actor="bot", action="posted", at=now, channel=channel, ts=ts)

    def _send(self, delivery: Delivery) -> tuple[str, str] | None:
        kind, case_id, payload = delivery.kind, delivery.case_id, delivery.payload
        if kind == "channel_message":  # about the channel as a whole, or a case re-surfaced at the bottom
            self._post_once(delivery, channel=self.channel, text=payload["text"], blocks=payload.get("blocks"), unfurl_links=False)
            return None
        with session_scope(self.sessions) as session:
            case = session.get(Case, case_id)
            if case is None:
                return None
            view = case_view(case)
            channel, ts = case.channel_id, case.message_ts
        if kind == "post_card":
            if ts:  # already posted (a duplicate row): nothing to do
                return None
            return self._post_once(
                delivery, channel=self.channel, text=card_text(view), blocks=case_card(view), unfurl_links=False, unfurl_media=False
            )
        if kind == "update_card":
            if ts:  # not posted yet: the post will render the current state anyway
                self._to_channel(channel, self.client.chat_update, post=False, ts=ts, text=card_text(view), blocks=case_card(view))
            return None
        if kind == "thread_note":
            if not ts:
                raise Deferred()
            self._post_once(
                delivery, channel=channel, thread_ts=ts, text=payload["text"], blocks=payload.get("blocks"),
                unfurl_links=False, unfurl_media=False,
            )
            return None
        if kind == "dm":
            opened = self.client.conversations_open(users=payload["user"])
            self._post_once(delivery, channel=opened["channel"]["id"], text=payload["text"], blocks=payload.get("blocks"), unfurl_links=False)
            return None
        raise ValueError(f"unknown outbox kind {kind!r}")

    def _post_once(self, delivery: Delivery, *, channel: str, thread_ts: str | None = None, **message: Any) -> tuple[str, str]:
        """Post, unless an earlier attempt of this row already did: its message carries the row's metadata."""
        if delivery.look_first:
            for earlier in self._history(channel, thread_ts, delivery.created_at):
                if delivery.delivered_by(earlier.get("metadata") or {}):
                    return channel, earlier["ts"]
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        response = self._to_channel(channel, self.client.chat_postMessage, metadata=delivery.metadata(), **message)
        return response["channel"], response["ts"]

    def _history(self, channel: str, thread_ts: str | None, since: datetime) -> Iterator[dict[str, Any]]:
        """Messages (with their metadata) posted to the channel, or the thread, since the row was created."""
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

    def _to_channel(self, channel: str, call: Callable[..., Any], *, post: bool = True, **arguments: Any) -> Any:
        """Posts keep to Slack's rate of about one a second per channel; a 429's Retry-After holds
        back every message to that channel, not only the one that was refused."""
        with self._pacing:
            start = max(time.monotonic(), self._channel_free_at.get(channel, 0.0))
            if post:
                self._channel_free_at[channel] = start + self.post_interval_seconds
        if self._stopping.wait(max(start - time.monotonic(), 0.0)):
            raise Deferred()
        try:
            return call(channel=channel, **arguments)
        except SlackApiError as exc:
            pause = _retry_after(exc)
            if pause is not None:
                with self._pacing:
                    self._channel_free_at[channel] = max(self._channel_free_at.get(channel, 0.0), time.monotonic() + pause)
            raise


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _retry_after(exc: SlackApiError) -> float | None:
    """Seconds Slack asked us to wait, if this was a rate limit."""
    response = exc.response
    if response is None or not (response.status_code == 429 or response.get("error") == "ratelimited"):
        return None
    retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after")
    try:
        return max(float(retry_after), 1.0)
    except (TypeError, ValueError):
        return 30.0


def _retry_delay(exc: SlackApiError, attempts: int) -> timedelta:
    pause = _retry_after(exc)
    return _backoff(attempts) if pause is None else timedelta(seconds=pause)
