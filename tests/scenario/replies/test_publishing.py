"""Publish reply: the approved text goes out once, where the complaint was written, and becomes the first response."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.db.models import CaseEvent
from bot.db.session import session_scope
from bot.flows import publish
from bot.runtime import Runtime
from bot.services import replies
from bot.services.replies import PublishRefused
from message_blocks.ids import Action, parse_draft_value
from tests.conftest import BotClient, Clock
from tests.fake_network import BLUESKY_REPLY_URL, MASTODON_REPLY_URL, MASTODON_STATUS_ID, REDDIT_REPLY_URL, Answer, FakeNetwork
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.replies.conftest import (
    AGENT,
    CHANNEL,
    MASTO_TOKEN,
    OTHER,
    buttons,
    case_from,
    click_publish,
    drafts_of,
    poll_all,
    saved_draft_message,
)
from tests.slack_requests import block_action

STATUSES = "/api/v1/statuses"


def thread_texts(slack: FakeSlack, ts: str | None) -> list[str]:
    return [m["text"] for m in slack.thread(CHANNEL, ts or "")]


def ephemerals(slack: FakeSlack, user: str) -> list[str]:
    return [c.args["text"] for c in slack.calls_to("chat.postEphemeral") if c.args["user"] == user]


def events(runtime: Runtime, case_id: int) -> list[str]:
    with session_scope(runtime.sessions) as session:
        return list(session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def test_an_edited_mastodon_draft_is_published_once_and_becomes_the_first_response(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, clock: Clock
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    approved = "@ines Three weeks is far too long to wait for a refund, and I'm sorry. Could you send your order number to help@acme.example?"
    message = saved_draft_message(bot, slack, case, approved)
    publish_button = buttons(message)[Action.PUBLISH_REPLY]
    assert list(buttons(message)) == [Action.PUBLISH_REPLY, Action.OPEN_ORIGINAL, Action.REPLY_SENT]
    assert publish_button["confirm"]["confirm"]["text"] == "Publish"
    assert parse_draft_value(publish_button["value"]) == (case.id, drafts_of(runtime, case.id)[0].id)

    clock.advance(minutes=25)
    click_publish(bot, AGENT, publish_button, message_ts=message["ts"])

    [sent] = wait_for(lambda: network.seen("POST", STATUSES))
    assert sent.json() == {"status": approved, "in_reply_to_id": MASTODON_STATUS_ID}
    assert sent.headers["authorization"] == f"Bearer {MASTO_TOKEN}"
    assert sent.headers["idempotency-key"] == f"complaint-bot-draft-{drafts_of(runtime, case.id)[0].id}"
    replied = wait_for(lambda: (c := case_from(runtime, "mastodon")).first_response_at and c)
    assert (replied.first_response_at, replied.reply_url) == (clock.now, MASTODON_REPLY_URL)
    note = wait_for(lambda: [t for t in thread_texts(slack, case.message_ts) if "published the reply" in t])[0]
    assert note == f"<@{AGENT}> published the reply on Mastodon 25 min after detection: <{MASTODON_REPLY_URL}|{MASTODON_REPLY_URL}>"
    card = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == case.message_ts and MASTODON_REPLY_URL in str(c.args["blocks"])])[-1]
    assert f"<{MASTODON_REPLY_URL}|replied> 25 min after detection" in str(card.args["blocks"])
    [draft] = drafts_of(runtime, case.id)
    assert (draft.text, draft.published_url, draft.published_at) == (approved, MASTODON_REPLY_URL, clock.now)
    assert events(runtime, case.id)[-2:] == ["draft_saved", "reply_sent"]
    # The draft's message now says where it went; nothing on it sends it again.
    redrawn = wait_for(lambda: [c.args for c in slack.calls_to("chat.update") if c.args["ts"] == message["ts"]])[-1]
    assert redrawn["channel"] == CHANNEL and approved in str(redrawn["blocks"])
    assert f"Published on Mastodon: <{MASTODON_REPLY_URL}|{MASTODON_REPLY_URL}>" in str(redrawn["blocks"])
    assert list(buttons(redrawn)) == [Action.OPEN_ORIGINAL]


def test_two_people_clicking_publish_at_once_publish_it_once(runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    publish_button = buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY]
    network.answer(STATUSES, Answer(delay=0.5))  # the network is slow: the second click lands mid-publication
    start = threading.Barrier(2)

    def click(user: str) -> None:
        start.wait()
        click_publish(bot, user, publish_button)

    clickers = [threading.Thread(target=click, args=(user,)) for user in (AGENT, OTHER)]
    for thread in clickers:
        thread.start()
    for thread in clickers:
        thread.join()

    wait_for(lambda: case_from(runtime, "mastodon").reply_url == MASTODON_REPLY_URL)
    told = wait_for(lambda: [c.args for c in slack.calls_to("chat.postEphemeral")])
    # The slower click is told the reply is under way (or, on a slow machine, already out).
    assert len(told) == 1 and ("already being published" in told[0]["text"] or MASTODON_REPLY_URL in told[0]["text"])
    assert len(network.seen("POST", STATUSES)) == 1
    assert events(runtime, case.id).count("reply_sent") == 1


def test_a_retried_click_after_publishing_publishes_nothing_and_says_where_it_is(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    publish_button = buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY]
    click_publish(bot, AGENT, publish_button)
    wait_for(lambda: case_from(runtime, "mastodon").reply_url)

    click_publish(bot, AGENT, publish_button, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})

    told = wait_for(lambda: ephemerals(slack, AGENT))
    assert told == [f"This reply is already published: <{MASTODON_REPLY_URL}|{MASTODON_REPLY_URL}>"]
    assert len(network.seen("POST", STATUSES)) == 1


def test_a_crash_between_claiming_and_recording_never_publishes_twice(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    saved_draft_message(bot, slack, case)
    [draft] = drafts_of(runtime, case.id)

    class Crash(Exception):
        pass

    def crash(**kwargs: object) -> None:
        raise Crash()

    with monkeypatch.context() as patched, pytest.raises(Crash):
        patched.setattr(replies, "published", crash)  # the network answered; the process dies before writing it down
        publish.publish(runtime, case_id=case.id, draft_id=draft.id, user_id=AGENT)
    assert len(network.seen("POST", STATUSES)) == 1

    restarted = Runtime.build(runtime.settings, runtime.config, clock=clock)
    with pytest.raises(PublishRefused) as refused:
        publish.publish(restarted, case_id=case.id, draft_id=draft.id, user_id=OTHER)
    restarted.engine.dispose()
    assert refused.value.draft.publish_started_at is not None and refused.value.draft.published_url is None
    assert len(network.seen("POST", STATUSES)) == 1


GONE = "the post is gone: Mastodon cannot find it (deleted or hidden). Nothing was sent and the case is unchanged."
REFUSALS = {
    "gone": (Answer(404, {"error": "Record not found"}), GONE),
    "auth": (
        Answer(401, {"error": f"The access token {MASTO_TOKEN} is invalid"}),
        "Mastodon refused the account's credentials: HTTP 401 (The access token *** is invalid)",
    ),
    "rate-limited": (
        Answer(429, {"error": "Too many requests"}, {"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"}),
        "Mastodon is rate limiting this account",
    ),
    "text-refused": (
        Answer(422, {"error": "Validation failed: Text character limit of 500 exceeded"}),
        "Mastodon refused the reply: HTTP 422 (Validation failed",
    ),
}


@pytest.mark.parametrize("answer,told", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_is_told_in_the_thread_records_nothing_and_leaves_the_draft_publishable(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, answer: Answer, told: str
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    publish_button = buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY]
    network.answer(STATUSES, answer)

    click_publish(bot, AGENT, publish_button)

    note = wait_for(lambda: [t for t in thread_texts(slack, case.message_ts) if "was not published" in t])[0]
    assert note.startswith(f"⚠️ <@{AGENT}>, the reply was not published: ") and told in note
    assert MASTO_TOKEN not in note
    unchanged = case_from(runtime, "mastodon")
    assert (unchanged.first_response_at, unchanged.reply_url) == (None, None)
    [draft] = drafts_of(runtime, case.id)
    assert (draft.publish_started_at, draft.published_at) == (None, None) and draft.publish_error
    assert events(runtime, case.id)[-1] == "publish_failed"

    click_publish(bot, AGENT, publish_button)  # a definite no sent nothing: publishing again is safe
    wait_for(lambda: case_from(runtime, "mastodon").reply_url == MASTODON_REPLY_URL)
    assert len(network.seen("POST", STATUSES)) == 2


@pytest.mark.parametrize("answer", [Answer(502, {"error": "Bad gateway"}), Answer(delay=2)], ids=["server-error", "timeout"])
def test_an_unknown_outcome_asks_to_check_and_is_never_retried(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, answer: Answer
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    next(s for s in runtime.config.sources if s.kind == "mastodon").timeout_seconds = 0.5  # the stall outlasts it
    publish_button = buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY]
    network.answer(STATUSES, answer)

    click_publish(bot, AGENT, publish_button)

    note = wait_for(lambda: [t for t in thread_texts(slack, case.message_ts) if "did not finish" in t], timeout=10)[0]
    assert "may have gone out" in note and "*Reply sent…*" in note and "<https://social.example/@ines/117020600000000003|the original post>" in note
    assert case_from(runtime, "mastodon").first_response_at is None
    assert events(runtime, case.id)[-1] == "publish_unsure"

    click_publish(bot, OTHER, publish_button)
    assert "already being published" in wait_for(lambda: ephemerals(slack, OTHER))[0]
    assert len(network.seen("POST", STATUSES)) == 1


def test_only_people_allowed_to_draft_may_publish(runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    publish_button = buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY]
    outsider = "U0OUTSIDE1"

    click_publish(bot, outsider, publish_button)

    assert wait_for(lambda: ephemerals(slack, outsider)) == ["Only members of <#C0TRIAGE01> can draft replies."]
    assert network.seen("POST", STATUSES) == [] and drafts_of(runtime, case.id)[0].publish_started_at is None


def test_bluesky_and_reddit_replies_are_published_from_their_own_accounts(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    network.reddit_listing["data"]["children"] = network.reddit_listing["data"]["children"][:1]  # the warranty claim
    poll_all(runtime)
    for kind, url in (("bluesky", BLUESKY_REPLY_URL), ("reddit", REDDIT_REPLY_URL)):
        case = case_from(runtime, kind)
        click_publish(bot, AGENT, buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY])
        wait_for(lambda kind=kind: case_from(runtime, kind).reply_url == url)

    [created] = network.seen("POST", "/xrpc/com.atproto.repo.createRecord")
    parent = {"uri": "at://did:plc:mara0000000000000/app.bsky.feed.post/3lbq2xyzacme1", "cid": "bafyrei3lbq2xyzacme1"}
    record = created.json()["record"]
    assert record["reply"] == {"root": parent, "parent": parent} and record["text"] == drafts_of(runtime, case_from(runtime, "bluesky").id)[0].text
    [comment] = network.seen("POST", "/api/comment")
    assert comment.form()["thing_id"] == ["t3_1q9zz01"] and comment.headers["authorization"] == "Bearer reddit-user-token"


def test_a_source_that_lost_its_credentials_refuses_and_later_drafts_offer_the_original(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    publish_button = buttons(saved_draft_message(bot, slack, case))[Action.PUBLISH_REPLY]
    masto = next(s for s in runtime.config.sources if s.kind == "mastodon")
    masto.access_token_env = None  # the admin took the token away

    click_publish(bot, AGENT, publish_button)
    assert "can no longer be published to source *masto*" in wait_for(lambda: ephemerals(slack, AGENT))[0]
    assert network.seen("POST", STATUSES) == []

    message = saved_draft_message(bot, slack, case)
    assert list(buttons(message)) == [Action.OPEN_ORIGINAL, Action.REPLY_SENT]
    assert buttons(message)[Action.OPEN_ORIGINAL]["url"] == "https://social.example/@ines/117020600000000003"
    assert "posted by hand" in str(message["blocks"])
    # Slack opens the link itself but still tells the app: the click is acknowledged, nothing else happens.
    opened = bot.interact(block_action(user_id=AGENT, action_id=Action.OPEN_ORIGINAL.value, value=""))
    assert opened.status_code == 200 and opened.content == b""
