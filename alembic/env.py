"""Alembic environment: the URL comes from the caller's config or from settings."""

from sqlalchemy import text

from alembic import context
from bot.db.models import Base
from bot.db.session import make_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.settings import get_settings

    return get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        # `complaint-bot db upgrade` hears of each migration applied, to say what it did.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True, on_version_apply=config.attributes.get("on_version_apply")
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Replicas starting together must not run the same migration twice.
                connection.execute(text("SELECT pg_advisory_xact_lock(7242001)"))
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
