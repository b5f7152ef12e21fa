"""/complaint, the "Report as complaint" shortcut and the card's overflow menu, over signed HTTP."""

from __future__ import annotations

import json
import time


def as_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)

from sqlalchemy import select

from bot.db.models import Case, MutedAuthor
from bot.db.session import session_scope
from bot.runtime import Runtime
from message_blocks.ids import Action, MoreChoice, View, more_value
from tests.conftest import BotClient, Clock
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for, writes_held
from tests.scenario.test_core_loop import AGENT, CHANNEL, OTHER, actions_of, click, poll, the_case
from tests.slack_requests import block_action, message_shortcut


def reply_to(bot: BotClient, slack: FakeSlack, text: str, user: str = AGENT) -> dict:
    before = len(slack.calls_to("respond"))
    response = bot.command(user, text)
    assert response.status_code == 200 and response.text == ""
    return wait_for(lambda: slack.calls_to("respond")[before:])[0].args


def test_empty_command_shows_help(bot: BotClient, slack: FakeSlack) -> None:
    reply = reply_to(bot, slack, "")
    assert reply["response_type"] == "ephemeral"
    assert "`/complaint list [open|mine|unclaimed|escalated]`" in as_text(reply["blocks"])


def test_unknown_and_malformed_input_get_usage_help_not_a_stack_trace(bot: BotClient, slack: FakeSlack) -> None:
    unknown = reply_to(bot, slack, "frobnicate <!channel>")
    assert unknown["blocks"][0]["text"]["text"].startswith("I don't know `frobnicate`.")
    assert "`/complaint show ID`" in as_text(unknown["blocks"])
    assert reply_to(bot, slack, "show abc")["text"] == "`show` needs a case number, like `/complaint show 42`."
    assert reply_to(bot, slack, "list everything")["text"] == "`list` takes one of open, mine, unclaimed, escalated."
    assert reply_to(bot, slack, "show 999")["blocks"][0]["text"]["text"] == "There is no case #999."


def test_list_filters_and_show(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime)
    case = the_case(runtime)
    assert f"*#{case.id}*" in as_text(reply_to(bot, slack, "list unclaimed")["blocks"])
    assert "nothing here" in as_text(reply_to(bot, slack, "list mine")["blocks"])

    reply_to(bot, slack, f"claim {case.id}")
    wait_for(lambda: the_case(runtime).assignee == AGENT)
    mine = as_text(reply_to(bot, slack, "list mine")["blocks"])
    assert f"*#{case.id}*" in mine and "Claimed" in mine
    assert "nothing here" in as_text(reply_to(bot, slack, "list unclaimed")["blocks"])
    assert "nothing here" in as_text(reply_to(bot, slack, "list escalated")["blocks"])

    shown = as_text(reply_to(bot, slack, f"show #{case.id}")["blocks"])
    assert "charged me twice" in shown and "detected by the bot" in shown and f"claimed by <@{AGENT}>" in shown


def test_claim_by_command_when_taken_tells_the_user_who_has_it(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime)
    case = the_case(runtime)
    assert reply_to(bot, slack, f"claim {case.id}")["text"] == f"Case #{case.id} is yours."
    assert reply_to(bot, slack, f"claim {case.id}", user=OTHER)["text"] == f"<@{AGENT}> already has case #{case.id}."


def test_resolve_by_command_opens_the_resolve_modal(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime)
    case = the_case(runtime)
    bot.command(AGENT, f"resolve {case.id}")
    opened = wait_for(lambda: slack.calls_to("views.open"))[0]
    assert opened.args["view"]["callback_id"] == View.RESOLVE


