"""Incidents over signed HTTP: grouped from a card or a command, owned, moved on, escalated once, nudged by their own SLA."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import IncidentEvent
from bot.db.session import session_scope
from bot.domain.enums import IncidentStatus
from bot.flows.reminders import run_reminders
from bot.runtime import Runtime
from message_blocks.ids import Action, Field, MoreChoice, View, case_value
from tests.conftest import BotClient, Clock
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.incident_steps import (
    AGENT,
    CHANNEL,
    MANAGER,
    MANAGER_DM,
    OTHER,
    as_text,
    choose,
    told,
    incident_cards,
    incidents,
    join_modal,
    posted,
    press,
    reply_to,
    submit_join,
    the_case,
    the_incident,
    timeline,
    write_root_cause,
)
from tests.slack_requests import block_action, view_submission


def test_a_card_joins_a_new_incident_then_another_joins_it_and_leaves_again(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    first, second = posted(runtime, 2)

    modal = join_modal(bot, slack, first)
    assert Field.INCIDENT_PICK.value not in as_text(modal["blocks"])  # none open yet: only "name a new one"
    assert submit_join(bot, modal, title="Double charges after the <!channel> billing update").status_code == 200
    [card] = wait_for(lambda: incident_cards(slack))
    incident = wait_for(lambda: (found := incidents(runtime)) and found[0].message_ts and found[0])
    assert incident.origin == "person" and incident.opened_by == AGENT and (incident.channel_id, incident.message_ts) == (CHANNEL, card["ts"])
    shown = as_text(card["blocks"])
    assert "Incident #1: Double charges after the &lt;!channel&gt; billing update" in shown and "<!channel>" not in shown
    assert "*Complaints*\\n1 complaint" in shown and "Charged" not in shown and "acme-alerts (1)" in shown and "billing (1)" in shown
    assert [b["action_id"] for b in card["blocks"][-1]["elements"]] == [
        Action.INCIDENT_CLAIM, Action.INCIDENT_STATUS, Action.INCIDENT_ROOT_CAUSE, Action.INCIDENT_ESCALATE
    ]
    first_card = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == first.message_ts])[-1]
    assert "part of incident #1" in as_text(first_card.args["blocks"])
    assert wait_for(lambda: slack.thread(CHANNEL, first.message_ts or ""))[-1]["text"].startswith(f"<@{AGENT}> made this part of incident #1")
    assert the_case(runtime, first.id).incident_id == incident.id

    # The second case picks the open incident from the menu.
    modal = join_modal(bot, slack, second, user=OTHER)
    assert "#1 Double charges" in as_text(modal["blocks"])
    submit_join(bot, modal, incident_id=incident.id, user=OTHER)
    wait_for(lambda: the_case(runtime, second.id).incident_id == incident.id)
    redrawn = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == card["ts"] and "2 complaints" in as_text(c.args["blocks"])])
    assert len(redrawn[-1].args["blocks"]) <= 50
    wait_for(lambda: any(f"<@{OTHER}> added 1 case: #{second.id}" in m["text"] for m in slack.thread(CHANNEL, card["ts"])))
    # Opened and joined in one step: one message in the thread; the second case's join is a message of its own.
    opened = f"Incident #1 opened (by <@{AGENT}>). Its timeline follows in this thread.\n<@{AGENT}> added 1 case: #{first.id}."
    assert [m["text"] for m in slack.thread(CHANNEL, card["ts"])][:2] == [opened, f"<@{OTHER}> added 1 case: #{second.id}."]

    # …and leaves it: a case on its own again, with its own SLA.
    choose(bot, OTHER, second, MoreChoice.LEAVE_INCIDENT)
    wait_for(lambda: the_case(runtime, second.id).incident_id is None)
    wait_for(lambda: any(f"took case #{second.id} out" in m["text"] for m in slack.thread(CHANNEL, card["ts"])))
    assert timeline(runtime, incident.id) == ["opened", "cases_added", "cases_added", "case_removed"]


def test_the_command_opens_adds_lists_shows_and_closes(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    cases = posted(runtime, 3)
    opened = reply_to(bot, slack, "incident new Parcels lost in the Leeds depot")
    assert "Opened incident *#1*" in as_text(opened["blocks"])
    added = reply_to(bot, slack, f"incident add 1 {cases[0].id}, {cases[1].id} 999")
    assert f"Added 2 cases to incident #1: #{cases[0].id}, #{cases[1].id}. There is no case #999." in as_text(added["blocks"])
    assert "2 complaints" in as_text(reply_to(bot, slack, "incident list")["blocks"])
    shown = as_text(reply_to(bot, slack, "incident show 1")["blocks"])
    assert "Parcels lost in the Leeds depot" in shown and "*Timeline*" in shown and "cases added by <@U0AGENT001>" in shown
    assert "case is already part of" not in shown
    again = reply_to(bot, slack, f"incident add 1 {cases[0].id}")
    assert as_text(again["blocks"]).count(f"Case #{cases[0].id} is already part of incident #1. Nothing was changed.") == 1
    reply_to(bot, slack, f"incident remove {cases[1].id}")
    assert the_case(runtime, cases[1].id).incident_id is None
    assert "Incident #1 is closed." in as_text(reply_to(bot, slack, "incident close 1")["blocks"])
    assert "none" in as_text(reply_to(bot, slack, "incident list")["blocks"]) and "Closed" in as_text(reply_to(bot, slack, "incident list all")["blocks"])
    assert reply_to(bot, slack, "incident show x")["text"] == "`incident show` needs an incident number, like `/complaint incident show 42`."
    assert reply_to(bot, slack, "incident show 7")["blocks"][0]["text"]["text"] == "There is no incident #7."


def test_merging_a_case_into_a_closed_incident_is_refused_and_changes_nothing(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    first, second = posted(runtime, 2)
    reply_to(bot, slack, "incident new Old outage")
    reply_to(bot, slack, f"incident add 1 {first.id}")
    reply_to(bot, slack, "incident close 1")
    events_before = len(timeline(runtime, 1))

    refused = reply_to(bot, slack, f"incident add 1 {second.id}")
    assert refused["blocks"][0]["text"]["text"] == (
        "Incident #1 is closed: no case can join it any more. If the problem is back, open a new incident "
        "(`/complaint incident new TITLE`). Nothing was changed."
    )
    # From the card's menu too: the closed incident is not offered, and a stale modal's choice is refused.
    modal = join_modal(bot, slack, second)
    assert "Old outage" not in as_text(modal["blocks"])
    submit_join(bot, modal, incident_id=1)
    assert wait_for(lambda: told(slack, AGENT))[-1].startswith("Incident #1 is closed")
    assert the_case(runtime, second.id).incident_id is None and len(timeline(runtime, 1)) == events_before


def test_an_incident_is_claimed_moved_on_and_its_fix_needs_a_root_cause_first(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    [case] = posted(runtime, 1)
    reply_to(bot, slack, "incident new Double charges")
    reply_to(bot, slack, f"incident add 1 {case.id}")
    card_ts = wait_for(lambda: incident_cards(slack))[0]["ts"]

    press(bot, AGENT, Action.INCIDENT_CLAIM, 1)
    wait_for(lambda: the_incident(runtime, 1).owner == AGENT)
    press(bot, OTHER, Action.INCIDENT_CLAIM, 1)
    assert wait_for(lambda: told(slack, OTHER))[-1] == f"<@{AGENT}> already owns incident #1."

    press(bot, AGENT, Action.INCIDENT_STATUS, 1, to=IncidentStatus.FIXING)
    wait_for(lambda: the_incident(runtime, 1).status == "fixing")
    press(bot, AGENT, Action.INCIDENT_STATUS, 1, to=IncidentStatus.FIXING)  # a second click: refused, nothing changes
    assert wait_for(lambda: [t for t in told(slack, AGENT) if "already fixing" in t])
    press(bot, AGENT, Action.INCIDENT_STATUS, 1, to=IncidentStatus.FIXED)
    assert wait_for(lambda: [t for t in told(slack, AGENT) if "root cause and fix first" in t])
    assert the_incident(runtime, 1).status == "fixing"

    write_root_cause(bot, slack, 1, "A retry in the payment service charged cards twice; it is fixed and refunds went out.")
    wait_for(lambda: the_incident(runtime, 1).root_cause)
    press(bot, AGENT, Action.INCIDENT_STATUS, 1, to=IncidentStatus.FIXED)
    fixed = wait_for(lambda: (i := the_incident(runtime, 1)).fixed_at and i)
    assert fixed.check_in_at == fixed.fixed_at + timedelta(days=30)
    card = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == card_ts and "✅ Fixed" in as_text(c.args["blocks"])])[-1]
    assert "A retry in the payment service" in as_text(card.args["blocks"]) and f"owner <@{AGENT}>" in as_text(card.args["blocks"])
    assert [e["action_id"] for e in card.args["blocks"][-1]["elements"]] == [Action.INCIDENT_STATUS, Action.INCIDENT_ROOT_CAUSE, Action.INCIDENT_ESCALATE]
    assert timeline(runtime, 1) == ["opened", "cases_added", "claimed", "fixing", "root_cause", "fixed"]


def test_escalating_cases_of_an_incident_sends_the_manager_one_dm_updated_as_it_grows(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    cases = posted(runtime, 3)
    reply_to(bot, slack, "incident new Outage")
    reply_to(bot, slack, f"incident add 1 {cases[0].id} {cases[1].id}")

    for case in cases[:2]:
        before = len(slack.calls_to("views.open"))
        bot.interact(block_action(user_id=AGENT, action_id=Action.ESCALATE.value, value=case_value(case.id), message_ts=case.message_ts or ""))
        modal = wait_for(lambda: slack.calls_to("views.open")[before:])[0].args["view"]
        values = {
            Field.MANAGER.value: {Field.MANAGER.value: {"type": "users_select", "selected_user": MANAGER}},
            Field.REASON.value: {Field.REASON.value: {"type": "plain_text_input", "value": "Many customers"}},
            Field.SEVERITY.value: {Field.SEVERITY.value: {"type": "static_select", "selected_option": {"value": "high"}}},
        }
        assert modal["callback_id"] == View.ESCALATE
        bot.interact(view_submission(user_id=AGENT, view=modal, values=values))
        wait_for(lambda: the_case(runtime, case.id).status == "escalated")

    [dm] = wait_for(lambda: slack.channel_messages(MANAGER_DM))
    assert dm["text"] == "Incident #1 (2 complaints) was escalated to you." and "2 complaints* so far" in as_text(dm["blocks"])
    # It grows: the same DM is redrawn with the new count, no second DM.
    reply_to(bot, slack, f"incident add 1 {cases[2].id}")
    wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["channel"] == MANAGER_DM and "3 complaints" in c.args["text"]])
    assert len(slack.channel_messages(MANAGER_DM)) == 1
    assert the_incident(runtime, 1).escalated_to == MANAGER


def test_cases_in_an_incident_raise_no_sla_reminders_the_incident_raises_its_own(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    inside, alone = posted(runtime, 2)
    reply_to(bot, slack, "incident new Outage")
    reply_to(bot, slack, f"incident add 1 {inside.id}")
    clock.advance(hours=30)

    report = run_reminders(runtime)
    assert report.claim_breaches == 1  # the case on its own; the one in the incident is followed up there
    assert (report.incidents.unowned, report.incidents.unfixed) == (1, 1)
    assert the_case(runtime, inside.id).claim_breach_notified_at is None
    assert the_case(runtime, alone.id).claim_breach_notified_at is not None
    card_ts = the_incident(runtime, 1).message_ts or ""
    notes = [m["text"] for m in slack.thread(CHANNEL, card_ts)]
    assert any("no owner for 30 min" in n for n in notes) and any("still not fixed after 24 h" in n for n in notes)
    assert any("still not fixed" in m["text"] for m in slack.channel_messages(MANAGER_DM))
    again = run_reminders(runtime)
    assert (again.claim_breaches, again.incidents.any) == (0, False)


def test_an_incident_whose_every_case_is_not_a_complaint_closes_and_keeps_its_history(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    first, second = posted(runtime, 2)
    reply_to(bot, slack, "incident new Looks like a pile-on")
    reply_to(bot, slack, f"incident add 1 {first.id} {second.id}")

    choose(bot, AGENT, first, MoreChoice.NOT_A_COMPLAINT)
    wait_for(lambda: the_case(runtime, first.id).status == "dismissed")
    assert the_incident(runtime, 1).status == "investigating"
    choose(bot, OTHER, second, MoreChoice.NOT_A_COMPLAINT)
    closed = wait_for(lambda: (i := the_incident(runtime, 1)).status == "closed" and i)
    assert closed.closed_at is not None
    card_ts = closed.message_ts or ""
    note = wait_for(lambda: [m["text"] for m in slack.thread(CHANNEL, card_ts) if "last case of this incident" in m["text"]])
    assert note == [f"<@{OTHER}> marked the last case of this incident as not a complaint, so the incident is closed. Its cases stay linked and its timeline is kept."]
    card = [c for c in slack.calls_to("chat.update") if c.args["ts"] == card_ts][-1]
    assert "0 complaints (2 more marked not a complaint)" in as_text(card.args["blocks"]) and "Closed" in as_text(card.args["blocks"])
    # Nothing lost: both cases are still linked and labelled, the timeline says why it closed.
    assert {the_case(runtime, c.id).incident_id for c in (first, second)} == {1}
    assert timeline(runtime, 1)[-1] == "closed_no_complaints"
    with session_scope(runtime.sessions) as session:
        assert session.query(IncidentEvent).filter_by(incident_id=1, action="closed_no_complaints").one().actor == OTHER


def test_the_digest_stats_and_app_home_show_incidents_opened_fixed_time_to_fix_and_loops_closed(
    runtime: Runtime, slack: FakeSlack, clock: Clock
) -> None:
    from bot.domain.enums import DraftPurpose
    from bot.flows import app_home, incident_loops
    from bot.flows import incidents as incident_flows
    from bot.flows.reports import build_digest, stats_reply
    from bot.services import incident_follow_ups
    from message_blocks.digest import digest_blocks

    cases = posted(runtime, 3)
    first, _ = incident_flows.join(runtime, case_ids=[cases[0].id, cases[1].id], user_id=AGENT, incident_id=None, title="Double charges")
    incident_flows.join(runtime, case_ids=[cases[2].id], user_id=AGENT, incident_id=None, title="Late parcels")
    incident_flows.save_root_cause(runtime, incident_id=first, user_id=AGENT, note="a retry charged cards twice")
    clock.advance(hours=3)
    incident_flows.advance(runtime, incident_id=first, to=IncidentStatus.FIXING, user_id=AGENT)
    incident_flows.advance(runtime, incident_id=first, to=IncidentStatus.FIXED, user_id=AGENT)
    with runtime.transaction() as session:
        [one, _] = [f.draft_id for f in incident_loops.follow_up_views(runtime, session, first, DraftPurpose.INCIDENT_FIX)]
    incident_loops.replied_by_hand(runtime, incident_id=first, draft_id=one, user_id=AGENT)
    clock.advance(minutes=1)

    expected = "*Incidents:* 2 opened, 1 fixed (median time to fix 3 h), 1.5 complaints per incident, 1 loop closed"
    assert expected in as_text(stats_reply(runtime, days=7))
    digest = build_digest(runtime, end=clock.now)
    assert (digest.incidents.opened, digest.incidents.fixed, digest.incidents.loops_closed) == (2, 1, 1)
    assert expected in as_text(digest_blocks(digest))
    app_home.publish(runtime, user_id=AGENT)
    home = as_text(slack.calls_to("views.publish")[-1].args["view"])
    assert "Incidents opened / fixed*\\n2 / 1" in home and "Median time to fix*\\n3 h" in home and "Loops closed*\\n1" in home
    with runtime.transaction() as session:
        assert len(incident_follow_ups.drafted(session=session, incident_id=first, purpose=DraftPurpose.INCIDENT_FIX)) == 2


def test_the_incident_card_escalates_to_a_manager_through_its_modal(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> None:
    [case] = posted(runtime, 1)
    reply_to(bot, slack, "incident new Outage")
    reply_to(bot, slack, f"incident add 1 {case.id}")
    before = len(slack.calls_to("views.open"))
    press(bot, AGENT, Action.INCIDENT_ESCALATE, 1)
    modal = wait_for(lambda: slack.calls_to("views.open")[before:])[0].args["view"]
    assert modal["callback_id"] == View.INCIDENT_ESCALATE and modal["blocks"][1]["element"]["initial_user"] == MANAGER
    values = {
        Field.MANAGER.value: {Field.MANAGER.value: {"type": "users_select", "selected_user": MANAGER}},
        Field.REASON.value: {Field.REASON.value: {"type": "plain_text_input", "value": "Press are asking <!here>"}},
    }
    assert bot.interact(view_submission(user_id=AGENT, view=modal, values=values)).status_code == 200
    [dm] = wait_for(lambda: slack.channel_messages(MANAGER_DM))
    assert "*Why:* Press are asking &lt;!here&gt;" in as_text(dm["blocks"]) and "<!here>" not in as_text(dm["blocks"])
    card = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == the_incident(runtime, 1).message_ts and MANAGER in as_text(c.args["blocks"])])[-1]
    assert Action.INCIDENT_ESCALATE.value not in as_text(card.args["blocks"])  # escalated once: the button is gone


def test_closing_an_incident_resolves_its_cases_and_one_reopened_later_has_its_own_sla_again(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock
) -> None:
    [case] = posted(runtime, 1)
    reply_to(bot, slack, "incident new Outage")
    reply_to(bot, slack, f"incident add 1 {case.id}")
    reply_to(bot, slack, "incident close 1")

    resolved = the_case(runtime, case.id)
    assert (resolved.status, resolved.root_cause, resolved.resolution) == ("resolved", "systemic", "Resolved with incident #1.")
    card = wait_for(lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == case.message_ts and "Resolved" in as_text(c.args["blocks"])])
    assert "part of incident #1" in as_text(card[-1].args["blocks"])
    choose(bot, AGENT, case, MoreChoice.REOPEN)
    wait_for(lambda: the_case(runtime, case.id).status == "open")
    clock.advance(hours=1)
    assert run_reminders(runtime).claim_breaches == 1  # its incident is closed: it is a case on its own again
