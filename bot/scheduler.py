"""Background jobs: poll the sources, drain the outbox.

Jobs take a database-wide lock first (a PostgreSQL advisory lock), so several
replicas on one database run each job once, not once per replica.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.db.session import job_lock
from bot.flows.poll import enabled_sources, http_client, poll_and_post
from bot.flows.reminders import run_reminders
from bot.flows.reports import post_digest, scheduled_period_end
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def exclusive(rt: Runtime, name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with job_lock(rt.engine, name) as mine:
            if not mine:
                log.debug("%s is running on another replica", name)
                return
            try:
                job()
            except Exception:  # the scheduler must keep going; the next tick retries
                log.exception("job %s failed", name)

    return run


def poll_job(rt: Runtime, http: httpx.Client) -> Callable[[], None]:
    """The scheduled poll, its sources built once: each keeps its sign-in (Reddit and Google tokens, a Bluesky
    session) from poll to poll instead of signing in again every interval."""
    sources = enabled_sources(rt, http)
    return lambda: poll_and_post(rt, sources)


def start_scheduler(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=rt.config.schedule.zone, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(
        exclusive(rt, "poll", poll_job(rt, http_client())),
        "interval",
        seconds=rt.config.schedule.poll_interval_seconds,
        id="poll",
        next_run_time=rt.clock(),
    )
    scheduler.add_job(
        exclusive(rt, "outbox", rt.drainer.drain), "interval", seconds=rt.config.schedule.outbox_interval_seconds, id="outbox"
    )
    scheduler.add_job(exclusive(rt, "reminders", lambda: run_reminders(rt)), "interval", seconds=60, id="reminders")
    digest_at = rt.config.schedule.digest_time
    scheduler.add_job(
        exclusive(rt, "digest", lambda: post_digest(rt, end=scheduled_period_end(rt))),
        CronTrigger(hour=digest_at.hour, minute=digest_at.minute, timezone=rt.config.schedule.zone),
        id="digest",
    )
    scheduler.start()
    return scheduler
