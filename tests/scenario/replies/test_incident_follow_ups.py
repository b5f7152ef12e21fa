"""Closing every loop of a fixed incident: one follow-up per complainant for approval, "Approve all" publishes each once
where the source allows, the rest are answered by hand, loops are counted, and the check-in comes a month later."""

from __future__ import annotations

from bot.domain.enums import DraftPurpose
from bot.flows import incident_loops
from bot.flows.reminders import run_reminders
from bot.runtime import Runtime
from message_blocks.ids import Action, parse_incident_value
from tests.conftest import BotClient, Clock
from tests.fake_network import FakeNetwork
from tests.fake_slack import FakeSlack
from tests.helpers import race, wait_for
from tests.scenario.incident_steps import AGENT, OTHER, as_text, press, reply_to, seed, the_case, the_incident, timeline, told, write_root_cause
from tests.scenario.replies.conftest import CHANNEL, drafts_of, poll_all

FIX = "A payment retry charged some cards twice; it is fixed and every double charge was refunded"
PUBLISHED = {"mastodon": ("POST", "/api/v1/statuses"), "bluesky": ("POST", "/xrpc/com.atproto.repo.createRecord"), "reddit": ("POST", "/api/comment")}


def fixed_incident(runtime: Runtime, bot: BotClient, slack: FakeSlack) -> tuple[int, list[int], int]:
    """Mastodon, Bluesky and Reddit complaints polled, plus a blog's (no reply API), grouped, fixed: (incident, cases, blog case)."""
    poll_all(runtime)
    blog = seed(runtime, 9, author="Dana Blogger", kind="rss", source="a-blog")
    runtime.drainer.drain()
    case_ids = [c for c in range(1, blog + 1)]
    reply_to(bot, slack, "incident new Double charges")
    reply_to(bot, slack, "incident add 1 " + " ".join(str(c) for c in case_ids))
    write_root_cause(bot, slack, 1, FIX)
    wait_for(lambda: the_incident(runtime, 1).root_cause)
    press(bot, AGENT, Action.INCIDENT_STATUS, 1, to="fixing")
    wait_for(lambda: the_incident(runtime, 1).status == "fixing")
    press(bot, AGENT, Action.INCIDENT_STATUS, 1, to="fixed")
    wait_for(lambda: the_incident(runtime, 1).status == "fixed")
    return 1, case_ids, blog


def review(slack: FakeSlack, runtime: Runtime) -> list[dict]:
    ts = the_incident(runtime, 1).message_ts or ""
    return wait_for(lambda: [m for m in slack.thread(CHANNEL, ts) if "follow-ups to approve" in m["text"]])


def published_count(network: FakeNetwork) -> dict[str, int]:
    return {kind: len(network.seen(method, path)) for kind, (method, path) in PUBLISHED.items()}


def follow_ups_by_network(runtime: Runtime, case_ids: list[int]) -> dict[str, int]:
    """How many follow-ups each network with a reply API should get (one per complainant there)."""
    kinds = [the_case(runtime, c).mention.source_kind for c in case_ids if drafts_of(runtime, c)]
    return {kind: kinds.count(kind) for kind in PUBLISHED}


