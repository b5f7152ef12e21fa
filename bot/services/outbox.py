"""Outbox rows: Slack writes decided in a transaction, performed after it commits (by bot/slack/delivery.py).

Rows are taken in batches with one conditional UPDATE, so two drainers never send
the same row; a crash between taking and marking leaves a row "started" until its
lease runs out. Rows Slack never sees (cards folded into a burst summary or a burst's
incident, urgent DMs folded into an incident's one DM) are settled in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseEvent, MentionRecord, OutboxMessage
from bot.domain.enums import OutboxKind
from bot.domain.outbox import IncidentNote, PostCard, PostIncident, QueuedMessage, ThreadNote, UnreadableMessage, UpdateIncident, read_message
from bot.domain.views import CaseView
from bot.services.bulk import insert_all
from bot.services.events import record_event
from bot.services.views import case_view

# Ids per IN (...) list: well inside every driver's limit on bound parameters.
IN_LIST = 5_000


@dataclass(frozen=True)
class Taken:
    """A row this drainer now holds; `look_first` when an earlier attempt may have reached Slack (a crash, a timeout)."""

    id: int
    case_id: int | None
    message: QueuedMessage
    attempts: int
    created_at: datetime
    look_first: bool

    @property
    def kind(self) -> OutboxKind:
        return self.message.kind


@dataclass(frozen=True)
class Unreadable:
    """A row taken that this version cannot read (see bot/domain/outbox.py): set aside, never sent, never a crash."""

    id: int
    case_id: int | None
    error: str


@dataclass(frozen=True)
class CardAddress:
    """Where a case's card is: `ts` is None until it is posted."""

    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class WaitingCard:
    """A new card no drainer has taken yet, with what a burst summary ranks and counts it by (not its whole case:
    a burst has thousands, and the summary lists a few: `case_views`)."""

    row_id: int
    attempts: int
    created_at: datetime
    case_id: int
    severity: str
    score: float
    topics: tuple[str, ...]
    source_name: str


def enqueue(*, session: Session, case_id: int | None, message: QueuedMessage, at: datetime) -> OutboxMessage:
    """A note for the card's thread of a case with no card (summarised or folded in a burst) brings its card out first:
    someone is working on the case now, and the note (a draft and its buttons, a claim) needs the thread."""
    if isinstance(message, ThreadNote) and case_id is not None and not _has_card(session, case_id):
        enqueue(session=session, case_id=case_id, message=PostCard(), at=at)
    row = OutboxMessage(case_id=case_id, kind=message.kind, payload=message.payload(), created_at=at, not_before=at)
    session.add(row)
    return row


def _queued_earlier(session: Session, kind: str, incident_id: int) -> OutboxMessage | None:
    """The row of this `kind` for the incident that this transaction queued, if any: no drainer can have taken it yet
    (it is not committed), so it can still carry what a later row of the same transaction would."""
    transaction = session.get_transaction() or session.begin()  # begun here if nothing else began it: never None
    queued: dict[tuple[str, int], tuple[object, OutboxMessage]] = session.info.setdefault("incident_rows", {})
    earlier = queued.get((kind, incident_id))
    return earlier[1] if earlier is not None and earlier[0] is transaction else None


def _remember(session: Session, kind: str, incident_id: int, row: OutboxMessage) -> None:
    session.info.setdefault("incident_rows", {})[kind, incident_id] = (session.get_transaction(), row)


def enqueue_timeline(*, session: Session, incident_id: int, text: str, at: datetime) -> None:
    """A line of an incident's timeline, in its card's thread. The lines one transaction writes (a burst's "opened",
    "added 9,330 cases", "escalated") go out as one message: one post against the channel's one a second, not three."""
    row = _queued_earlier(session, "timeline", incident_id)
    if row is not None:
        row.payload = {**row.payload, "text": f"{row.payload['text']}\n{text}"}
        return
    _remember(session, "timeline", incident_id, enqueue(session=session, case_id=None, message=IncidentNote(incident_id=incident_id, text=text), at=at))


def enqueue_incident_card(*, session: Session, message: PostIncident | UpdateIncident, at: datetime) -> None:
    """The incident's card posted, or redrawn. A card is drawn when its row is sent, from the state then: a redraw
    this transaction already queued the post or a redraw for (a burst's cases added, then its escalation) would draw
    the same card again, one more chat.update for nothing, so it is not queued."""
    earlier = _queued_earlier(session, "card", message.incident_id)
    if earlier is not None and isinstance(message, UpdateIncident):
        return
    _remember(session, "card", message.incident_id, enqueue(session=session, case_id=None, message=message, at=at))


