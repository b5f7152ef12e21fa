"""Mentions the detector scored just under the line are listed after the digest, closest first, each with a button
that reports it as a complaint: the way a team sees (and teaches the detector) the complaints it missed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.classifier.triage import Triage
from bot.db.models import MentionRecord
from bot.db.session import session_scope
from bot.flows.reports import digest_preview, post_digest
from bot.runtime import Runtime
from bot.services import cases
from bot.services.mentions import open_case
from bot.services.metrics import decided_cases
from message_blocks.ids import Action, mention_value
from message_blocks.terminal import render
from tests.conftest import TEST_CONFIG, BotClient, Clock
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.test_core_loop import AGENT, CHANNEL, actions_of
from tests.scenario.test_reports import seed
from tests.slack_requests import block_action


@pytest.fixture
def config_text() -> str:
    own_threshold = TEST_CONFIG.replace('name = "acme-alerts"\n', 'name = "acme-alerts"\nthreshold = 0.8\n')
    return own_threshold.replace("[playbook]", "[classifier]\nnear_misses = 3\n\n[playbook]")


def store(runtime: Runtime, clock: Clock, score: float, *, source: str = "webhook", hours_ago: float = 2, unscored: bool = False, with_case: bool = False) -> int:
    n = int(score * 1000) + int(hours_ago * 10) + 7 * unscored + 3 * with_case
    url = f"https://forum.example/{source}/{n}"
    with session_scope(runtime.sessions) as session:
        record = MentionRecord(
            source_kind="rss", source_name=source, external_id=f"{source}-{n}", url=url, canonical_url=url,
            title=f"Post {n} about Acme", text=f"Acme and the router, post {n}", author="someone", published_at=None,
            detected_at=clock.now - timedelta(hours=hours_ago), score=score, reasons=[], fingerprint=None, unscored=unscored,
        )
        session.add(record)
        session.flush()
        if with_case:
            open_case(session=session, record=record, triage=Triage("medium", (), False), now=record.detected_at)
        return record.id


def near_miss_message(slack: FakeSlack) -> dict:
    (message,) = [m for m in slack.channel_messages(CHANNEL) if "just under the line" in m["text"]]
    return message


def report(bot: BotClient, slack: FakeSlack, value: str) -> None:
    payload = block_action(user_id=AGENT, action_id=Action.REPORT_NEAR_MISS.value, value=value, channel_id=CHANNEL)
    payload["response_url"] = slack.response_url
    assert bot.interact(payload).status_code == 200


def test_the_digest_is_followed_by_the_days_near_misses_closest_to_their_threshold_first(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    close = store(runtime, clock, 0.45)  # 0.05 under the [classifier] threshold, 0.5
    own = store(runtime, clock, 0.7, source="acme-alerts")  # 0.1 under its source's own 0.8
    further = store(runtime, clock, 0.34)
    store(runtime, clock, 0.25)  # more than 0.2 under: not near
    store(runtime, clock, 0.55, source="acme-alerts")  # 0.25 under its source's threshold, though over the global one
    store(runtime, clock, 0.5)  # at the threshold: flagged, not missed
    store(runtime, clock, 0.46, unscored=True)  # no detector scored it
    store(runtime, clock, 0.47, hours_ago=30)  # yesterday's
    store(runtime, clock, 0.48, with_case=True)  # a case already
    store(runtime, clock, 0.3)  # near, but past the three the config asks for

    assert post_digest(runtime, end=clock.now) is True
    runtime.drainer.drain()

    message = near_miss_message(slack)
    assert message["text"] == "3 mentions scored just under the line: report any the detector missed."
    buttons = [b["accessory"]["value"] for b in message["blocks"] if "accessory" in b]
    assert buttons == [mention_value(close), mention_value(own), mention_value(further)]
    scores = [b["elements"][0]["text"] for b in message["blocks"] if b["type"] == "context"]
    assert scores == ["webhook · scored 0.45, flagged from 0.5", "acme-alerts · scored 0.70, flagged from 0.8", "webhook · scored 0.34, flagged from 0.5"]
    assert post_digest(runtime, end=clock.now) is False  # posted once, with its digest
    runtime.drainer.drain()
    near_miss_message(slack)


def test_no_near_misses_no_message(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    store(runtime, clock, 0.1)
    post_digest(runtime, end=clock.now)
    runtime.drainer.drain()
    assert [m for m in slack.channel_messages(CHANNEL) if "just under the line" in m["text"]] == []


def test_reporting_a_near_miss_opens_one_case_that_does_not_count_as_the_detectors(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    missed = store(runtime, clock, 0.45)
    flagged = seed(runtime, clock.now - timedelta(hours=1), 1, source="webhook")

    report(bot, slack, mention_value(missed))
    reply = wait_for(lambda: slack.calls_to("respond"))[0].args
    with session_scope(runtime.sessions) as session:
        case_id = session.scalars(select(MentionRecord.case_id).where(MentionRecord.id == missed)).one()
    assert case_id is not None
    assert reply["blocks"][0]["text"]["text"].startswith(f"Created case *#{case_id}*")
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    card = wait_for(lambda: [m for m in slack.channel_messages(CHANNEL) if f"forum.example/webhook/" in json.dumps(m.get("blocks"))])[0]
    assert "Acme and the router" in json.dumps(card["blocks"])
    assert actions_of(runtime, case_id) == ["detected", "reported", "posted"]

    report(bot, slack, mention_value(missed))  # a second click, or a colleague's
    second = wait_for(lambda: slack.calls_to("respond")[1:])[0].args
    assert second["blocks"][0]["text"]["text"].startswith(f"That was already case *#{case_id}*")

    with session_scope(runtime.sessions) as session:
        for decided in (case_id, flagged):
            cases.claim(session=session, case_id=decided, user_id=AGENT, now=clock.now)
        confirmed, false_alarms = decided_cases(session=session, start=clock.now - timedelta(days=1), end=clock.now + timedelta(hours=1))["webhook"]
    assert (confirmed, false_alarms) == ([0.9], [])  # the detector's own case only: the missed one was a person's call


@pytest.mark.parametrize(
    ("value", "told"),
    [("not json", "That request did not make sense to me: not a mention reference"), (mention_value(999_999), "That request did not make sense to me: mention 999999 is no longer stored")],
)
def test_a_forged_or_stale_reference_is_refused_in_words(bot: BotClient, slack: FakeSlack, value: str, told: str) -> None:
    report(bot, slack, value)
    said = wait_for(lambda: slack.calls_to("respond"))[0].args
    assert said["text"].startswith(told) and said["response_type"] == "ephemeral"


def test_the_preview_and_the_dry_run_show_the_near_misses_that_would_follow(runtime: Runtime, clock: Clock) -> None:
    store(runtime, clock, 0.45)
    shown = render(digest_preview(runtime))
    assert "Just under the line" in shown and "[ Report as complaint ]" in shown and "webhook · scored 0.45, flagged from 0.5" in shown
