"""The core loop end to end: a recorded feed -> one card -> each button's full flow, over signed HTTP."""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select

from bot.db.models import Case, CaseEvent, MentionRecord, OutboxMessage
from bot.db.session import session_scope
from bot.flows.poll import poll as poll_sources
from bot.runtime import Runtime
from message_blocks.ids import Action, Field, View, case_value
from tests.conftest import FIXTURES, BotClient, Clock, feed_transport
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.slack_requests import block_action, view_submission

FEED_URL = "https://feeds.example.com/acme.xml"
CHANNEL = "C0TRIAGE01"
AGENT, OTHER, MANAGER = "U0AGENT001", "U0AGENT002", "U0MANAGER1"


def poll(runtime: Runtime, feed: str = "acme-alerts.xml") -> None:
    http = httpx.Client(transport=feed_transport({FEED_URL: FIXTURES / "feeds" / feed}))
    poll_sources(runtime, http=http)
    runtime.drainer.drain()


def the_case(runtime: Runtime) -> Case:
    with session_scope(runtime.sessions) as session:
        return session.scalars(select(Case)).one()


def actions_of(runtime: Runtime, case_id: int) -> list[str]:
    with session_scope(runtime.sessions) as session:
        return list(session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def click(bot: BotClient, user: str, action: Action, case_id: int, **kwargs: object) -> httpx.Response:
    response = bot.interact(block_action(user_id=user, action_id=action.value, value=case_value(case_id), **kwargs))
    assert response.status_code == 200
    return response


def opened_view(slack: FakeSlack, callback_id: str) -> dict:
    calls = wait_for(lambda: [c for c in slack.calls_to("views.open") if c.args["view"]["callback_id"] == callback_id])
    return calls[-1].args["view"]


def test_feed_with_one_negative_and_one_positive_mention_posts_exactly_one_card(runtime: Runtime, slack: FakeSlack) -> None:
    poll(runtime)

    cards = slack.channel_messages(CHANNEL)
    assert len(cards) == 1
    card = cards[0]
    assert "charged me twice" in card["text"]
    buttons = [e["text"]["text"] for e in card["blocks"][-1]["elements"] if e["type"] == "button"]
    assert buttons == ["Claim", "Draft reply", "Escalate to manager", "Mark resolved"]
    assert "<https://blog.example.com/2026/11/acme-double-charge/|" in card["blocks"][0]["text"]["text"]

    case = the_case(runtime)
    assert (case.status, case.channel_id, case.message_ts) == ("open", CHANNEL, card["ts"])
    assert case.posted_at is not None
    with session_scope(runtime.sessions) as session:
        stored = {m.url: m.case_id for m in session.scalars(select(MentionRecord))}
    # The praise is stored as a mention without a case; the Road Runner item is excluded.
    assert stored == {
        "https://blog.example.com/2026/11/acme-double-charge/": case.id,
        "https://reviews.example.org/acme-kettle-review": None,
    }
    assert actions_of(runtime, case.id) == ["detected", "posted"]
    # Why flagged: the sentence that weighed most, stored with the mention and quoted on the card.
    with session_scope(runtime.sessions) as session:
        evidence = {m.url: m.evidence for m in session.scalars(select(MentionRecord))}
    quoted = evidence["https://blog.example.com/2026/11/acme-double-charge/"]
    why = next(b["elements"][0]["text"] for b in card["blocks"] if "Why flagged" in str(b))
    assert quoted and why.endswith(f"\n&gt; {quoted}")
    assert evidence["https://reviews.example.org/acme-kettle-review"] is None


def test_polling_the_same_feed_again_posts_nothing_new(runtime: Runtime, slack: FakeSlack) -> None:
    poll(runtime)
    poll(runtime)
    assert len(slack.channel_messages(CHANNEL)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_claim_assigns_the_clicker_updates_the_card_and_notes_the_thread(
    runtime: Runtime, slack: FakeSlack, bot: BotClient, clock: Clock
) -> None:
    poll(runtime)
    case = the_case(runtime)
    clock.advance(minutes=12)

    click(bot, AGENT, Action.CLAIM, case.id, message_ts=case.message_ts)

    update = wait_for(lambda: slack.calls_to("chat.update"))[-1]
    assert update.args["ts"] == case.message_ts
    blocks_text = str(update.args["blocks"])
    assert f"owner <@{AGENT}> 12 min after detection" in blocks_text
    assert Action.CLAIM.value not in blocks_text
    note = wait_for(lambda: slack.thread(CHANNEL, case.message_ts))
    assert note[0]["text"] == f"<@{AGENT}> claimed this 12 min after detection."
    claimed = the_case(runtime)
    assert (claimed.status, claimed.assignee) == ("claimed", AGENT)
    assert claimed.claimed_at == clock.now
    assert actions_of(runtime, case.id)[-1] == "claimed"


def test_second_claimer_is_told_who_has_it(runtime: Runtime, slack: FakeSlack, bot: BotClient) -> None:
    poll(runtime)
    case = the_case(runtime)
    click(bot, AGENT, Action.CLAIM, case.id)
    wait_for(lambda: slack.calls_to("chat.update"))

    click(bot, OTHER, Action.CLAIM, case.id)

    ephemeral = wait_for(lambda: slack.calls_to("chat.postEphemeral"))[0]
    assert ephemeral.args["user"] == OTHER
    assert ephemeral.args["text"] == f"<@{AGENT}> already has case #{case.id}."
    assert the_case(runtime).assignee == AGENT


def test_two_concurrent_claims_have_exactly_one_winner(runtime: Runtime, slack: FakeSlack, bot: BotClient) -> None:
    poll(runtime)
    case = the_case(runtime)
    users = [f"U0RACER{n:03d}" for n in range(8)]
    start = threading.Barrier(len(users))

    def race(user: str) -> None:
        start.wait()
        click(bot, user, Action.CLAIM, case.id)

    threads = [threading.Thread(target=race, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    wait_for(lambda: len(slack.calls_to("chat.postEphemeral")) == len(users) - 1)
    winner = the_case(runtime).assignee
    assert winner in users
    told = {c.args["user"] for c in slack.calls_to("chat.postEphemeral")}
    assert told == set(users) - {winner}
    assert actions_of(runtime, case.id).count("claimed") == 1


def test_draft_reply_flow_saves_the_draft_posts_it_for_review_and_records_first_response(
    runtime: Runtime, slack: FakeSlack, bot: BotClient, clock: Clock
) -> None:
    poll(runtime)
    case = the_case(runtime)

    click(bot, AGENT, Action.DRAFT, case.id)
    modal = opened_view(slack, View.DRAFT)
    draft_block = next(b for b in modal["blocks"] if b.get("block_id", "").startswith(Field.DRAFT_TEXT.value))
    prefilled = draft_block["element"]["initial_value"]
    assert "help@acme.example" in prefilled and "sorry" in prefilled.lower()

    edited = prefilled + " We've refunded the second charge."
    values = {
        Field.DRAFT_TONE.value: {Field.DRAFT_TONE.value: {"type": "radio_buttons", "selected_option": {"value": "warm"}}},
        Field.DRAFT_OPTIONS.value: {Field.DRAFT_OPTIONS.value: {"type": "checkboxes", "selected_options": []}},
        draft_block["block_id"]: {Field.DRAFT_TEXT.value: {"type": "plain_text_input", "value": edited}},
    }
    response = bot.interact(view_submission(user_id=AGENT, view=modal, values=values))
    assert response.status_code == 200

    review = wait_for(lambda: slack.thread(CHANNEL, case.message_ts))[0]
    assert "refunded the second charge" in str(review["blocks"])
    # An RSS item has no reply API: the original opens for pasting the draft, and the link is recorded by hand.
    open_original, reply_button = review["blocks"][-1]["elements"]
    assert (open_original["action_id"], open_original["url"]) == (Action.OPEN_ORIGINAL, "https://blog.example.com/2026/11/acme-double-charge/")
    assert reply_button["action_id"] == Action.REPLY_SENT
    assert the_case(runtime).draft_text == edited

    clock.advance(minutes=40)
    click(bot, AGENT, Action.REPLY_SENT, case.id)
    reply_modal = opened_view(slack, View.REPLY_SENT)
    bad = bot.interact(view_submission(user_id=AGENT, view=reply_modal, values={Field.REPLY_URL.value: {Field.REPLY_URL.value: {"type": "plain_text_input", "value": "not a link"}}}))
    assert bad.json() == {"response_action": "errors", "errors": {Field.REPLY_URL.value: "Paste the full link to your public reply, starting with https://"}}
    good_url = "https://blog.example.com/2026/11/acme-double-charge/#comment-12"
    ok = bot.interact(view_submission(user_id=AGENT, view=reply_modal, values={Field.REPLY_URL.value: {Field.REPLY_URL.value: {"type": "plain_text_input", "value": good_url}}}))
    assert ok.status_code == 200

    wait_for(lambda: the_case(runtime).first_response_at is not None)
    replied = the_case(runtime)
    assert replied.first_response_at == clock.now and replied.reply_url == good_url
    notes = wait_for(lambda: [m for m in slack.thread(CHANNEL, case.message_ts) if "sent the public reply" in m["text"]])
    assert "40 min after detection" in notes[0]["text"]
    assert actions_of(runtime, case.id)[-2:] == ["draft_saved", "reply_sent"]


def test_changing_tone_rewrites_the_draft_in_the_open_modal(runtime: Runtime, slack: FakeSlack, bot: BotClient) -> None:
    poll(runtime)
    case = the_case(runtime)
    click(bot, AGENT, Action.DRAFT, case.id)
    modal = {**opened_view(slack, View.DRAFT), "id": "V0DRAFT001", "hash": "h1"}
    modal["state"] = {"values": {
        Field.DRAFT_TONE.value: {Field.DRAFT_TONE.value: {"type": "radio_buttons", "selected_option": {"value": "formal"}}},
        Field.DRAFT_OPTIONS.value: {Field.DRAFT_OPTIONS.value: {"type": "checkboxes", "selected_options": [{"value": "gesture"}]}},
    }}

    bot.interact(block_action(user_id=AGENT, action_id=Field.DRAFT_TONE.value, value="", view=modal))

    updated = wait_for(lambda: slack.calls_to("views.update"))[0]
    assert updated.args["view_id"] == "V0DRAFT001"
    text_block = next(b for b in updated.args["view"]["blocks"] if b.get("block_id", "").startswith(Field.DRAFT_TEXT.value))
    assert text_block["block_id"] == "draft-text-formal-10"
    draft = text_block["element"]["initial_value"]
    assert draft.startswith("Hello") and "credit" in draft


def test_escalation_dms_the_manager_who_can_acknowledge_and_take_over(
    runtime: Runtime, slack: FakeSlack, bot: BotClient
) -> None:
    poll(runtime)
    case = the_case(runtime)

    click(bot, AGENT, Action.ESCALATE, case.id)
    modal = opened_view(slack, View.ESCALATE)
    manager_block = next(b for b in modal["blocks"] if b.get("block_id") == Field.MANAGER.value)
    assert manager_block["element"]["initial_user"] == MANAGER
    values = {
        Field.MANAGER.value: {Field.MANAGER.value: {"type": "users_select", "selected_user": MANAGER}},
        Field.REASON.value: {Field.REASON.value: {"type": "plain_text_input", "value": "Third double charge this week"}},
        Field.SEVERITY.value: {Field.SEVERITY.value: {"type": "static_select", "selected_option": {"value": "high"}}},
    }
    bot.interact(view_submission(user_id=AGENT, view=modal, values=values))

    dm_channel = wait_for(lambda: slack.calls_to("conversations.open"))[0]
    assert dm_channel.args["users"] == MANAGER
    dm = wait_for(lambda: [c for c in slack.calls_to("chat.postMessage") if c.args["channel"].startswith("D")])[0]
    dm_text = str(dm.args["blocks"])
    assert "Third double charge this week" in dm_text and Action.ACKNOWLEDGE.value in dm_text
    assert "https://acme.slack.com/archives/" in dm_text
    escalated = the_case(runtime)
    assert (escalated.status, escalated.escalated_to, escalated.severity) == ("escalated", MANAGER, "high")
    card_update = wait_for(lambda: slack.calls_to("chat.update"))[-1]
    assert f"escalated to <@{MANAGER}>" in str(card_update.args["blocks"])

    dm_id = dm.args["channel"]
    dm_ts = slack.channel_messages(dm_id)[0]["ts"]
    click(bot, MANAGER, Action.ACKNOWLEDGE, case.id, channel_id=dm_id, message_ts=dm_ts)
    wait_for(lambda: "escalation_acknowledged" in actions_of(runtime, case.id))
    click(bot, MANAGER, Action.TAKE_OVER, case.id, channel_id=dm_id, message_ts=dm_ts)
    wait_for(lambda: the_case(runtime).assignee == MANAGER)
    dm_updates = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["channel"] == dm_id and "took over" in c.args["text"]])
    assert "actions" not in str(dm_updates[0].args["blocks"])
    wait_for(lambda: len(slack.thread(CHANNEL, case.message_ts)) >= 3)
    notes = [m["text"] for m in slack.thread(CHANNEL, case.message_ts)]
    assert any("acknowledged the escalation" in n for n in notes) and any("took this over" in n for n in notes)


def test_mark_resolved_records_resolution_root_cause_and_time(runtime: Runtime, slack: FakeSlack, bot: BotClient, clock: Clock) -> None:
    poll(runtime)
    case = the_case(runtime)
    clock.advance(hours=3)

    click(bot, AGENT, Action.RESOLVE, case.id)
    modal = opened_view(slack, View.RESOLVE)
    values = {
        Field.RESOLUTION.value: {Field.RESOLUTION.value: {"type": "plain_text_input", "value": "Refunded the duplicate charge"}},
        Field.ROOT_CAUSE.value: {Field.ROOT_CAUSE.value: {"type": "radio_buttons", "selected_option": {"value": "systemic"}}},
    }
    bot.interact(view_submission(user_id=AGENT, view=modal, values=values))

    wait_for(lambda: the_case(runtime).status == "resolved")
    resolved = the_case(runtime)
    assert (resolved.resolved_at, resolved.root_cause, resolved.resolution) == (clock.now, "systemic", "Refunded the duplicate charge")
    update = wait_for(lambda: slack.calls_to("chat.update"))[-1]
    assert [e["type"] for e in update.args["blocks"][-1]["elements"]] == ["overflow"]
    note = wait_for(lambda: slack.thread(CHANNEL, case.message_ts))[0]
    assert "resolved this 3 h after detection" in note["text"] and "systemic problem" in note["text"]


def test_unsigned_or_tampered_requests_are_refused_and_change_nothing(runtime: Runtime, slack: FakeSlack, bot: BotClient) -> None:
    poll(runtime)
    case = the_case(runtime)
    payload = block_action(user_id=AGENT, action_id=Action.CLAIM.value, value=case_value(case.id))

    from tests.slack_requests import interactive_body

    assert bot.post(interactive_body(payload), "application/x-www-form-urlencoded", secret="wrong-secret").status_code == 401
    stale = bot.post(interactive_body(payload), "application/x-www-form-urlencoded", timestamp=1_600_000_000)
    assert stale.status_code == 401
    unsigned = bot.http.post(f"{bot.base_url}/slack/events", content=interactive_body(payload), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert unsigned.status_code == 401
    assert the_case(runtime).status == "open"
    assert slack.calls_to("chat.update") == []


def test_a_crash_after_slack_accepted_the_card_does_not_post_it_twice(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    http = httpx.Client(transport=feed_transport({FEED_URL: FIXTURES / "feeds" / "acme-alerts.xml"}))
    poll_sources(runtime, http=http)

    class CrashAfterPost(Exception):
        pass

    drainer = runtime.drainer
    original = drainer._record_post

    def crash(*args: object) -> None:
        raise CrashAfterPost()

    drainer._record_post = crash  # type: ignore[method-assign]
    with pytest.raises(CrashAfterPost):
        drainer.drain()
    drainer._record_post = original  # type: ignore[method-assign]
    assert len(slack.channel_messages(CHANNEL)) == 1

    # "Restart": a new runtime on the same database, once the dead drainer's lease has run out.
    clock.advance(seconds=runtime.config.schedule.outbox_lease_seconds + 1)
    restarted = Runtime.build(runtime.settings, runtime.config, clock=clock)
    restarted.drainer.drain()

    assert len(slack.calls_to("chat.postMessage")) == 1
    case = the_case(runtime)
    assert case.message_ts == slack.channel_messages(CHANNEL)[0]["ts"]


def test_slack_rate_limit_keeps_the_card_in_the_outbox_until_retry_after(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=1, times=2)
    poll(runtime)
    assert slack.channel_messages(CHANNEL) == []
    with session_scope(runtime.sessions) as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.sent_at is None and row.last_error == "ratelimited"

    runtime.drainer.drain()  # too early: Retry-After not over yet
    assert len(slack.calls_to("chat.postMessage")) == 2
    clock.advance(seconds=2)
    runtime.drainer.drain()

    assert len(slack.channel_messages(CHANNEL)) == 1
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 0


def test_slack_server_errors_are_retried_with_backoff(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", status=500, times=1)
    poll(runtime)
    assert slack.channel_messages(CHANNEL) == []
    clock.advance(minutes=1)
    runtime.drainer.drain()
    assert len(slack.channel_messages(CHANNEL)) == 1


def test_a_critical_case_is_sent_to_the_manager_at_once(runtime: Runtime, slack: FakeSlack) -> None:
    feed = (FIXTURES / "feeds" / "acme-alerts.xml").read_text().replace(
        "Terrible service, I want my money back", "The charger caught fire and my lawyer will be in touch. Unsafe"
    )
    http = httpx.Client(transport=feed_transport({FEED_URL: feed.encode()}))
    poll_sources(runtime, http=http)
    runtime.drainer.drain()
    case = the_case(runtime)
    assert case.severity == "critical"
    dm = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"].startswith("D")]
    assert len(dm) == 1 and "🚨 A *critical* complaint" in str(dm[0].args["blocks"])
    assert slack.calls_to("conversations.open")[0].args["users"] == MANAGER


def test_a_card_post_that_timed_out_after_slack_took_it_is_not_posted_again(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    runtime.slack.timeout = 1
    slack.delay("chat.postMessage", 2, after=True)  # Slack posts the card, then answers too late
    poll(runtime)
    assert len(slack.channel_messages(CHANNEL)) == 1 and the_case(runtime).message_ts is None
    slack.delays.clear()
    clock.advance(minutes=5)
    runtime.drainer.drain()
    assert len(slack.channel_messages(CHANNEL)) == 1
    assert the_case(runtime).message_ts == slack.channel_messages(CHANNEL)[0]["ts"]
