"""Logging for the command line and the long-running bot: plain lines, or one JSON object per line for log shippers."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """`--log-format json`: {"time", "level", "logger", "message"} and, for an exception, its traceback in "exception"."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class OurHandler(logging.StreamHandler[TextIO]):
    """The handler configure_logging installs, told apart from handlers others installed."""


def configure_logging(verbose: bool, *, json_lines: bool = False) -> None:
    handler = OurHandler(sys.stderr)
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    # Called again it replaces its own handler; like logging.basicConfig, it leaves a host's logging (pytest's) alone.
    for earlier in [h for h in root.handlers if isinstance(h, OurHandler)]:
        root.removeHandler(earlier)
    if not root.handlers:
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO, query string included: source URLs can carry keys.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # APScheduler logs two lines per job run (about 11,000 a day); each poll logs its own summary instead.
    for chatty in ("apscheduler", "slack_sdk", "slack_bolt", "waitress.queue"):
        logging.getLogger(chatty).setLevel(logging.NOTSET if verbose else logging.WARNING)
    # The Web API client logs every failed call at ERROR before raising it; we report each failure ourselves.
    logging.getLogger("slack_sdk.web").setLevel(logging.NOTSET if verbose else logging.CRITICAL)
