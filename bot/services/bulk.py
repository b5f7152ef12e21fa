"""Many rows in a few statements: inserted knowing their ids, and looked up through one JSON parameter.

SQLAlchemy can return ids in parameter order only row by row on SQLite (and
slowly on PostgreSQL), so the ids are taken first and the rows inserted with
them: PostgreSQL hands out a block of its sequence in one query; on SQLite the
first row's insert takes the database's single write lock, after which the ids
that follow it are this transaction's alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Dialect, String, Table, cast, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.db.models import Base, UTCDateTime


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # every model here maps one table
    return table


def insert_numbered(*, session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (dicts of column values, without ids; each gets its "id") and return the new ids, in order."""
    if not rows:
        return []
    table = _table(model)
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
    """Rows (each with the same columns, defaults included) through the driver's own bulk path, each value
    converted by its column's type as an INSERT would: COPY on PostgreSQL, executemany on SQLite. A burst's
    tens of thousands of rows cost a third of what SQLAlchemy's executemany takes."""
    if not rows:
        return
    connection, table = session.connection(), _table(model)
    names = list(rows[0])
    left_out = [column.name for column in table.columns if column.default is not None and column.name not in names]
    if left_out:
        raise ValueError(f"{table.name} rows leave out {left_out}: bulk rows get no Python-side defaults")
    converters = [_converter(table.c[name], connection.dialect) for name in names]
    values = ([value if convert is None else convert(value) for convert, value in zip(converters, map(row.__getitem__, names))] for row in rows)
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection has its driver's
    cursor = driver.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", values)
    finally:
        cursor.close()


def _converter(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's conversion of a value for the driver, done once per distinct value for a timestamp (a batch's
    rows share their `now`; it costs more than the rest of a row's conversions together) and for None (JSON's null)."""
    convert = column.type.dialect_impl(dialect).bind_processor(dialect)
    if convert is None:
        return None
    every_value = isinstance(column.type, UTCDateTime)
    done: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        if not (every_value or value is None):
            return convert(value)
        if value not in done:
            done[value] = convert(value)
        return done[value]

    return once


def listed(session: Session, keys: Collection[str]) -> Select[tuple[str]]:
    """Keys to look up, as a subquery over one JSON parameter: `column.in_(listed(...))`.

    Not a long IN list of parameters: PostgreSQL compares those with every row when it has
    no statistics yet (a first poll with a long look-back fills a new table), and SQLAlchemy
    compiles the statement again for every length. As a subquery (not a join), SQLite looks
    each key up in the index instead of scanning the JSON for every row.
    """
    listed = json.dumps(list(keys))
    if session.get_bind().dialect.name == "postgresql":
        table = func.json_array_elements_text(cast(type_coerce(listed, String), JSON)).table_valued("value")
    else:
        table = func.json_each(listed).table_valued("value")
    return select(table.c.value)


def listed_pairs(session: Session, pairs: Collection[tuple[str, str]]) -> Select[tuple[str, str]]:
    """Pairs to look up, as `listed` does keys: `tuple_(a, b).in_(listed_pairs(...))`. Not `a == x` and `b` in a
    list: without statistics PostgreSQL takes every row with `a == x` to be few, and reads them all for each batch."""
    listed = json.dumps([list(pair) for pair in pairs])
    if session.get_bind().dialect.name == "postgresql":
        table = func.json_array_elements(cast(type_coerce(listed, String), JSON)).table_valued("value")
        return select(table.c.value.op("->>")(0), table.c.value.op("->>")(1))
    table = func.json_each(listed).table_valued("value")
    return select(func.json_extract(table.c.value, "$[0]"), func.json_extract(table.c.value, "$[1]"))
