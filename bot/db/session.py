"""Engine, sessions scoped per unit of work, and migrations."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, CursorResult, Engine, Executable, create_engine, event, inspect, make_url, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:  # alembic is imported only when migrating
    from alembic.config import Config


def _migrations_dir() -> Path:
    """Installed from a wheel, alembic/ ships inside the package as bot/migrations (setup.py); in a checkout it is beside bot/."""
    installed = Path(__file__).resolve().parents[1] / "migrations"
    return installed if (installed / "env.py").is_file() else Path(__file__).resolve().parents[2] / "alembic"


MIGRATIONS_DIR = _migrations_dir()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            url = "postgresql+psycopg://" + url.removeprefix(plain)
    # Planned for their parameters every time, never prepared (psycopg prepares a statement after its fifth run): a
    # prepared statement's generic plan cannot see a list passed as one JSON value, and reads a whole table for it.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"prepare_threshold": None})


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web threads read while the poller writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rows_changed(session: Session, statement: Executable) -> int:
    """How many rows an UPDATE or DELETE changed (Session.execute is typed as returning any Result; this one has a rowcount)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount


def database_answers(engine: Engine) -> bool:
    return database_problem(engine) is None


def database_problem(engine: Engine) -> str | None:
    """Why the database does not answer, in one line; None when it does."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as exc:
        return connection_problem(engine.url.render_as_string(hide_password=False), exc)


def display_url(url: str | URL) -> str:
    """The one way a database URL is shown: password hidden, without the driver the engine adds (postgresql+psycopg)."""
    parsed = make_url(url)
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def connection_problem(url: str, error: BaseException) -> str:
    """One line for a database that cannot be opened: where it is (no password) and why."""
    parsed = make_url(url)
    where = display_url(parsed)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        folder = Path(parsed.database).resolve().parent
        if not folder.exists():
            return f"cannot open {where}: the folder {folder} does not exist (create it, or point DATABASE_URL elsewhere)"
        if not folder.is_dir():
            return f"cannot open {where}: {folder} is not a folder"
        if not os.access(folder, os.W_OK):
            return f"cannot open {where}: the folder {folder} is not writable by this user (SQLite writes its journal beside the file)"
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"cannot open {where}: {reason[0] if reason else type(error).__name__}"


def is_migrated(engine: Engine) -> bool:
    """Whether the schema exists at all (a dry run must not create it)."""
    return inspect(engine).has_table("source_states")


def unmigrated(url: str) -> str:
    return f"the database at {display_url(url)} has no tables yet: run `complaint-bot db upgrade` (`run` applies migrations itself)"


def schema_problem(url: str) -> str | None:
    """Why the bot cannot use this database yet, in one line; None when it answers and is migrated.

    Only looks: a SQLite file that does not exist is not created (connecting would create it, empty).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        folder = path.parent.resolve()
        # Where the file could not be created anyway, connecting fails and connection_problem says why.
        if folder.is_dir() and os.access(folder, os.W_OK) and not path.exists():
            return f"{display_url(url)} does not exist yet: run `complaint-bot db upgrade` to create it (`run` applies migrations itself)"
    engine = make_engine(url)
    try:
        return database_problem(engine) or (None if is_migrated(engine) else unmigrated(url))
    finally:
        engine.dispose()


def alembic_config(url: str) -> Config:
    from alembic.config import Config


    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> list[str]:
    """Apply every migration not yet applied; one line per migration it applied ("0002_…: what it does"), oldest first."""
    from alembic import command

    applied: list[str] = []

    def note(*, step: Any, **_: Any) -> None:
        applied.append(f"{step.up_revision_id}: {step.up_revision.doc}")

    config = alembic_config(url)
    config.attributes["on_version_apply"] = note
    command.upgrade(config, "head")
    return applied


@contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Yield True if this process may run the job now. SQLite is single-host: always True."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode())
    with engine.connect() as connection:
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        try:
            yield bool(got)
        finally:
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
