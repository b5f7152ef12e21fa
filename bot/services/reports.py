"""Once-only markers for reports, across replicas: one digest per period, one spike alert per key per day, one
low-precision warning per source until it recovers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import Base, DigestRun, SpikeAlert


def _insert_once(session: Session, model: type[Base], **values: Any) -> bool:
    """True if this row is new; False if it exists (or a concurrent transaction just wrote it)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING rather than rowcount: psycopg reports -1 for this statement.
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
    return session.execute(statement.returning(*model.__mapper__.primary_key)).first() is not None


def claim_digest_period(*, session: Session, period_end: datetime, now: datetime) -> bool:
    return _insert_once(session, DigestRun, period_end=period_end, posted_at=now)


def digest_overlapping(*, session: Session, period_end: datetime, period: timedelta) -> datetime | None:
    """The end of a posted digest whose period overlaps [period_end - period, period_end), the latest if several."""
    return session.scalar(
        select(DigestRun.period_end)
        .where(DigestRun.period_end > period_end - period, DigestRun.period_end < period_end + period)
        .order_by(DigestRun.period_end.desc())
        .limit(1)
    )


def claim_spike_alert(*, session: Session, key: str, day: str, now: datetime) -> bool:
    return _insert_once(session, SpikeAlert, key=key, day=day, alerted_at=now)


# A low-precision warning is a spike_alerts row under its own key (no new table): there while the source is below its floor.
PRECISION_MARKER = "floor"  # the day column holds 10 characters


def _precision_key(source: str) -> str:
    return f"precision {source}"[:300]


def claim_precision_warning(*, session: Session, source: str, now: datetime) -> bool:
    """True once when a source falls below its precision floor; False while the warning stands."""
    return _insert_once(session, SpikeAlert, key=_precision_key(source), day=PRECISION_MARKER, alerted_at=now)


def clear_precision_warning(*, session: Session, source: str) -> None:
    """The source is back above its floor: a later fall warns again."""
    session.execute(delete(SpikeAlert).where(SpikeAlert.key == _precision_key(source), SpikeAlert.day == PRECISION_MARKER))
