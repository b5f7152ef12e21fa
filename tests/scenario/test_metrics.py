"""GET /metrics over the bot's real HTTP server: what a poll, a click, the reminders and Slack's errors add up to."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.db.models import Case
from bot.flows.poll import poll
from bot.flows.reminders import run_reminders
from bot.runtime import Runtime
from message_blocks.ids import Action, case_value
from tests.conftest import FIXTURES, BotClient, Clock, feed_transport
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.slack_requests import block_action

FEED_URL = "https://feeds.example.com/acme.xml"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(bot: BotClient) -> Samples:
    response = bot.http.get(f"{bot.base_url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_a_poll_is_counted_per_source_and_the_backlog_and_outbox_read_from_the_database(runtime: Runtime, bot: BotClient, clock: Clock) -> None:
    before = scrape(bot)
    report = poll(runtime, http=httpx.Client(transport=feed_transport({FEED_URL: FIXTURES / "feeds" / "acme-alerts.xml"})))
    (source,) = report.sources
    assert (source.fetched, source.relevant, source.negative) == (3, 2, 1)
    clock.advance(seconds=90)
    queued = scrape(bot)

    assert grew(before, queued, "complaint_bot_mentions_fetched_total", source="acme-alerts") == 3
    assert grew(before, queued, "complaint_bot_mentions_stored_total", source="acme-alerts") == 2
    assert grew(before, queued, "complaint_bot_mentions_negative_total", source="acme-alerts") == 1
    assert grew(before, queued, "complaint_bot_cases_opened_total") == 1
    assert grew(before, queued, "complaint_bot_poll_duration_seconds_count") == 1
    assert value(queued, "complaint_bot_database_up") == 1
    assert value(queued, "complaint_bot_open_cases", status="open") == 1
    assert value(queued, "complaint_bot_open_cases", status="claimed") == 0
    # The card waits in the outbox until drained; its age follows the clock.
    assert value(queued, "complaint_bot_outbox_depth") == 1
    assert value(queued, "complaint_bot_outbox_oldest_seconds") == 90

    runtime.drainer.drain()
    clock.advance(minutes=31)
    run_reminders(runtime)
    runtime.drainer.drain()
    late = scrape(bot)
    assert value(late, "complaint_bot_outbox_depth") == 0
    assert value(late, "complaint_bot_outbox_oldest_seconds") == 0
    assert value(late, "complaint_bot_sla_breaches", target="claim") == 1
    assert value(late, "complaint_bot_sla_breaches", target="resolve") == 0


def test_a_source_that_fails_is_counted_as_an_error(runtime: Runtime, bot: BotClient) -> None:
    before = scrape(bot)
    poll(runtime, http=httpx.Client(transport=feed_transport({})))  # every URL answers 404
    assert grew(before, scrape(bot), "complaint_bot_source_errors_total", source="acme-alerts") == 1


def test_a_click_is_counted_with_its_ack_time_and_moves_the_backlog(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime, http=httpx.Client(transport=feed_transport({FEED_URL: FIXTURES / "feeds" / "acme-alerts.xml"})))
    runtime.drainer.drain()
    with runtime.transaction() as session:
        case_id = session.scalars(select(Case.id)).one()
    before = scrape(bot)
    response = bot.interact(block_action(user_id="U0MANAGER1", action_id=Action.CLAIM.value, value=case_value(case_id)))
    assert response.status_code == 200

    def claimed() -> Samples | None:
        """The work runs after the ack: wait until it has committed and been counted."""
        samples = scrape(bot)
        done = value(samples, "complaint_bot_open_cases", status="claimed") == 1 and grew(before, samples, "complaint_bot_cases_claimed_total") > 0
        return samples if done else None

    after = wait_for(claimed)
    assert grew(before, after, "complaint_bot_cases_claimed_total") == 1
    assert grew(before, after, "complaint_bot_ack_seconds_count") == 1
    assert grew(before, after, "complaint_bot_ack_seconds_bucket", le="3.0") == 1
    assert value(after, "complaint_bot_open_cases", status="open") == 0


def test_slack_errors_and_rate_limits_are_counted_by_method(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    before = scrape(bot)
    slack.fail("auth.test", error="invalid_auth")
    with pytest.raises(SlackApiError):
        runtime.slack.auth_test()
    # One 429 is waited out and retried by the client (counted, not an error); two in a row leave an error.
    slack.fail("chat.postEphemeral", status=429, retry_after=1, times=1)
    runtime.slack.chat_postEphemeral(channel="C0TRIAGE01", user="U0AGENT001", text="hello")
    after = scrape(bot)
    assert grew(before, after, "complaint_bot_slack_api_errors_total", method="auth.test", error="invalid_auth") == 1
    assert grew(before, after, "complaint_bot_slack_rate_limited_total", method="chat.postEphemeral") == 1
    assert grew(before, after, "complaint_bot_slack_api_errors_total", method="chat.postEphemeral", error="ratelimited") == 0


def test_a_request_that_is_not_signed_by_slack_is_no_ack_time(bot: BotClient) -> None:
    before = scrape(bot)
    response = bot.post('{"type": "event_callback", "event": {"type": "app_mention"}}', "application/json", secret="not-slacks")
    assert response.status_code == 401
    assert grew(before, scrape(bot), "complaint_bot_ack_seconds_count") == 0