def test_fixed_drafts_one_follow_up_each_approve_all_publishes_once_the_rest_by_hand(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, clock: Clock
) -> None:
    incident_id, case_ids, blog = fixed_incident(runtime, bot, slack)

    [message] = review(slack, runtime)
    expected = follow_ups_by_network(runtime, case_ids)
    publishable = sum(expected.values())
    assert publishable >= 3 and all(expected.values())
    shown = as_text(message["blocks"])
    assert "Incident #1 is fixed." in shown and f"{publishable} can be published from here, 1 needs a reply by hand." in shown
    assert FIX[:40] in shown and "✋ reply by hand" in shown
    drafted = [c for c in case_ids if drafts_of(runtime, c)]
    assert len(drafted) == publishable + 1  # one per complainant: a person who wrote twice gets one
    for case_id in drafted:
        [draft] = drafts_of(runtime, case_id)
        assert draft.purpose == DraftPurpose.INCIDENT_FIX and draft.incident_id == incident_id
    mastodon = drafts_of(runtime, 1)[0].text
    assert len(mastodon) <= 500 and mastodon.startswith("@")
    assert drafts_of(runtime, blog)[0].text.endswith("Dana Reyes, Head of Customer Care")  # a blog comment is signed
    approve = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert approve["text"]["text"] == f"Approve all ({publishable})" and parse_incident_value(approve["value"]) == (1, {"purpose": "incident_fix"})

    press(bot, AGENT, Action.INCIDENT_APPROVE_ALL, 1, purpose="incident_fix")
    wait_for(lambda: all(drafts_of(runtime, c)[0].published_at for c in drafted if c != blog), timeout=15)
    assert published_count(network) == expected
    note = wait_for(lambda: [m["text"] for m in slack.thread(CHANNEL, the_incident(runtime, 1).message_ts or "") if "approved all" in m["text"]])
    assert note == [f"<@{AGENT}> approved all: {publishable} follow-ups published, 1 still to answer by hand (listed above)."]

    # Pressed again (or by someone else): nothing more goes out.
    press(bot, OTHER, Action.INCIDENT_APPROVE_ALL, 1, purpose="incident_fix")
    wait_for(lambda: len([m for m in slack.thread(CHANNEL, the_incident(runtime, 1).message_ts or "") if "approved all" in m["text"]]) == 2)
    assert published_count(network) == expected

    # The blog is answered by hand: one more loop closed, once.
    by_hand = next(b["accessory"] for b in message["blocks"] if b.get("accessory", {}).get("action_id") == Action.INCIDENT_REPLIED_BY_HAND)
    draft_id = parse_incident_value(by_hand["value"])[1]["draft_id"]
    press(bot, AGENT, Action.INCIDENT_REPLIED_BY_HAND, 1, draft_id=draft_id)
    wait_for(lambda: drafts_of(runtime, blog)[0].published_at)
    press(bot, OTHER, Action.INCIDENT_REPLIED_BY_HAND, 1, draft_id=draft_id)
    assert wait_for(lambda: told(slack, OTHER))[-1].startswith("This reply is already")
    card = [c for c in slack.calls_to("chat.update") if c.args["ts"] == the_incident(runtime, 1).message_ts][-1]
    assert f"loops closed {publishable + 1} of {publishable + 1}" in as_text(card.args["blocks"])
    assert timeline(runtime, 1).count("answered_by_hand") == 1

    # A month later: the check-in, once, with one DM to the owner (who claimed it) and drafts asking whether the fix held.
    press(bot, AGENT, Action.INCIDENT_CLAIM, 1)
    wait_for(lambda: the_incident(runtime, 1).owner == AGENT)
    clock.advance(days=30, minutes=1)
    assert run_reminders(runtime).incidents.check_ins == 1
    assert run_reminders(runtime).incidents.check_ins == 0
    # The running bot's drain posts them a moment later.
    check_ins = wait_for(lambda: [m for m in slack.thread(CHANNEL, the_incident(runtime, 1).message_ts or "") if "time for the check-in" in as_text(m["blocks"])])
    assert len(check_ins) == 1 and f"Approve all ({publishable})" in as_text(check_ins[0]["blocks"])
    assert len(wait_for(lambda: [m for m in slack.channel_messages("D0AGENT001") if m["text"].startswith("Incident #1 was fixed a month ago")])) == 1


def test_two_replicas_approving_all_at_once_publish_each_follow_up_once(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork
) -> None:
    _, case_ids, blog = fixed_incident(runtime, bot, slack)
    review(slack, runtime)
    expected = follow_ups_by_network(runtime, case_ids)

    race(runtime, "reply_drafts", lambda rt: incident_loops.approve_all(rt, incident_id=1, purpose=DraftPurpose.INCIDENT_FIX, user_id=AGENT))

    assert published_count(network) == expected
    assert timeline(runtime, 1).count("approved_all") == 2
    publishable = [d for c in case_ids if c != blog for d in drafts_of(runtime, c)]
    assert len(publishable) == sum(expected.values()) and all(d.published_at for d in publishable)
