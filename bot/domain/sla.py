"""Elapsed time against an SLA: wall-clock, or working hours only. Pure."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def business_seconds(start: datetime, end: datetime, *, hours: tuple[time, time], days: list[int], zone: ZoneInfo) -> float:
    """Seconds between `start` and `end` that fall inside working hours on working days, local to `zone`.

    Each local day's window is built from its own date, so a DST change shortens or
    lengthens only the day it happens on.
    """
    if end <= start:
        return 0.0
    total = 0.0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if day.isoweekday() in days:
            opens = datetime.combine(day, hours[0], tzinfo=zone)
            closes = datetime.combine(day, hours[1], tzinfo=zone)
            overlap = min(closes, end) - max(opens, start)
            total += max(overlap.total_seconds(), 0.0)
        day += timedelta(days=1)
    return total


def elapsed(start: datetime, end: datetime, *, hours: tuple[time, time] | None, days: list[int], zone: ZoneInfo) -> float:
    if hours is None:
        return (end - start).total_seconds()
    return business_seconds(start, end, hours=hours, days=days, zone=zone)
