"""Outbox rows: Slack writes decided in a transaction, performed after it commits (by bot/slack/delivery.py).

A row is taken with a conditional UPDATE, so two drainers never send the same
row; a crash between taking and marking leaves it "started" until its lease
runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import Case, OutboxMessage
from bot.db.session import rows_changed
from bot.domain.enums import OutboxKind
from bot.domain.views import CaseView
from bot.services.bulk import insert_all
from bot.services.events import record_event
from bot.services.views import case_view


@dataclass(frozen=True)
class Taken:
    """A row this drainer now holds; `look_first` when an earlier attempt may have reached Slack (a crash, a timeout)."""

    id: int
    kind: OutboxKind
    case_id: int | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    look_first: bool


@dataclass(frozen=True)
class WaitingCard:
    """A new card no drainer has taken yet."""

    row_id: int
    attempts: int
    created_at: datetime
    case: CaseView


def enqueue(*, session: Session, case_id: int | None, kind: OutboxKind, at: datetime, **payload: Any) -> None:
    session.add(OutboxMessage(case_id=case_id, kind=kind, payload=payload, created_at=at, not_before=at))


def enqueue_all(*, session: Session, messages: Sequence[tuple[int | None, OutboxKind, dict[str, Any]]], at: datetime) -> None:
    """Many rows (case id, kind, payload) in a few statements: a burst of new cards."""
    rows = [
        {"case_id": case_id, "kind": kind, "payload": payload, "created_at": at, "not_before": at, "attempts": 0}
        for case_id, kind, payload in messages
    ]
    insert_all(session=session, model=OutboxMessage, rows=rows)


def _free(now: datetime, lease: timedelta) -> ColumnElement[bool]:
    return or_(OutboxMessage.started_at.is_(None), OutboxMessage.started_at < now - lease)


def due_ids(*, session: Session, now: datetime, lease: timedelta, case_id: int | None, limit: int, after: int = 0) -> list[int]:
    """Due rows in the order they were queued, `limit` at a time, from the one after `after`."""
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.id > after, OutboxMessage.sent_at.is_(None), OutboxMessage.not_before <= now, _free(now, lease))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    return list(session.scalars(query))


def take(*, session: Session, row_id: int, now: datetime, lease: timedelta) -> Taken | None:
    """Take the row for this drainer; None if another drainer has it or it was sent."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        return None
    was_started = row.started_at is not None
    taken = rows_changed(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.sent_at.is_(None), _free(now, lease))
        .values(started_at=now, attempts=OutboxMessage.attempts + 1)
    )
    if taken != 1:
        return None
    session.refresh(row)
    return Taken(row.id, OutboxKind(row.kind), row.case_id, dict(row.payload), row.attempts, row.created_at, was_started or row.attempts > 1)


def release(*, session: Session, row_id: int, not_before: datetime, error: str | None, count_attempt: bool = True) -> None:
    """Back to the queue, to be tried again from `not_before`."""
    values: dict[str, Any] = {"started_at": None, "not_before": not_before}
    if error is not None:
        values["last_error"] = error
    if not count_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


def mark_sent(*, session: Session, row_ids: list[int], now: datetime) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(row_ids)).values(sent_at=now, last_error=None))


def card_location(*, session: Session, case_id: int) -> tuple[CaseView, str | None, str | None] | None:
    """The case as it is now, and where its card is (channel, ts), if it was posted."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    return case_view(case), case.channel_id, case.message_ts


def card_on_its_way(*, session: Session, case_id: int) -> bool:
    """The case's card is queued and nothing has gone wrong with it yet (it was not summarised, and no post failed)."""
    pending = select(OutboxMessage.id).where(
        OutboxMessage.case_id == case_id,
        OutboxMessage.kind == OutboxKind.POST_CARD,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.last_error.is_(None),
    )
    return session.scalar(pending.limit(1)) is not None


def record_post(*, session: Session, case_id: int, channel: str, ts: str, now: datetime) -> None:
    session.execute(update(Case).where(Case.id == case_id).values(channel_id=channel, message_ts=ts, posted_at=now))
    record_event(session=session, case_id=case_id, actor="bot", action="posted", at=now, channel=channel, ts=ts)


def waiting_cards(*, session: Session, now: datetime) -> list[WaitingCard]:
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.created_at, Case)
        .join(Case, Case.id == OutboxMessage.case_id)
        .where(
            OutboxMessage.kind == OutboxKind.POST_CARD,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.started_at.is_(None),
            OutboxMessage.not_before <= now,
        )
    ).all()
    return [WaitingCard(row_id, attempts, created_at, case_view(case)) for row_id, attempts, created_at, case in rows]


def record_summarised(*, session: Session, case_ids: list[int], now: datetime) -> None:
    for case_id in case_ids:
        record_event(session=session, case_id=case_id, actor="bot", action="summarised", at=now)
