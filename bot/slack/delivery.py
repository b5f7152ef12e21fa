"""Delivers the outbox to Slack: every card, update, thread note and DM decided in a transaction.

Due rows are taken a batch at a time (bot/services/outbox.py: one UPDATE sets their
leases), sent, then marked sent. A batch is split into lanes, one per place its messages
go (the triage channel, each person's DM, ...), sent side by side: a DM waiting for its
channel's one-a-second pace holds up no card, and in a lane the order of queueing holds.
A crash between taking and marking leaves a row "started"; once its lease runs out it is
taken again, and the retry first looks for the message where it would be (channel
history, the card's thread, the DM) by the metadata it carries (bot/slack/posting.py):
a crash or a timeout may hide a post Slack carried out, so nothing is posted twice.
No row is sent once half its lease has gone by: it goes back for the next batch, so no
other drainer can take a row this one may still send.
An update re-renders the card from the current state, so repeating one changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import session_scope
from bot.domain.outbox import PostCard
from bot.services import outbox
from bot.services.outbox import Taken, Unreadable
from bot.slack.burst import BurstSummary
from bot.slack.posting import Deferred, PastTheLease, Poster, retry_after
from bot.slack.sending import Sender

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
# A row deferred (its card not posted yet) or put back because its channel is closed for now.
LATER = timedelta(seconds=5)
BATCH = 200
# Lanes sent side by side: the triage channel, and a few people's DMs.
LANES = 4


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)
    _counting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def failure(self, error: str) -> None:
        with self._counting:
            self.failed += 1
            self.errors.append(error)

    def count(self, *, sent: int = 0, deferred: int = 0) -> None:
        with self._counting:
            self.sent += sent
            self.deferred += deferred


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
        self.sessions = sessions
        self.client = client
        self.channel = channel
        self.clock = clock
        self._stopping = threading.Event()
        self.poster = Poster(client, post_interval_seconds=post_interval_seconds, stopping=self._stopping)
        self.sender = Sender(sessions=sessions, client=client, channel=channel, poster=self.poster, clock=clock)
        self.burst = BurstSummary(
            sessions=sessions, client=client, channel=channel, clock=clock, poster=self.poster, lease=lease, threshold=burst_threshold, cards=burst_cards
        )

    def stop(self) -> None:
        """Shutting down: no new message goes out (one already sent is marked); the rest stays in the outbox."""
        self._stopping.set()

    def drain(self, *, case_id: int | None = None) -> DrainReport:
        """Send everything that is due, a batch at a time, in the order it was queued."""
        report = DrainReport()
        if case_id is None and not self._stopping.is_set():
            self.burst.summarise(report)
        after = 0
        while not self._stopping.is_set():
            with session_scope(self.sessions) as session:
                batch = outbox.take_due(session=session, now=self.clock(), lease=self.lease, case_id=case_id, limit=BATCH, after=after)
            if not batch:
                break
            put_back = self._deliver_batch(batch, report)
            # Rows put back unsent (half their lease gone) come round again in this drain; rows after them were sent or wait.
            after = min(put_back) - 1 if put_back else batch[-1].id
        return report

    def _deliver_batch(self, batch: list[Taken | Unreadable], report: DrainReport) -> list[int]:
        """Every lane of the batch side by side; the ids of the rows put back unsent."""
        send_by = time.monotonic() + self.lease.total_seconds() / 2
        lanes: dict[str, list[Taken]] = defaultdict(list)
        for row in batch:
            if isinstance(row, Unreadable):
                self._set_aside(row, report)
            else:
                lanes[self.sender.lane(row)].append(row)
        # A DM that links to its card waits for the card's post in this batch (in another lane) to be over.
        cards = {row.case_id: threading.Event() for rows in lanes.values() for row in rows if isinstance(row.message, PostCard)}
        # Lanes with cards start first: a lane waiting for a card must never hold the only free thread.
        ordered = sorted(lanes.values(), key=lambda rows: not any(isinstance(row.message, PostCard) for row in rows))
        put_back: list[int] = []
        if len(ordered) == 1:
            put_back = self._deliver_lane(ordered[0], report, send_by, cards)
        else:
            with ThreadPoolExecutor(max_workers=min(LANES, len(ordered)), thread_name_prefix="outbox") as pool:
                for unsent in pool.map(lambda rows: self._deliver_lane(rows, report, send_by, cards), ordered):
                    put_back += unsent
        return put_back

    def _deliver_lane(self, rows: list[Taken], report: DrainReport, send_by: float, cards: dict[int | None, threading.Event]) -> list[int]:
        """The lane's rows in order; those not sent once half the lease is gone (or when stopping) go back, unsent."""
        for n, row in enumerate(rows):
            card = cards.get(row.case_id) if self.sender.waits_for_card(row) else None
            if card is not None:
                card.wait(max(send_by - time.monotonic(), 0.0))
            try:
                if self._stopping.is_set() or time.monotonic() > send_by:
                    raise PastTheLease()
                self._deliver(row, report, send_by)
            except PastTheLease:
                return self._put_back(rows[n:], cards, again=n > 0)
            finally:
                if isinstance(row.message, PostCard) and row.case_id in cards:
                    cards[row.case_id].set()
        return []

    def _put_back(self, rows: list[Taken], cards: dict[int | None, threading.Event], *, again: bool) -> list[int]:
        """Not attempted: back to the queue as they were (the attempt does not count). This drain takes them `again`
        with a fresh lease, unless the lane sent nothing (its channel closed for longer than a lease): then a later one."""
        again = again and not self._stopping.is_set()
        self._release([r.id for r in rows], delay=timedelta(0) if again else LATER, error=None, count_attempt=False)
        for r in rows:
            if r.case_id in cards:
                cards[r.case_id].set()
        return [r.id for r in rows] if again else []

    def _deliver(self, row: Taken, report: DrainReport, send_by: float) -> None:
        try:
            posted = self.sender.send(row, send_by)
        except PastTheLease:
            raise
        except Deferred:
            report.count(deferred=1)
            self._release([row.id], delay=LATER, error=None, count_attempt=False)
            return
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error") if exc.response is not None else str(exc)
            report.failure(f"{row.kind} case {row.case_id}: {error}")
            pause = retry_after(exc)
            self._release([row.id], delay=_backoff(row.attempts) if pause is None else timedelta(seconds=pause), error=error)
            log.warning("outbox %s for case %s failed: %s", row.kind, row.case_id, error)
            return
        except Exception as exc:  # network errors, timeouts: the row stays and is retried (looking first)
            report.failure(f"{row.kind} case {row.case_id}: {type(exc).__name__}")
            self._release([row.id], delay=_backoff(row.attempts), error=f"{type(exc).__name__}: {exc}")
            log.warning("outbox %s for case %s failed: %s", row.kind, row.case_id, exc)
            return
        with session_scope(self.sessions) as session:
            outbox.mark_sent(session=session, row_ids=[row.id], now=self.clock())
            if posted and row.case_id is not None:
                self._record_post(session, row.case_id, posted)
        report.count(sent=1)

    def _record_post(self, session: Session, case_id: int, posted: tuple[str, str]) -> None:
        outbox.record_post(session=session, case_id=case_id, channel=posted[0], ts=posted[1], now=self.clock())

    def _set_aside(self, row: Unreadable, report: DrainReport) -> None:
        """Never sent by this version, and no crash loop: it waits an hour (a newer replica may know it), its error on the row."""
        report.failure(f"outbox row {row.id}: {row.error}")
        log.error("outbox row %s (case %s) set aside: %s", row.id, row.case_id, row.error)
        self._release([row.id], delay=MAX_BACKOFF, error=row.error)

    def _release(self, row_ids: list[int], *, delay: timedelta, error: str | None, count_attempt: bool = True) -> None:
        with session_scope(self.sessions) as session:
            outbox.release(session=session, row_ids=row_ids, not_before=self.clock() + delay, error=error, count_attempt=count_attempt)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
