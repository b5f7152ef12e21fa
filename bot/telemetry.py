"""Prometheus series for GET /metrics (prometheus-client writes the format).

Counters and histograms live in this process's registry: with several replicas each
one counts its own work, and Prometheus sums them (`sum by (source)`). The gauges
read from the database at scrape time (backlog, SLA breaches, outbox) describe the
shared database, so every replica reports the same values: use `max`, not `sum`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, disable_created_metrics

PREFIX = "complaint_bot"
# A `_created` gauge beside every counter doubles the output and no dashboard here reads it.
disable_created_metrics()
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

MENTIONS_FETCHED = Counter(f"{PREFIX}_mentions_fetched", "Items fetched from a source", ["source"], registry=REGISTRY)
MENTIONS_STORED = Counter(f"{PREFIX}_mentions_stored", "Mentions about the brand stored (not seen before)", ["source"], registry=REGISTRY)
MENTIONS_NEGATIVE = Counter(f"{PREFIX}_mentions_negative", "Stored mentions judged negative (new case or joined)", ["source"], registry=REGISTRY)
SOURCE_ERRORS = Counter(f"{PREFIX}_source_errors", "Polls of a source that failed (fetch or store)", ["source"], registry=REGISTRY)

CASES_OPENED = Counter(f"{PREFIX}_cases_opened", "Cases opened (polls, webhook, reports from Slack)", registry=REGISTRY)
CASES_CLAIMED = Counter(f"{PREFIX}_cases_claimed", "Cases claimed", registry=REGISTRY)
CASES_RESOLVED = Counter(f"{PREFIX}_cases_resolved", "Cases resolved", registry=REGISTRY)

SLACK_ERRORS = Counter(f"{PREFIX}_slack_api_errors", "Slack Web API calls that failed, by method and error", ["method", "error"], registry=REGISTRY)
SLACK_RATE_LIMITED = Counter(f"{PREFIX}_slack_rate_limited", "Slack Web API answers 429, retried or not", ["method"], registry=REGISTRY)

# Slack wants an answer within 3 s; the buckets are dense below 0.1 s, where the target is.
ACK_SECONDS = Histogram(
    f"{PREFIX}_ack_seconds", "Time to answer a request from Slack (HTTP mode)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0), registry=REGISTRY,
)
POLL_SECONDS = Histogram(
    f"{PREFIX}_poll_duration_seconds", "One poll of every due source, fetch and store",
    buckets=(0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0), registry=REGISTRY,
)


def count_intake(source: str, *, fetched: int, stored: int, negative: int, opened: int) -> None:
    """One source's batch, once its transaction has committed."""
    MENTIONS_FETCHED.labels(source).inc(fetched)
    MENTIONS_STORED.labels(source).inc(stored)
    MENTIONS_NEGATIVE.labels(source).inc(negative)
    CASES_OPENED.inc(opened)