def enqueue_all(*, session: Session, messages: Sequence[tuple[int | None, QueuedMessage]], at: datetime) -> None:
    """Many rows (case id, message) in a few statements: a burst of new cards."""
    rows = [
        {"case_id": case_id, "kind": message.kind, "payload": message.payload(), "created_at": at, "not_before": at, "attempts": 0}
        for case_id, message in messages
    ]
    insert_all(session=session, model=OutboxMessage, rows=rows)


def _free(now: datetime, lease: timedelta) -> ColumnElement[bool]:
    return or_(OutboxMessage.started_at.is_(None), OutboxMessage.started_at < now - lease)


def _due(now: datetime, lease: timedelta) -> ColumnElement[bool]:
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.not_before <= now, _free(now, lease))


def take_due(
    *, session: Session, now: datetime, lease: timedelta, case_id: int | None, limit: int, after: int = 0
) -> list[Taken | Unreadable]:
    """Take up to `limit` due rows for this drainer, in the order they were queued from the one after `after`: one
    UPDATE sets their leases and returns them. Two drainers never hold the same row: the UPDATE checks again that each
    row is still free (on PostgreSQL, whose subquery may have read before another drainer's commit, rows another
    drainer is taking are skipped; on SQLite the statement runs under the database's single write lock)."""
    due = select(OutboxMessage.id).where(OutboxMessage.id > after, _due(now, lease)).order_by(OutboxMessage.id).limit(limit)
    if case_id is not None:
        due = due.where(OutboxMessage.case_id == case_id)
    chosen = due.scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        # Evaluated once (MATERIALIZED): run again for each row, the subquery would skip the rows this UPDATE has just
        # changed as locked and go on to the next ones, past the limit.
        chosen = select(due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED").c.id).scalar_subquery()
    taken = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen), _due(now, lease))
        .values(started_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id, OutboxMessage.case_id, OutboxMessage.kind, OutboxMessage.payload, OutboxMessage.attempts, OutboxMessage.created_at)
        .execution_options(synchronize_session=False)
    ).all()
    return [_read(*row) for row in sorted(taken, key=lambda row: row[0])]


def _read(row_id: int, case_id: int | None, kind: str, payload: dict[str, Any], attempts: int, created_at: datetime) -> Taken | Unreadable:
    try:
        message = read_message(kind, payload)
    except UnreadableMessage as exc:
        return Unreadable(row_id, case_id, str(exc))
    # Taken before (a crash, a timeout, a failure): that attempt may have reached Slack, so the retry looks first.
    return Taken(row_id, case_id, message, attempts, created_at, look_first=attempts > 1)


def take_rows(*, session: Session, row_ids: Sequence[int], now: datetime, lease: timedelta) -> set[int]:
    """Take these rows (those still free) in one UPDATE; the ids of the ones taken."""
    taken: set[int] = set()
    for start in range(0, len(row_ids), IN_LIST):
        chunk = row_ids[start : start + IN_LIST]
        taken.update(
            session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(chunk), OutboxMessage.sent_at.is_(None), _free(now, lease))
                .values(started_at=now, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
    return taken


def release(*, session: Session, row_ids: Sequence[int], not_before: datetime, error: str | None, count_attempt: bool = True) -> None:
    """Back to the queue, to be tried again from `not_before`."""
    values: dict[str, Any] = {"started_at": None, "not_before": not_before}
    if error is not None:
        values["last_error"] = error
    if not count_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    for start in range(0, len(row_ids), IN_LIST):
        chunk = row_ids[start : start + IN_LIST]
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(chunk)).values(**values).execution_options(synchronize_session=False))


def mark_sent(*, session: Session, row_ids: Sequence[int], now: datetime) -> None:
    for start in range(0, len(row_ids), IN_LIST):
        chunk = row_ids[start : start + IN_LIST]
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(chunk)).values(sent_at=now, last_error=None).execution_options(synchronize_session=False)
        )


def card_address(*, session: Session, case_id: int) -> CardAddress | None:
    """Where the case's card is (two columns, no mentions loaded); None if there is no such case."""
    found = session.execute(select(Case.channel_id, Case.message_ts).where(Case.id == case_id)).one_or_none()
    return None if found is None else CardAddress(*found)


