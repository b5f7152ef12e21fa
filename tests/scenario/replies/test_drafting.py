"""The draft modal answers this complaint in its medium; the follow-up reminder brings a check-in that publishes the same way."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models import Case, MentionRecord
from bot.db.session import session_scope
from bot.domain.drafts.post_length import mastodon_length
from bot.domain.enums import RootCause
from bot.flows.reminders import run_reminders
from bot.runtime import Runtime
from bot.services import cases
from message_blocks.ids import Action
from tests.conftest import BotClient, Clock
from tests.fake_network import MASTODON_REPLY_URL, FakeNetwork
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.replies.conftest import (
    AGENT,
    CHANNEL,
    buttons,
    case_from,
    click_publish,
    draft_block,
    drafts_of,
    open_draft_modal,
    poll_all,
    saved_draft_message,
    submit_draft,
)
from tests.unit.blocks.test_fuzz import INJECTIONS, mrkdwn_texts


def only_mastodon(network: FakeNetwork, *statuses: tuple[str, str, str]) -> None:
    """The hashtag timeline holds these (id, author, words) and the other networks nothing."""
    template = network.mastodon_statuses[0]
    network.mastodon_statuses = [
        {**template, "id": status_id, "url": f"https://social.example/@{acct}/{status_id}", "content": f"<p>{words}</p>",
         "account": {**template["account"], "acct": acct}}
        for status_id, acct, words in statuses
    ]
    network.bluesky_posts, network.reddit_listing["data"]["children"] = [], []


def cases_by_author(runtime: Runtime) -> dict[str, Case]:
    with session_scope(runtime.sessions) as session:
        rows = session.execute(select(MentionRecord.author, Case).join(Case, Case.id == MentionRecord.case_id)).all()
    return {author: case for author, case in rows}


def test_two_complaints_get_two_drafts_that_each_name_what_went_wrong(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    only_mastodon(
        network,
        ("117020600000000101", "ines", "My #Acme order arrived two weeks late and the box was crushed."),
        ("117020600000000102", "omar", "#Acme charged me twice for one subscription and nobody answers the phone."),
    )
    poll_all(runtime)
    by_author = cases_by_author(runtime)

    ines = draft_block(open_draft_modal(bot, slack, by_author["ines"]))["element"]["initial_value"]
    omar = draft_block(open_draft_modal(bot, slack, by_author["omar"]))["element"]["initial_value"]

    assert ines.startswith("@ines ") and "your order arrived two weeks late and the box was crushed" in ines
    assert omar.startswith("@omar ") and "we charged you twice for one subscription" in omar
    assert "help@acme.example" in ines and "help@acme.example" in omar
    assert max(mastodon_length(ines), mastodon_length(omar)) <= 500


def test_a_blog_post_gets_a_signed_comment_and_a_forum_a_plain_reply(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    network.reddit_listing["data"]["children"] = network.reddit_listing["data"]["children"][:1]
    poll_all(runtime)
    polled = {c.id for c in cases_by_author(runtime).values()}
    bot.command(AGENT, "add https://blog.example.com/acme-parcel Acme lost my parcel twice and nobody called back")
    manual = wait_for(lambda: [c for c in cases_by_author(runtime).values() if c.message_ts and c.id not in polled])[0]

    comment = draft_block(open_draft_modal(bot, slack, manual))["element"]["initial_value"]
    forum = draft_block(open_draft_modal(bot, slack, case_from(runtime, "reddit")))["element"]["initial_value"]

    assert "we lost your parcel twice and nobody called back" in comment and comment.endswith("\n\nDana Reyes, Head of Customer Care")
    assert "another try" in comment
    assert forum.startswith("Hi crumbs_everywhere, I work on the support team here.") and "Dana Reyes" not in forum


def test_a_troll_gets_no_draft_but_a_note_on_why_not(runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    with session_scope(runtime.sessions) as session:
        session.execute(update(Case).where(Case.id == case.id).values(troll=True))

    modal = open_draft_modal(bot, slack, case)

    assert "No draft: this reads as abuse without a specific problem" in json.dumps(modal["blocks"])
    assert "initial_value" not in draft_block(modal)["element"]


def test_a_hostile_mention_still_gets_a_safe_draft_within_the_limit(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    hostile = (
        "&lt;!channel&gt; &lt;@U0ADMIN01&gt; @everyone *LOOK* at &lt;https://evil.example|acme.com&gt; "
        "My #Acme refund never arrived and support hung up on me twice. " + "spam " * 2000
    )
    only_mastodon(network, ("117020600000000103", "ines", hostile))
    network.mastodon_statuses[0]["account"]["acct"] = "*evil*<!here>"
    poll_all(runtime)
    case = next(iter(cases_by_author(runtime).values()))

    draft = draft_block(open_draft_modal(bot, slack, case))["element"]["initial_value"]

    assert 0 < mastodon_length(draft) <= 500
    for unsafe in ("<!channel>", "<@U0ADMIN01>", "@everyone", "evil.example", "<!here>", "*evil*", "spam spam"):
        assert unsafe not in draft
    assert "refund never arrived" in draft
    message = saved_draft_message(bot, slack, case, draft + " <!channel> <@U0ADMIN01>")
    rendered = " ".join(mrkdwn_texts(message["blocks"]))
    assert not [injection for injection in INJECTIONS if injection in rendered]


def test_an_edit_past_the_networks_limit_stays_in_the_modal_with_the_count(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    modal = open_draft_modal(bot, slack, case)
    block_id = draft_block(modal)["block_id"]

    too_long = submit_draft(bot, modal, "@ines " + "a" * 495)
    shorten = "Mastodon counts this reply as 501 characters and allows 500: shorten it."
    assert too_long.json() == {"response_action": "errors", "errors": {block_id: shorten}}
    assert drafts_of(runtime, case.id) == []
    # Mastodon counts any link as 23 characters: this is 539 characters long but 490 as Mastodon counts it.
    with_link = "@ines " + "a" * 460 + " https://status.acme.example/incidents/2026/11/20/refund-delays-explained"
    accepted = submit_draft(bot, modal, with_link)
    assert accepted.status_code == 200 and accepted.content == b""
    assert wait_for(lambda: drafts_of(runtime, case.id))[0].text == with_link


def test_the_follow_up_brings_a_check_in_that_publishes_without_moving_the_first_response(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, clock: Clock
) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")
    with session_scope(runtime.sessions) as session:
        cases.resolve(session=session, case_id=case.id, user_id=AGENT, resolution="Refunded", root_cause=RootCause.ISOLATED,
                      now=clock.now, follow_up_at=clock.now + timedelta(days=30))
    clock.advance(days=30, minutes=1)

    assert run_reminders(runtime).follow_ups == 1

    dm = next(c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"].startswith("D"))
    [check_in] = drafts_of(runtime, case.id)
    assert check_in.purpose == "follow_up" and check_in.text.startswith("@ines a month ago you told us")
    assert check_in.text in dm["blocks"][2]["text"]["text"].replace("&gt; ", "")
    in_thread = [m for m in slack.thread(CHANNEL, case.message_ts or "") if "check-in" in str(m["blocks"])]
    assert len(in_thread) == 1 and list(buttons(in_thread[0])) == [Action.PUBLISH_REPLY, Action.OPEN_ORIGINAL]

    click_publish(bot, AGENT, buttons({"blocks": dm["blocks"]})[Action.PUBLISH_REPLY], channel_id=dm["channel"])

    [sent] = wait_for(lambda: network.seen("POST", "/api/v1/statuses"))
    assert sent.json()["status"] == check_in.text
    note = wait_for(lambda: [m["text"] for m in slack.thread(CHANNEL, case.message_ts or "") if "published the follow-up" in m["text"]])[0]
    assert note == f"<@{AGENT}> published the follow-up on Mastodon: <{MASTODON_REPLY_URL}|{MASTODON_REPLY_URL}>"
    assert wait_for(lambda: slack.calls_to("chat.postEphemeral"))[0].args["channel"] == dm["channel"]
    after = case_from(runtime, "mastodon")
    assert (after.first_response_at, after.reply_url) == (None, None)
