"""Inserting many rows in a few statements, knowing their ids.

SQLAlchemy can return ids in parameter order only row by row on SQLite (and
slowly on PostgreSQL), so the ids are taken first and the rows inserted with
them: PostgreSQL hands out a block of its sequence in one query; on SQLite the
first row's insert takes the database's single write lock, after which the ids
that follow it are this transaction's alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Base

# Rows per INSERT statement: well under both databases' limits on bound parameters.
CHUNK = 1000


def insert_numbered(*, session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (dicts of column values, without ids; each gets its "id") and return the new ids, in order."""
    if not rows:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        ids = list(session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))))
        rest = rows
    else:
        first = session.connection().execute(table.insert().returning(table.c.id), rows[0]).scalar_one()
        ids, rest = list(range(first, first + len(rows))), rows[1:]
    for row, id_ in zip(rows, ids):
        row["id"] = id_
    insert_all(session=session, model=model, rows=rest)
    return ids


def insert_all(*, session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Core executemany (the ORM's bulk path adds nothing here but time), a chunk at a time."""
    connection, table = session.connection(), model.__table__
    for start in range(0, len(rows), CHUNK):
        connection.execute(table.insert(), list(rows[start : start + CHUNK]))