def test_mute_and_unmute(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    assert reply_to(bot, slack, "mute @Angry_Troll")["text"] == "Muted @Angry_Troll: their future mentions are ignored."
    assert reply_to(bot, slack, "mute angry_troll")["text"] == "angry_troll was already muted."
    with session_scope(runtime.sessions) as session:
        assert list(session.scalars(select(MutedAuthor.author))) == ["angry_troll"]
    assert reply_to(bot, slack, "unmute @angry_troll")["text"] == "Unmuted @angry_troll."
    assert reply_to(bot, slack, "unmute @angry_troll")["text"] == "@angry_troll was not muted."


def test_sources_reports_health(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    assert "not polled yet" in as_text(reply_to(bot, slack, "sources")["blocks"])
    poll(runtime)
    health = as_text(reply_to(bot, slack, "sources")["blocks"])
    assert "*acme-alerts* (RSS)" in health and "🟢 ok" in health and "3 items seen" in health


def test_message_shortcut_turns_a_slack_message_into_a_case(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    message = {"type": "message", "text": "Customer on the phone: Acme lost my parcel twice, furious", "user": "U0SUPPORT1", "ts": "1763600000.000100"}
    payload = message_shortcut(user_id=AGENT, callback_id="report-as-complaint", message=message, response_url=slack.response_url)
    assert bot.interact(payload).status_code == 200

    reply = wait_for(lambda: slack.calls_to("respond"))[0].args
    case = the_case(runtime)
    assert reply["blocks"][0]["text"]["text"].startswith(f"Created case *#{case.id}*")
    card = wait_for(lambda: slack.channel_messages(CHANNEL))[0]
    assert "lost my parcel twice" in as_text(card["blocks"])
    assert "https://acme.slack.com/archives/C0GENERAL1/p1763600000000100" in as_text(card["blocks"])
    assert "by Jordan Lee" in as_text(card["blocks"]) and "U0SUPPORT1" not in as_text(card["blocks"])
    assert actions_of(runtime, case.id) == ["detected", "reported", "posted"]

    again = bot.interact(payload)
    assert again.status_code == 200
    second = wait_for(lambda: slack.calls_to("respond")[1:])[0].args
    assert second["blocks"][0]["text"]["text"].startswith(f"That was already case *#{case.id}*")
    assert [c.args["user"] for c in slack.calls_to("users.info")] == ["U0SUPPORT1"]  # the name is cached


def test_the_same_message_reported_twice_at_once_is_one_case_and_two_answers(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    message = {"type": "message", "text": "Customer on the phone: Acme lost my parcel twice, furious", "user": "U0SUPPORT1", "ts": "1763600000.000100"}
    with writes_held(runtime, "mentions") as waiting:
        for user in (AGENT, OTHER):
            payload = message_shortcut(user_id=user, callback_id="report-as-complaint", message=message, response_url=slack.response_url)
            assert bot.interact(payload).status_code == 200
        # Both have looked for the message and found nothing; both now wait to store it.
        wait_for(lambda: len(slack.calls_to("chat.getPermalink")) == 2)
        if waiting() >= 0:
            wait_for(lambda: waiting() == 2)
        else:
            time.sleep(0.5)
    wait_for(lambda: len(slack.calls_to("respond")) == 2)
    replies = [call.args["blocks"][0]["text"]["text"] for call in slack.calls_to("respond")]

    case = the_case(runtime)
    assert sorted(reply.split("*")[0] for reply in replies) == ["Created case ", "That was already case "]
    assert all(f"*#{case.id}*" in reply for reply in replies)
    assert not [c for c in slack.calls_to("chat.postEphemeral") if "went wrong" in c.args["text"]]


def choose(bot: BotClient, runtime: Runtime, user: str, case: Case, choice: MoreChoice) -> None:
    payload = block_action(user_id=user, action_id=Action.MORE.value, value="", message_ts=case.message_ts or "")
    payload["actions"][0] = {"action_id": Action.MORE.value, "block_id": "b", "type": "overflow", "selected_option": {"value": more_value(case.id, choice)}}
    assert bot.interact(payload).status_code == 200


def test_overflow_not_a_complaint_then_reopen(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime)
    case = the_case(runtime)
    choose(bot, runtime, AGENT, case, MoreChoice.NOT_A_COMPLAINT)
    wait_for(lambda: the_case(runtime).status == "dismissed")
    assert the_case(runtime).dismissed_reason == "false_positive"
    card = wait_for(lambda: slack.calls_to("chat.update"))[-1].args["blocks"]
    assert "not a complaint" in as_text(card)
    assert [o["value"] for o in card[-1]["elements"][0]["options"]] == [more_value(case.id, MoreChoice.REOPEN)]

    choose(bot, runtime, AGENT, case, MoreChoice.REOPEN)
    wait_for(lambda: the_case(runtime).status == "open")
    assert the_case(runtime).dismissed_reason is None
    assert actions_of(runtime, case.id)[-2:] == ["dismissed", "reopened"]


def test_overflow_snooze(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    poll(runtime)
    case = the_case(runtime)
    choose(bot, runtime, AGENT, case, MoreChoice.SNOOZE_HOUR)
    wait_for(lambda: the_case(runtime).snoozed_until is not None)
    assert (the_case(runtime).snoozed_until - clock.now).total_seconds() == 3600
    assert "snoozed until" in as_text(wait_for(lambda: slack.calls_to("chat.update"))[-1].args["blocks"])


def test_people_outside_the_triage_channel_are_refused_clearly(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime)
    case = the_case(runtime)
    outsider = "U0OUTSIDE1"
    click(bot, outsider, Action.CLAIM, case.id)
    refusal = wait_for(lambda: slack.calls_to("chat.postEphemeral"))[0]
    assert refusal.args["user"] == outsider
    assert refusal.args["text"] == "Only members of <#C0TRIAGE01> can claim cases."
    assert the_case(runtime).status == "open"

    click(bot, outsider, Action.ESCALATE, case.id)
    wait_for(lambda: len(slack.calls_to("chat.postEphemeral")) == 2)
    assert slack.calls_to("views.open") == []
    assert reply_to(bot, slack, "mute someone", user=outsider)["text"] == "Only members of <#C0TRIAGE01> can mute authors."


def test_only_managers_or_the_escalation_target_can_take_over(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    poll(runtime)
    case = the_case(runtime)
    with session_scope(runtime.sessions) as session:
        from bot.services import cases

        cases.escalate(session=session, case_id=case.id, user_id=AGENT, manager_id="U0LEAD0001", reason="VIP", severity="high", now=runtime.clock())
    click(bot, OTHER, Action.TAKE_OVER, case.id, channel_id="D0DM000001")
    refusal = wait_for(lambda: slack.calls_to("chat.postEphemeral"))[0]
    assert refusal.args["text"] == "Only managers can take over escalations."
    click(bot, "U0LEAD0001", Action.TAKE_OVER, case.id, channel_id="D0DM000001", message_ts="1700000000.000001")
    wait_for(lambda: the_case(runtime).assignee == "U0LEAD0001")


def test_add_reports_a_mention_by_hand_without_fetching_private_pages(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    reply = reply_to(bot, slack, "add <https://10.0.0.7/t/42> Caller says Acme lost the parcel twice")
    case = the_case(runtime)
    assert reply["blocks"][0]["text"]["text"].startswith(f"Created case *#{case.id}*")
    assert "I could not fetch a title from that page" in as_text(reply["blocks"])  # so the card's title is the URL
    card = wait_for(lambda: slack.channel_messages(CHANNEL))[0]
    assert "Reported by hand" in as_text(card["blocks"]) and "lost the parcel twice" in as_text(card["blocks"])
    assert actions_of(runtime, case.id)[:2] == ["detected", "reported"]
    again = reply_to(bot, slack, "add https://10.0.0.7/t/42")
    assert again["blocks"][0]["text"]["text"].startswith(f"That was already case *#{case.id}*")
    assert reply_to(bot, slack, "add not-a-link")["text"].startswith("`add` needs a link")


def test_app_home_shows_my_cases_unclaimed_escalations_and_numbers(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    from tests.slack_requests import event_callback

    poll(runtime)
    case = the_case(runtime)
    with session_scope(runtime.sessions) as session:
        from bot.services import cases

        cases.claim(session=session, case_id=case.id, user_id=AGENT, now=runtime.clock())
    body = json.dumps(event_callback({"type": "app_home_opened", "user": AGENT, "channel": "D0HOME0001", "tab": "home", "event_ts": "1.1"}))
    assert bot.post(body, "application/json").status_code == 200
    published = wait_for(lambda: slack.calls_to("views.publish"))[0].args
    assert published["user_id"] == AGENT
    text = as_text(published["view"]["blocks"])
    assert "Your cases (1)" in text and f"*#{case.id}*" in text and "Unclaimed (0)" in text and "Last 7 days" in text
    assert "Escalated to you" not in text

    retried = bot.post(body, "application/json", headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retried.status_code == 200
    wait_for(lambda: len(slack.calls_to("views.publish")) == 2)  # a retried event just publishes the same view again

    manager_body = json.dumps(event_callback({"type": "app_home_opened", "user": "U0MANAGER1", "channel": "D0HOME0002", "tab": "home", "event_ts": "1.2"}))
    bot.post(manager_body, "application/json")
    manager_view = wait_for(lambda: [c for c in slack.calls_to("views.publish") if c.args["user_id"] == "U0MANAGER1"])[0]
    assert "Escalated to you (0)" in as_text(manager_view.args["view"]["blocks"])


def test_export_labels_writes_the_teams_decisions(runtime: Runtime, bot: BotClient, slack: FakeSlack, tmp_path) -> None:
    from bot.classifier.tsv import read_labelled
    from bot.domain.enums import RootCause
    from bot.flows.labels import export
    from bot.services import cases

    poll(runtime)
    case = the_case(runtime)
    with session_scope(runtime.sessions) as session:
        cases.resolve(session=session, case_id=case.id, user_id=AGENT, resolution="refunded", root_cause=RootCause.SYSTEMIC, now=runtime.clock())
    rows = export(runtime, tmp_path / "labels" / "train.tsv")
    assert rows == [("Acme charged me twice and support ignores my emails\nMy card was charged twice by Acme for one order. Three emails later still no refund and no answer. Terrible service, I want my money back ...", 1)]
    texts, labels = read_labelled(tmp_path / "labels" / "train.tsv")
    assert labels == [1] and "\n" not in texts[0]
