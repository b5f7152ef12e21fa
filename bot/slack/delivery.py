"""Delivers the outbox to Slack: every card, update, thread note and DM decided in a transaction.

A row is taken (bot/services/outbox.py), sent, then marked sent. A crash between
taking and marking leaves a row "started"; once its lease runs out it is taken
again, and the retry first looks for the message where it would be (channel
history, the card's thread, the DM) by the metadata it carries (bot/slack/posting.py):
a crash or a timeout may hide a post Slack carried out, so nothing is posted twice.
An update re-renders the card from the current state, so repeating one changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import session_scope
from bot.domain.enums import OutboxKind, Severity
from bot.services import outbox
from bot.services.outbox import Taken, WaitingCard
from bot.slack.digest_share import share_digest
from bot.slack.incident_delivery import INCIDENT_KINDS, IncidentDelivery
from bot.slack.permalinks import permalink
from bot.slack.posting import MESSAGE_EVENT, Deferred, Poster, outbox_ids, retry_after
from message_blocks.burst import burst_summary, burst_text
from message_blocks.card import card_text, case_card
from message_blocks.notes import card_link

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
BATCH = 200


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


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
        self._stopping = threading.Event()
        self.poster = Poster(client, post_interval_seconds=post_interval_seconds, stopping=self._stopping)
        self.incidents = IncidentDelivery(sessions=sessions, client=client, poster=self.poster, channel=channel, clock=clock)

    def stop(self) -> None:
        """Shutting down: no new message goes out (one already sent is marked); the rest stays in the outbox."""
        self._stopping.set()

    def drain(self, *, case_id: int | None = None) -> DrainReport:
        """Send everything that is due, a batch at a time, in the order it was queued."""
        report = DrainReport()
        if case_id is None and self.burst_threshold is not None and not self._stopping.is_set():
            self._summarise_burst(report)
        last_id = 0
        while not self._stopping.is_set():
            with session_scope(self.sessions) as session:
                ids = outbox.due_ids(session=session, now=self.clock(), lease=self.lease, case_id=case_id, limit=BATCH, after=last_id)
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
            row = outbox.take(session=session, row_id=row_id, now=self.clock(), lease=self.lease)
        if row is None:
            return
        try:
            posted = self._send(row)
        except Deferred:
            report.deferred += 1
            self._release(row.id, delay=timedelta(seconds=5), error=None, count_attempt=False)
            return
        except SlackApiError as exc:
            report.failed += 1
            error = exc.response.get("error", "unknown_error") if exc.response is not None else str(exc)
            report.errors.append(f"{row.kind} case {row.case_id}: {error}")
            pause = retry_after(exc)
            self._release(row.id, delay=_backoff(row.attempts) if pause is None else timedelta(seconds=pause), error=error)
            log.warning("outbox %s for case %s failed: %s", row.kind, row.case_id, error)
            return
        except Exception as exc:  # network errors, timeouts: the row stays and is retried (looking first)
            report.failed += 1
            report.errors.append(f"{row.kind} case {row.case_id}: {type(exc).__name__}")
            self._release(row.id, delay=_backoff(row.attempts), error=f"{type(exc).__name__}: {exc}")
            log.warning("outbox %s for case %s failed: %s", row.kind, row.case_id, exc)
            return
        with session_scope(self.sessions) as session:
            outbox.mark_sent(session=session, row_ids=[row.id], now=self.clock())
            if posted and row.case_id is not None:
                self._record_post(session, row.case_id, posted)
        report.sent += 1

    def _record_post(self, session: Session, case_id: int, posted: tuple[str, str]) -> None:
        outbox.record_post(session=session, case_id=case_id, channel=posted[0], ts=posted[1], now=self.clock())

    def _send(self, row: Taken) -> tuple[str, str] | None:
        """Returns where a new card now is; None for every other kind."""
        payload = row.payload
        if row.kind in INCIDENT_KINDS:
            self.incidents.send(row)
            return None
        if row.kind is OutboxKind.DIGEST:
            if not (row.look_first and self._digest_shared(payload["filename"], row.created_at)):
                self.poster.to_channel(self.channel, lambda channel: share_digest(self.client, channel, payload))
            return None
        if row.kind is OutboxKind.CHANNEL_MESSAGE:  # about the channel as a whole, or a case re-surfaced at the bottom
            self.poster.post_once(row, channel=self.channel, text=payload["text"], blocks=payload.get("blocks"), unfurl_links=False)
            return None
        if row.kind is OutboxKind.UPDATE_MESSAGE:
            self.poster.to_channel(payload["channel"], self.client.chat_update, post=False, ts=payload["ts"], text=payload["text"], blocks=payload["blocks"])
            return None
        if row.kind is OutboxKind.DM and not payload.get("link_card"):
            self._dm(row, payload.get("blocks"))
            return None
        if row.case_id is None:
            raise ValueError(f"outbox {row.kind} without a case")
        with session_scope(self.sessions) as session:
            found = outbox.card_location(session=session, case_id=row.case_id)
        if found is None:
            return None
        view, channel, ts = found
        if row.kind is OutboxKind.DM:
            self._dm(row, self._link_card(row.case_id, channel, ts, payload["blocks"]))
            return None
        if row.kind is OutboxKind.POST_CARD:
            if ts:  # already posted (a duplicate row): nothing to do
                return None
            return self.poster.post_once(
                row, channel=self.channel, text=card_text(view), blocks=case_card(view), unfurl_links=False, unfurl_media=False
            )
        if row.kind is OutboxKind.UPDATE_CARD:
            if ts:  # not posted yet: the post will render the current state anyway
                self.poster.to_channel(channel, self.client.chat_update, post=False, ts=ts, text=card_text(view), blocks=case_card(view))
            return None
        if row.kind is OutboxKind.THREAD_NOTE:
            if not ts:
                raise Deferred()
            self.poster.post_once(
                row, channel=channel, thread_ts=ts, text=payload["text"], blocks=payload.get("blocks"), unfurl_links=False, unfurl_media=False
            )
            return None
        raise ValueError(f"unknown outbox kind {row.kind!r}")

    def _digest_shared(self, filename: str, since: datetime) -> bool:
        """An earlier attempt may have shared the chart before it was cut off: its file is in the channel."""
        history = self.poster.history(self.channel, None, since)
        return any(file.get("name") == filename for message in history for file in message.get("files") or [])

    def _dm(self, row: Taken, blocks: list[dict[str, Any]] | None) -> None:
        opened = self.client.conversations_open(users=row.payload["user"])
        self.poster.post_once(row, channel=opened["channel"]["id"], text=row.payload["text"], blocks=blocks, unfurl_links=False)

    def _summarise_burst(self, report: DrainReport) -> None:
        """Too many new cards at once: the most severe go out as cards, the rest in one summary."""
        now = self.clock()
        with session_scope(self.sessions) as session:
            waiting = outbox.waiting_cards(session=session, now=now)
            if len(waiting) <= self.burst_threshold:  # type: ignore[operator]
                return
            ranked = sorted(waiting, key=lambda w: (Severity.parse(w.case.severity, Severity.LOW).rank, w.case.score), reverse=True)
            taken = [w for w in ranked[self.burst_cards :] if outbox.take(session=session, row_id=w.row_id, now=now, lease=self.lease)]
        if not taken:
            return
        try:
            # Rows an earlier summary attempt took: that summary may have reached Slack without an answer.
            already = self._summarised_before([w for w in taken if w.attempts > 0])
            self._mark_summarised([w for w in taken if w.row_id in already], now)
            taken = [w for w in taken if w.row_id not in already]
            if taken:
                self.poster.to_channel(
                    self.channel,
                    self.client.chat_postMessage,
                    text=burst_text(len(taken) + self.burst_cards),
                    blocks=burst_summary([w.case for w in taken], posted_separately=min(self.burst_cards, len(waiting))),
                    unfurl_links=False,
                    metadata={"event_type": MESSAGE_EVENT, "event_payload": {"outbox_ids": [w.row_id for w in taken]}},
                )
        except Exception as exc:  # the rows go back to the outbox; the attempt counts, so the next one looks first
            log.warning("burst summary failed: %s", exc)
            for w in taken:
                self._release(w.row_id, delay=timedelta(seconds=30), error=f"burst summary: {exc}")
            report.failed += 1
            return
        if taken:
            self._mark_summarised(taken, now)
            report.sent += 1

    def _summarised_before(self, retried: list[WaitingCard]) -> set[int]:
        """Which of these rows a summary already in the channel covers."""
        if not retried:
            return set()
        ids = {w.row_id for w in retried}
        since = min(w.created_at for w in retried)
        return {row_id for message in self.poster.history(self.channel, None, since) for row_id in ids & outbox_ids(message)}

    def _mark_summarised(self, rows: list[WaitingCard], now: datetime) -> None:
        if not rows:
            return
        with session_scope(self.sessions) as session:
            outbox.mark_sent(session=session, row_ids=[w.row_id for w in rows], now=self.clock())
            outbox.record_summarised(session=session, case_ids=[w.case.case_id for w in rows], now=now)

    def _release(self, row_id: int, *, delay: timedelta, error: str | None, count_attempt: bool = True) -> None:
        with session_scope(self.sessions) as session:
            outbox.release(session=session, row_id=row_id, not_before=self.clock() + delay, error=error, count_attempt=count_attempt)

    def _link_card(self, case_id: int, channel: str | None, ts: str | None, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A DM queued with its case, before the card was posted: wait for the card, then add its link."""
        if not ts:
            with session_scope(self.sessions) as session:
                if outbox.card_on_its_way(session=session, case_id=case_id):
                    raise Deferred()
            return blocks  # summarised in a burst, or its post is failing: the DM must not wait for it
        url = permalink(self.client, channel, ts)
        return blocks + [card_link(url)] if url else blocks


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
