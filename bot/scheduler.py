"""Background jobs: poll the sources, drain the outbox.

Jobs take a database-wide lock first (a PostgreSQL advisory lock), so several
replicas on one database run each job once, not once per replica.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.db.session import job_lock
from bot.flows.poll import http_client, poll_and_post
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


def start_scheduler(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=rt.config.schedule.zone, job_defaults={"coalesce": True, "max_instances": 1})
    http = http_client()
    scheduler.add_job(
        exclusive(rt, "poll", lambda: poll_and_post(rt, http)),
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
