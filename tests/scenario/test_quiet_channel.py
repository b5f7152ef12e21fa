"""A quiet, readable channel: grouped reminders, honest digests, links where people need them."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from bot.db.session import session_scope
from bot.flows.poll import poll as poll_sources
from bot.flows.reminders import run_reminders
from bot.flows.reports import alert_spikes, build_digest
from bot.runtime import Runtime
from bot.services import cases, outbox
from bot.settings import get_settings
from message_blocks.card import duration
from message_blocks.digest import digest_blocks
from tests.conftest import FIXTURES, TEST_CONFIG, Clock, feed_transport
from tests.fake_slack import FakeSlack
from tests.scenario.test_reports import AGENT, CHANNEL, digests, seed

MANAGER = "U0MANAGER1"


def test_cases_that_go_unclaimed_together_get_one_channel_reminder_and_a_note_each(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    ids = [seed(runtime, clock.now, n) for n in range(9)]
    runtime.drainer.drain()
    cards = {m["ts"]: m for m in slack.channel_messages(CHANNEL)}
    assert len(cards) == 9
    clock.advance(minutes=31)
    assert run_reminders(runtime).claim_breaches == 9
    clock.advance(minutes=1)
    assert run_reminders(runtime).claim_breaches == 0

    reminders = [m for m in slack.channel_messages(CHANNEL) if m["ts"] not in cards]
    assert len(reminders) == 1
    assert reminders[0]["text"] == "9 cases are still unclaimed"
    listed = json.dumps(reminders[0]["blocks"], ensure_ascii=False)
    assert "Nobody has claimed these 9 cases for more than 30 min" in listed
    assert all(f"*#{case_id}*" in listed for case_id in ids) and listed.count("Open the card") == 9
    for ts in cards:
        assert [note["text"] for note in slack.thread(CHANNEL, ts)] == ["⏰ Nobody has claimed this for more than 30 min."]


def test_snoozes_that_end_together_get_one_channel_message_and_a_note_each(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    ids = [seed(runtime, clock.now, n) for n in range(4)]
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        for case_id in ids:
            cases.claim(session=session, case_id=case_id, user_id=AGENT, now=clock.now)  # claimed: no unclaimed reminder
            cases.snooze(session=session, case_id=case_id, user_id=AGENT, until=clock.now + timedelta(hours=1), now=clock.now)
        cases.resolve(session=session, case_id=ids[3], user_id=AGENT, resolution="refunded", root_cause="isolated", now=clock.now)
        card_of = {case_id: cases.get_view(session=session, case_id=case_id).message_ts for case_id in ids}
    runtime.drainer.drain()
    before = {m["ts"] for m in slack.channel_messages(CHANNEL)}
    clock.advance(minutes=61)
    assert run_reminders(runtime).unsnoozed == 3  # resolved meanwhile: its snooze is over, it is not back
    assert run_reminders(runtime).unsnoozed == 0

    announced = [m for m in slack.channel_messages(CHANNEL) if m["ts"] not in before]
    assert [m["text"] for m in announced] == ["3 cases are back from snooze"]
    listed = json.dumps(announced[0]["blocks"], ensure_ascii=False)
    assert all(f"*#{case_id}*" in listed for case_id in ids[:3]) and f"*#{ids[3]}*" not in listed
    assert listed.count("Open the card") == 3
    for case_id, ts in card_of.items():
        notes = [note["text"] for note in slack.thread(CHANNEL, ts)]
        assert notes.count("🔔 Back from snooze.") == (case_id != ids[3])


def test_a_case_claimed_just_before_its_reminder_gets_none(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    late, claimed = seed(runtime, clock.now, 1), seed(runtime, clock.now, 2)
    runtime.drainer.drain()
    clock.advance(minutes=31)
    from bot.services import reminders

    with session_scope(runtime.sessions) as session:  # the reminder found it unclaimed; someone claims it before it is marked
        found = reminders.due(session=session, now=clock.now, claim_target=timedelta(minutes=30), resolve_target=timedelta(hours=24))
        cases.claim(session=session, case_id=claimed, user_id=AGENT, now=clock.now)
    assert {c.case_id for c in found.unclaimed} == {late, claimed}
    with session_scope(runtime.sessions) as session:
        assert reminders.mark_claim_breach(session=session, case_id=claimed, now=clock.now) is False
        assert reminders.mark_claim_breach(session=session, case_id=late, now=clock.now) is True


def test_a_fresh_install_flags_no_spike_until_it_has_history(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    for n in range(8):
        seed(runtime, clock.now - timedelta(hours=1), n, topics=("billing",))
    assert build_digest(runtime, end=clock.now).spikes == ()
    assert alert_spikes(runtime) == []
    assert "Possible systemic issue" not in json.dumps(digest_blocks(build_digest(runtime, end=clock.now)))

    seed(runtime, clock.now - timedelta(days=4, hours=1), 100, topics=("delivery",))  # the bot has been running 4 days
    assert ("topic billing", 8, 0) in build_digest(runtime, end=clock.now).spikes


def test_numbers_read_as_english(runtime: Runtime, clock: Clock) -> None:
    case_id = seed(runtime, clock.now - timedelta(hours=1), 1)
    with session_scope(runtime.sessions) as session:
        cases.claim(session=session, case_id=case_id, user_id=AGENT, now=clock.now - timedelta(hours=1) + timedelta(seconds=40))
    text = json.dumps(digest_blocks(build_digest(runtime, end=clock.now)), ensure_ascii=False)
    assert "*Time to claim*: median under a minute, p90 under a minute (1 case)" in text
    assert "(1 cases)" not in text and not re.search(r"\b0 min", text)
    assert duration(timedelta(seconds=59)) == "under a minute" and duration(timedelta(minutes=1)) == "1 min"


@pytest.fixture
def cli_for(runtime: Runtime, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """`complaint-bot` in-process, on the test database and the fake Slack."""
    config = tmp_path / "complaint-bot.toml"
    config.write_text(TEST_CONFIG)
    monkeypatch.chdir(tmp_path)
    for name, value in {"COMPLAINT_BOT_CONFIG": str(config), "DATABASE_URL": runtime.settings.database_url, "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_API_URL": slack.url}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield main
    get_settings.cache_clear()


def test_a_manual_digest_for_a_period_that_has_one_needs_force(cli_for, slack: FakeSlack, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert cli_for(["digest"]) == 0
    assert cli_for(["digest"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("complaint-bot: the digest for the 24 h up to ") and err.endswith("nothing was posted (add --force to post another)")
    assert len(digests(slack)) == 1
    assert cli_for(["digest", "--force"]) == 0
    assert len(digests(slack)) == 2


def critical_feed() -> httpx.Client:
    feed = (FIXTURES / "feeds" / "acme-alerts.xml").read_text().replace(
        "Terrible service, I want my money back", "The charger caught fire and my lawyer will be in touch. Unsafe"
    )
    return httpx.Client(transport=feed_transport({"https://feeds.example.com/acme.xml": feed.encode()}))


def dms(slack: FakeSlack) -> list[dict]:
    return [c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"].startswith("D")]


def test_the_urgent_dm_links_to_the_card(runtime: Runtime, slack: FakeSlack) -> None:
    poll_sources(runtime, http=critical_feed())
    runtime.drainer.drain()
    [card] = slack.channel_messages(CHANNEL)
    [dm] = dms(slack)
    permalink = f"https://acme.slack.com/archives/{CHANNEL}/p{card['ts'].replace('.', '')}"
    assert f"<{permalink}|Open the card in the triage channel>" in json.dumps(dm["blocks"], ensure_ascii=False)


def test_the_urgent_dm_waits_for_a_card_another_replica_is_posting(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    from sqlalchemy import select

    from bot.db.models import OutboxMessage

    poll_sources(runtime, http=critical_feed())
    with session_scope(runtime.sessions) as session:  # another replica has taken the card's row and is posting it
        card_row = session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "post_card"))
        assert outbox.take_rows(session=session, row_ids=[card_row], now=clock.now, lease=runtime.drainer.lease) == {card_row}
    assert runtime.drainer.drain().deferred == 1
    assert dms(slack) == []
    clock.advance(minutes=3)  # that replica died: the lease runs out and this one posts the card, then the DM
    runtime.drainer.drain()
    assert len(slack.channel_messages(CHANNEL)) == 1
    [dm] = dms(slack)
    assert "Open the card in the triage channel" in json.dumps(dm["blocks"], ensure_ascii=False)


def test_the_urgent_dm_does_not_wait_for_a_card_that_fails(runtime: Runtime, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", error="channel_not_found")  # the card's post; the DM must still reach the manager
    poll_sources(runtime, http=critical_feed())
    runtime.drainer.drain()
    [dm] = dms(slack)
    assert "🚨 A *critical* complaint" in json.dumps(dm["blocks"], ensure_ascii=False)
    assert "Open the card" not in json.dumps(dm["blocks"], ensure_ascii=False)
