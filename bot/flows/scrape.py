"""GET /metrics: this process's counters plus gauges read from the shared database at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.runtime import Runtime
from bot.services import operations
from bot.telemetry import PREFIX, REGISTRY

log = logging.getLogger(__name__)


class DatabaseGauges(Collector):
    """Backlog, SLA breaches and the outbox, one short transaction per scrape. The database is shared, so every
    replica reports the same values (aggregate with max, not sum). If it does not answer: database_up 0, no error."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[Metric]:
        prefix = PREFIX
        up = GaugeMetricFamily(f"{prefix}_database_up", "1 when the database answered this scrape")
        try:
            with self.rt.transaction() as session:
                now = operations.snapshot(session=session, now=self.rt.clock())
        except Exception as exc:  # a scrape must answer even when the database does not
            log.warning("metrics: the database did not answer (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        backlog = GaugeMetricFamily(f"{prefix}_open_cases", "Cases someone still has to act on, by status", labels=["status"])
        for status, count in now.backlog.items():
            backlog.add_metric([status.value], count)
        yield backlog
        breaches = GaugeMetricFamily(f"{prefix}_sla_breaches", "Active cases past their SLA target, by target", labels=["target"])
        breaches.add_metric(["claim"], now.claim_sla_breached)
        breaches.add_metric(["resolve"], now.resolve_sla_breached)
        yield breaches
        yield GaugeMetricFamily(f"{prefix}_outbox_depth", "Slack messages waiting in the outbox", value=now.outbox_depth)
        yield GaugeMetricFamily(
            f"{prefix}_outbox_oldest_seconds", "Age of the oldest message waiting in the outbox (0 when empty)", value=now.outbox_oldest_seconds
        )


def metrics_registry(rt: Runtime) -> CollectorRegistry:
    """What one /metrics answer holds: the process's own series and the database's."""
    registry = CollectorRegistry()
    registry.register(REGISTRY)
    registry.register(DatabaseGauges(rt))
    return registry
