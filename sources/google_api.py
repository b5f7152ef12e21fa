"""What Google's APIs (YouTube Data, Google Play Developer) share: how they say "quota spent".

Google answers a spent quota with 403 and the reason nested in the body
(`error.errors[].reason`), not with 429: read as a plain 403 it looks like a
bad key. A daily quota comes back at midnight Pacific time; a per-minute one
within the minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sources.base import SourceHttpError, SourceRateLimited

DAILY = frozenset({"quotaExceeded", "dailyLimitExceeded"})
SHORT_TERM = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
SHORT_TERM_WAIT_SECONDS = 60.0
PACIFIC = ZoneInfo("America/Los_Angeles")


def seconds_to_pacific_midnight(now: datetime) -> float:
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=PACIFIC)
    return max((midnight - local).total_seconds(), 0.0)


def quota_error(exc: SourceHttpError, service: str, now: datetime) -> SourceRateLimited | None:
    """The rate limit a 403 really is, with when to try again; None when the 403 is about something else."""
    reason = exc.detail.split(":", 1)[0].strip()
    if exc.status != 403 or reason not in DAILY | SHORT_TERM:
        return None
    if reason in DAILY:
        wait = seconds_to_pacific_midnight(now)
        message = f"{service}: the project's daily quota is spent ({reason}); it comes back at midnight Pacific time, in {wait / 3600:.1f} h"
    else:
        wait = SHORT_TERM_WAIT_SECONDS
        message = f"{service}: too many calls this minute ({reason}); trying again in {wait:.0f}s"
    return SourceRateLimited(message, retry_after=wait, status=403, detail=exc.detail)
