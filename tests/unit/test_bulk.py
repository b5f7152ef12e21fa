"""Bulk rows (COPY on PostgreSQL, executemany on SQLite) read back exactly as rows inserted one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.db.models import Case, CaseEvent, OutboxMessage
from bot.db.session import session_scope
from bot.runtime import Runtime
from bot.services.bulk import insert_all, insert_numbered

AT = datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=UTC)
CASE = {"status": "open", "severity": "high", "topics": ["billing", "é"], "troll": True, "detected_at": AT}


def columns(row: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(row).items() if not k.startswith("_") and k not in ("id", "case_id", "mentions")}


def test_bulk_rows_read_back_as_single_inserts(runtime: Runtime) -> None:
    event = {"actor": "bot", "action": "detected", "at": AT, "details": {"score": 0.5, "source": "tab\\t, quote ' and\nnewline"}}
    message = {"kind": "post_card", "payload": {"blocks": [{"text": "ü"}]}, "created_at": AT, "not_before": AT, "attempts": 0}
    with session_scope(runtime.sessions) as session:
        session.execute(insert(Case), [dict(CASE)])
        session.execute(insert(CaseEvent), [{**event, "case_id": 1}])
        session.execute(insert(OutboxMessage), [{**message, "case_id": 1}])
        [bulk_case] = insert_numbered(session=session, model=Case, rows=[dict(CASE)])
        insert_all(session=session, model=CaseEvent, rows=[{**event, "case_id": bulk_case}])
        insert_all(session=session, model=OutboxMessage, rows=[{**message, "case_id": bulk_case}])
    with session_scope(runtime.sessions) as session:
        for model in (Case, CaseEvent, OutboxMessage):
            single, bulk = session.scalars(select(model).order_by(model.id)).all()
            assert columns(single) == columns(bulk)


def test_each_row_keeps_its_own_timestamp_when_rows_share_some(runtime: Runtime) -> None:
    # A timestamp is converted once per distinct value: rows that share one must not lend it to the others.
    later, same_instant_elsewhere = AT + timedelta(seconds=1), AT.astimezone(timezone(timedelta(hours=5)))
    times = [AT, later, same_instant_elsewhere, None, AT]
    rows = [{"kind": "dm", "payload": {}, "created_at": AT, "not_before": at or later, "sent_at": at, "attempts": 0} for at in times]
    with session_scope(runtime.sessions) as session:
        insert_all(session=session, model=OutboxMessage, rows=rows)
    with session_scope(runtime.sessions) as session:
        read = session.execute(select(OutboxMessage.not_before, OutboxMessage.sent_at).order_by(OutboxMessage.id)).all()
    assert [tuple(row) for row in read] == [(at or later, at) for at in times]


def test_ids_are_handed_out_in_order_after_the_ones_taken(runtime: Runtime) -> None:
    with session_scope(runtime.sessions) as session:
        first = insert_numbered(session=session, model=Case, rows=[dict(CASE) for _ in range(3)])
        second = insert_numbered(session=session, model=Case, rows=[dict(CASE) for _ in range(2500)])
    assert first == [1, 2, 3] and second == list(range(4, 2504))
    with session_scope(runtime.sessions) as session:
        assert session.scalars(select(Case.id).order_by(Case.id)).all() == first + second


def test_bulk_rows_must_give_the_columns_an_insert_would_default(runtime: Runtime) -> None:
    with session_scope(runtime.sessions) as session, pytest.raises(ValueError, match=r"outbox rows leave out \['attempts'\]"):
        insert_all(session=session, model=OutboxMessage, rows=[{"kind": "dm", "payload": {}, "created_at": AT, "not_before": AT}])
