"""Settings: secrets and URLs from the environment (or `.env`); behaviour comes from the TOML config (bot/config.py).

Both are validated at start-up; a bad value stops the bot with one message
that names the key.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class ConfigError(Exception):
    """Configuration is unusable; the message names the key and says what is wrong."""


# What `DATABASE_URL` may start with; `postgres://` is what Heroku-style hosts hand out.
DATABASE_SCHEMES = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql": "postgresql", "postgresql+psycopg": "postgresql+psycopg", "postgres": "postgresql"}


def _printable_ascii(value: SecretStr | None) -> SecretStr | None:
    """Tokens go into HTTP headers, which are latin-1: a pasted placeholder like `xoxb-…` cannot be sent."""
    if value is not None and not all(" " < ch < "\x7f" for ch in value.get_secret_value()):
        raise ValueError("contains spaces or non-ASCII characters (a placeholder like xoxb-… pasted from the docs?): paste the real value")
    return value


ENV_FILE = Path(".env")
log = logging.getLogger("complaint-bot")
# python-dotenv's own warning gives a line number but not the file; _warn_unreadable_env_lines names both.
logging.getLogger("dotenv.main").setLevel(logging.ERROR)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ENV_FILE, extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///complaint-bot.db"
    complaint_bot_config: Path = Path("complaint-bot.toml")
    # Shared secret for POST /webhooks/mentions (HMAC-SHA256).
    complaint_bot_webhook_secret: SecretStr | None = None
    # 0: any free port (the log says which).
    port: int = Field(default=3000, ge=0, le=65535)
    # Where `run`/`serve` write the port they listen on, for the container's health check (python -m bot.healthcheck).
    complaint_bot_port_file: Path | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return _printable_ascii(value)

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return _printable_ascii(value)

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        return _printable_ascii(value)

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            # Not echoed: an unparsable URL may still hold a password.
            raise ValueError("not a database URL; use sqlite:///path/to/file.db or postgresql://user:password@host/db") from None
        scheme = DATABASE_SCHEMES.get(url.drivername)
        if scheme is None:
            raise ValueError(f"{url.drivername}:// is not supported; use sqlite:///path/to/file.db or postgresql://user:password@host/db")
        return url.set(drivername=scheme).render_as_string(hide_password=False)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"


def first_error(exc: ValidationError, *, env_names: bool = False) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"] if part != "__root__")
    if env_names:
        location = location.upper()
    message = error["msg"].removeprefix("Value error, ")
    if message.startswith("["):  # an item of a list, located by the validator itself: sources[2].url
        return f"{location}{message}"
    return f"{location}: {message}" if location else message


def _leading_newlines(text: str) -> int:
    return text[: len(text) - len(text.lstrip())].count("\n")


def _warn_unreadable_env_lines(path: Path) -> None:
    """A line of .env that is not NAME=value is skipped: say which file and line (never its text: it may hold a secret)."""
    from dotenv.parser import parse_stream

    try:
        with path.open(encoding="utf-8") as stream:
            # A statement's text starts with the blank lines before it; its line number is where those start.
            bad = [b.original.line + _leading_newlines(b.original.string) for b in parse_stream(stream) if b.error]
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: cannot be read (%s); its settings are ignored", path.resolve(), exc)
        return
    for line in bad:
        log.warning("%s line %d: not NAME=value, ignored", path.resolve(), line)


@lru_cache
def get_settings() -> Settings:
    if ENV_FILE.is_file():
        _warn_unreadable_env_lines(ENV_FILE)
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(f"environment: {first_error(exc, env_names=True)}") from None
