"""The append-only history of each case: who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import CaseEvent
from bot.domain.views import EventView
from bot.services.views import view_of


def record_event(*, session: Session, case_id: int, actor: str, action: str, at: datetime, **details: Any) -> None:
    session.add(CaseEvent(case_id=case_id, actor=actor, action=action, at=at, details=details))


def history(*, session: Session, case_id: int) -> list[EventView]:
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
    return [view_of(EventView, e) for e in events]
