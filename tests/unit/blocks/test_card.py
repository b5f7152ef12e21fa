"""The triage card, asserted as data and validated by slack_sdk's block models."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.refusals import NotUnderstood
from bot.domain.views import CaseView
from message_blocks.card import card_text, case_card, status_line
from message_blocks.ids import Action, MoreChoice, parse_case_value, parse_incident_value, parse_more_value

DETECTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

CASE = CaseView(
    case_id=7,
    status="open",
    source_kind="hackernews",
    source_name="hn-acme",
    url="https://news.ycombinator.com/item?id=1",
    title="Acme double charged me",
    text="Charged twice, no refund, support silent.",
    author="jdoe",
    published_at=DETECTED - timedelta(minutes=5),
    detected_at=DETECTED,
    score=0.91,
    reasons=("'no refund'",),
    severity="high",
    topics=("billing",),
)


def _valid(blocks: list[dict]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()


def test_open_card_has_the_four_buttons_with_the_case_id() -> None:
    blocks = case_card(CASE)
    _valid(blocks)
    actions = blocks[-1]
    assert actions["type"] == "actions"
    buttons, menu = actions["elements"][:-1], actions["elements"][-1]
    assert [e["action_id"] for e in buttons] == [Action.CLAIM, Action.DRAFT, Action.ESCALATE, Action.RESOLVE]
    assert [e["text"]["text"] for e in buttons] == ["Claim", "Draft reply", "Escalate to manager", "Mark resolved"]
    assert all(parse_case_value(e["value"]) == 7 for e in buttons)
    assert menu["type"] == "overflow"
    assert [parse_more_value(o["value"]) for o in menu["options"]] == [
        (7, MoreChoice.NOT_A_COMPLAINT),
        (7, MoreChoice.MUTE_AUTHOR),
        (7, MoreChoice.SNOOZE_HOUR),
        (7, MoreChoice.SNOOZE_DAY),
        (7, MoreChoice.JOIN_INCIDENT),
    ]


def test_a_case_in_an_incident_says_so_and_offers_to_leave_it_not_to_join_another() -> None:
    blocks = case_card(replace(CASE, incident_id=3))
    _valid(blocks)
    assert "part of incident #3" in str(blocks)
    options = [parse_more_value(o["value"]) for o in blocks[-1]["elements"][-1]["options"]]
    assert (7, MoreChoice.LEAVE_INCIDENT) in options and (7, MoreChoice.JOIN_INCIDENT) not in options
    assert len(options) <= 5  # Slack's limit for an overflow menu


def test_card_shows_source_author_link_excerpt_time_and_score() -> None:
    blocks = case_card(CASE)
    assert blocks[0]["text"]["text"] == "🟠 *<https://news.ycombinator.com/item?id=1|Acme double charged me>*"
    facts = blocks[1]["elements"][0]["text"]
    assert facts.startswith("#7 · Hacker News · hn-acme · by jdoe · published <!date^")
    assert "negativity 0.91" in facts and "severity high" in facts and "topics: billing" in facts
    assert blocks[2]["text"]["text"] == "&gt; Charged twice, no refund, support silent."
    assert "Why flagged" in blocks[3]["elements"][0]["text"]
    assert blocks[4]["text"]["text"] == "*Unclaimed*"


def test_why_flagged_quotes_the_evidence_escaped_and_short() -> None:
    quoted = replace(CASE, reasons=("1-star review",), evidence="Support said <!channel> & hung up on me.\nTwice.")
    why = case_card(quoted)[3]["elements"][0]["text"]
    assert why == "Why flagged: 1-star review\n&gt; Support said &lt;!channel&gt; &amp; hung up on me. Twice."
    only_evidence = case_card(replace(CASE, reasons=(), evidence="x " * 400))[3]["elements"][0]["text"]
    assert only_evidence.startswith("Why flagged:\n&gt; x x") and len(only_evidence) < 360 and only_evidence.endswith("…")
    assert all("Why flagged" not in str(b) for b in case_card(replace(CASE, reasons=(), evidence="")))


def test_claimed_card_names_owner_and_time_to_claim() -> None:
    claimed = replace(CASE, status="claimed", assignee="U0AGENT001", claimed_at=DETECTED + timedelta(minutes=12))
    assert status_line(claimed) == "*Claimed* · owner <@U0AGENT001> 12 min after detection"
    buttons = [e["action_id"] for e in case_card(claimed)[-1]["elements"]]
    assert Action.CLAIM not in buttons


def test_resolved_card_offers_only_reopen_and_says_why() -> None:
    resolved = replace(
        CASE, status="resolved", resolved_at=DETECTED + timedelta(hours=3), root_cause="systemic", resolution="Refunded"
    )
    blocks = case_card(resolved)
    _valid(blocks)
    assert blocks[-1]["elements"] == [
        {
            "type": "overflow",
            "action_id": Action.MORE,
            "options": [{"text": {"type": "plain_text", "text": "Reopen"}, "value": '{"case_id": 7, "do": "reopen"}'}],
        }
    ]
    assert "resolved 3 h after detection (systemic problem)" in status_line(resolved)


def test_hostile_mention_is_escaped_everywhere() -> None:
    hostile = replace(
        CASE,
        title="<!channel> refund <https://evil.example|acme.com>",
        text="<@U0CEO0001> " + "x" * 10_000,
        author="<!here>",
    )
    blocks = case_card(hostile)
    _valid(blocks)
    rendered = str(blocks) + card_text(hostile)
    assert "<!channel>" not in rendered and "<!here>" not in rendered and "<@U0CEO0001>" not in rendered
    assert "<https://evil.example" not in rendered
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_similar_mentions_are_counted_on_the_card() -> None:
    joined = replace(CASE, similar_urls=("https://a.example/1", "https://b.example/2"))
    assert "+2 similar (<https://a.example/1|1>, <https://b.example/2|2>)" in status_line(joined)


def test_a_mention_in_another_language_is_named_and_an_unscored_one_shows_no_score() -> None:
    spanish = _facts_text(replace(CASE, language="es"))
    assert "Spanish" in spanish and "negativity 0.91" in spanish
    assert "English" not in _facts_text(replace(CASE, language="en")) and "English" not in _facts_text(CASE)
    unscored = replace(CASE, language="ja", unscored=True, score=0.0)
    facts = _facts_text(unscored)
    assert "*not scored: Japanese — please judge*" in facts and "negativity" not in facts
    assert card_text(unscored).startswith("Mention #7 (not scored: Japanese — please judge) on Hacker News")
    assert "Why here: the detector does not read Japanese" in str(case_card(replace(unscored, reasons=("the detector does not read Japanese",))))
    _valid(case_card(unscored))


def _facts_text(case: CaseView) -> str:
    return case_card(case)[1]["elements"][0]["text"]


def test_a_forged_incident_reference_is_not_understood() -> None:
    for forged in ("", "{}", '{"incident_id": "7"}', '{"incident_id": -1}', "[1]"):
        with pytest.raises(NotUnderstood):
            parse_incident_value(forged)
