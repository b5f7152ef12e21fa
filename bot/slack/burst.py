"""Too many new cards at once: the most severe go out as cards, the rest in one summary message.

The summarised rows never reach Slack one by one: they are taken, and settled once the
summary is posted, a few statements for thousands of rows. The summary carries their row
ids in its metadata, so a retry after a lost answer finds it instead of posting it again.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import session_scope
from bot.domain.enums import Severity
from bot.services import outbox
from bot.services.outbox import WaitingCard
from bot.slack.posting import MESSAGE_EVENT, Poster, outbox_ids
from message_blocks.burst import LISTED, burst_summary, burst_text

if TYPE_CHECKING:
    from bot.slack.delivery import DrainReport

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = timedelta(seconds=30)


class BurstSummary:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        channel: str,
        clock: Callable[[], datetime],
        poster: Poster,
        lease: timedelta,
        threshold: int | None,
        cards: int,
    ) -> None:
        self.sessions, self.client, self.channel, self.clock, self.poster = sessions, client, channel, clock, poster
        self.lease, self.threshold, self.cards = lease, threshold, cards

    def summarise(self, report: DrainReport) -> None:
        if self.threshold is None:
            return
        now = self.clock()
        with session_scope(self.sessions) as session:
            # Every drain asks: a count first, the cases (each with its mentions) only when there is a burst.
            if outbox.waiting_card_count(session=session, now=now) <= self.threshold:
                return
            waiting = outbox.waiting_cards(session=session, now=now)
            if len(waiting) <= self.threshold:
                return
            ranked = sorted(waiting, key=lambda w: (Severity.parse(w.severity, Severity.LOW).rank, w.score), reverse=True)
            folded = ranked[self.cards :]
            held = outbox.take_rows(session=session, row_ids=[w.row_id for w in folded], now=now, lease=self.lease)
        taken = [w for w in folded if w.row_id in held]
        if not taken:
            return
        try:
            # Rows an earlier summary attempt took: that summary may have reached Slack without an answer.
            already = self._summarised_before([w for w in taken if w.attempts > 0])
            self._settle([w for w in taken if w.row_id in already], now)
            taken = [w for w in taken if w.row_id not in already]
            if taken:
                with session_scope(self.sessions) as session:
                    listed = outbox.case_views(session=session, case_ids=[w.case_id for w in taken[:LISTED]])
                self.poster.to_channel(
                    self.channel,
                    self.client.chat_postMessage,
                    text=burst_text(len(taken) + self.cards),
                    blocks=burst_summary(
                        listed,
                        summarised=len(taken),
                        topics=Counter(topic for w in taken for topic in w.topics),
                        sources=Counter(w.source_name for w in taken),
                        posted_separately=min(self.cards, len(waiting)),
                    ),
                    unfurl_links=False,
                    metadata={"event_type": MESSAGE_EVENT, "event_payload": {"outbox_ids": [w.row_id for w in taken]}},
                )
        except Exception as exc:  # the rows go back to the outbox; the attempt counts, so the next one looks first
            log.warning("burst summary failed: %s", exc)
            with session_scope(self.sessions) as session:
                outbox.release(
                    session=session, row_ids=[w.row_id for w in taken], not_before=self.clock() + RETRY_AFTER_FAILURE, error=f"burst summary: {exc}"
                )
            report.failure(f"burst summary: {exc}")
            return
        if taken:
            self._settle(taken, now)
            report.count(sent=1)

    def _summarised_before(self, retried: list[WaitingCard]) -> set[int]:
        """Which of these rows a summary already in the channel covers."""
        if not retried:
            return set()
        ids = {w.row_id for w in retried}
        since = min(w.created_at for w in retried)
        return {row_id for message in self.poster.history(self.channel, None, since) for row_id in ids & outbox_ids(message)}

    def _settle(self, rows: list[WaitingCard], now: datetime) -> None:
        """Marked sent, and each case's history says it was summarised: in bulk."""
        if not rows:
            return
        with session_scope(self.sessions) as session:
            outbox.mark_sent(session=session, row_ids=[w.row_id for w in rows], now=self.clock())
            outbox.record_summarised(session=session, case_ids=[w.case_id for w in rows], now=now)