def case_now(*, session: Session, case_id: int) -> CaseView | None:
    """The case as it is now, to render its card."""
    case = session.get(Case, case_id)
    return None if case is None else case_view(case)


def _unsent_card(case_id: int) -> Select[int]:
    return select(OutboxMessage.id).where(OutboxMessage.case_id == case_id, OutboxMessage.kind == OutboxKind.POST_CARD, OutboxMessage.sent_at.is_(None))


def _has_card(session: Session, case_id: int) -> bool:
    """Posted, or its post is queued (failing or not): one round trip."""
    posted = select(Case.id).where(Case.id == case_id, Case.message_ts.is_not(None))
    return bool(session.scalar(select(or_(posted.exists(), _unsent_card(case_id).exists()))))


def fold(*, session: Session, case_ids: Sequence[int], kinds: Sequence[OutboxKind], reason: str, now: datetime) -> list[tuple[int, dict[str, Any]]]:
    """Settle unsent the rows of these kinds about these cases that no drainer has taken: something else stands for them
    (`reason`, kept as the row's last error). Returns their (case id, payload)."""
    folded: list[tuple[int, dict[str, Any]]] = []
    for start in range(0, len(case_ids), IN_LIST):
        waiting = (
            OutboxMessage.case_id.in_(case_ids[start : start + IN_LIST]),
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.started_at.is_(None),
        )
        settled = update(OutboxMessage).where(*waiting).values(sent_at=now, last_error=reason).returning(OutboxMessage.case_id, OutboxMessage.payload)
        folded += [(case_id, payload) for case_id, payload in session.execute(settled.execution_options(synchronize_session=False))]
    return folded


def card_on_its_way(*, session: Session, case_id: int) -> bool:
    """The case's card is queued and nothing has gone wrong with it yet (it was not summarised, and no post failed)."""
    return session.scalar(_unsent_card(case_id).where(OutboxMessage.last_error.is_(None)).limit(1)) is not None


def record_post(*, session: Session, case_id: int, channel: str, ts: str, now: datetime) -> None:
    session.execute(update(Case).where(Case.id == case_id).values(channel_id=channel, message_ts=ts, posted_at=now))
    record_event(session=session, case_id=case_id, actor="bot", action="posted", at=now, channel=channel, ts=ts)


def _waiting(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        OutboxMessage.kind == OutboxKind.POST_CARD,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.started_at.is_(None),
        OutboxMessage.not_before <= now,
    )


def waiting_card_count(*, session: Session, now: datetime) -> int:
    """How many cards `waiting_cards` would return, without loading their cases: every drain asks."""
    return session.scalar(select(func.count(OutboxMessage.id)).join(Case, Case.id == OutboxMessage.case_id).where(*_waiting(now))) or 0


def waiting_cards(*, session: Session, now: datetime) -> list[WaitingCard]:
    """One query, columns only: the case's, and those of the mention that opened it (its first; the rows of any
    that joined it later are passed over)."""
    rows = session.execute(
        select(
            OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.created_at, Case.id, Case.severity, MentionRecord.score, Case.topics,
            MentionRecord.source_name,
        )
        .join(Case, Case.id == OutboxMessage.case_id)
        .join(MentionRecord, MentionRecord.case_id == Case.id)
        .where(*_waiting(now))
        .order_by(OutboxMessage.id, MentionRecord.id)
    ).all()
    cards: dict[int, WaitingCard] = {}
    for row_id, attempts, created_at, case_id, severity, score, topics, source_name in rows:
        if row_id not in cards:
            cards[row_id] = WaitingCard(row_id, attempts, created_at, case_id, severity, score, tuple(topics or ()), source_name)
    return list(cards.values())


def case_views(*, session: Session, case_ids: Sequence[int]) -> list[CaseView]:
    """The cases' views, in the order of `case_ids`."""
    cases = {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    return [case_view(cases[case_id]) for case_id in case_ids]


def record_summarised(*, session: Session, case_ids: Sequence[int], now: datetime) -> None:
    rows = [{"case_id": case_id, "actor": "bot", "action": "summarised", "at": now, "details": {}} for case_id in case_ids]
    insert_all(session=session, model=CaseEvent, rows=rows)
