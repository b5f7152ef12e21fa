"""Property test: whatever a mention contains, every payload stays within Slack's limits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.domain.views import CaseView, DraftOptions, DraftShown, EventView, ReplyDraftView, ReplyRoute
from message_blocks.blocks import section
from message_blocks.burst import LISTED, burst_summary
from message_blocks.card import card_text, case_card
from message_blocks.modals import draft_modal, escalate_modal, reply_sent_modal, resolve_modal
from message_blocks.notes import escalation_dm
from message_blocks.reminders import unclaimed_blocks, unsnoozed_blocks
from message_blocks.replies import case_detail, case_list
from message_blocks.reply_notes import draft_message, not_published_note, unsure_note

HOSTILE = st.sampled_from(["<!channel>", "<!here>", "<@U0ADMIN01>", "<https://evil.example|acme.com>", "&amp;", "\u202e", "\x00", "*_~`", "@everyone", "|", ">"])
text = st.lists(st.one_of(st.text(max_size=400), HOSTILE), max_size=30).map("".join)
moment = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))

cases = st.builds(
    CaseView,
    case_id=st.integers(1, 10**9),
    status=st.sampled_from(["open", "claimed", "escalated", "resolved", "dismissed"]),
    source_kind=st.sampled_from(["rss", "hackernews", "reddit", "webhook", "manual", "x"]),
    source_name=text,
    url=st.one_of(text, st.just("https://acme.com/" + "a" * 5000), st.just("javascript:alert(1)"), st.just("https://social.example/@ines/1170")),
    title=text,
    text=st.one_of(text, st.just("x" * 50_000)),
    author=text,
    published_at=st.none() | moment,
    detected_at=moment,
    score=st.floats(0, 1),
    reasons=st.lists(text, max_size=8).map(tuple),
    evidence=text,
    severity=st.sampled_from(["low", "medium", "high", "critical", "weird"]),
    topics=st.lists(text, max_size=10).map(tuple),
    troll=st.booleans(),
    rating=st.none() | st.integers(1, 5),
    reach=st.none() | st.integers(0, 10**9),
    assignee=st.none() | st.just("U0AGENT001"),
    claimed_at=st.none() | moment,
    escalated_to=st.none() | st.just("U0MANAGER1"),
    escalation_reason=st.none() | text,
    resolved_at=st.none() | moment,
    resolution=st.none() | text,
    root_cause=st.none() | st.sampled_from(["isolated", "systemic", "not_actionable", "troll"]),
    first_response_at=st.none() | moment,
    reply_url=st.none() | text,
    similar_urls=st.lists(text, max_size=40).map(tuple),
    snoozed_until=st.none() | moment,
    dismissed_reason=st.none() | st.just("false_positive"),
)

INJECTIONS = ("<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN01>", "<https://evil.example")


def assert_within_limits(blocks: list[dict], max_blocks: int = 50) -> None:
    assert len(blocks) <= max_blocks
    for block in blocks:
        Block.parse(block).validate_json()  # slack_sdk's models check lengths and shapes
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75 and len(element.get("value", "")) <= 2000 and len(element.get("url", "")) <= 3000
            if element.get("type") == "mrkdwn":
                assert len(element["text"]) <= 3000
    # Slack parses only mrkdwn; plain_text (like a draft in an input) is shown literally.
    rendered = " ".join(mrkdwn_texts(blocks))
    for injection in INJECTIONS:
        assert injection not in rendered


def mrkdwn_texts(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    return []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_cards_and_notes_stay_within_limits(case: CaseView) -> None:
    assert_within_limits(case_card(case))
    assert_within_limits(escalation_dm(case, "U0AGENT001", case.severity, case.resolution or "", None))
    for purpose, publishable in (("reply", True), ("reply", False), ("follow_up", True)):
        draft = ReplyDraftView(7, case.case_id, purpose, case.text, "U0AGENT001", case.detected_at)
        assert_within_limits(draft_message(draft, ReplyRoute(case.source_kind, case.url, publishable)))
        published = ReplyDraftView(7, case.case_id, purpose, case.text, "U0AGENT001", case.detected_at, published_url=case.url)
        assert_within_limits(draft_message(published, ReplyRoute(case.source_kind, case.url, publishable)))
    assert_within_limits([section(not_published_note("U0AGENT001", "gone", case.text)), section(unsure_note("U0AGENT001", case.text, case.url))])
    assert_within_limits(case_detail(case, [EventView(case.detected_at, "bot", "detected")] * 30))
    assert len(card_text(case)) <= 300
    for injection in INJECTIONS:
        assert injection not in card_text(case)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, text)
def test_modals_stay_within_limits(case: CaseView, draft: str) -> None:
    for view in (
        draft_modal(case, DraftShown(draft, ("Be kind.", draft)), DraftOptions()),
        draft_modal(case, DraftShown("", note=draft, rewording=True), DraftOptions(tone="brief")),
        escalate_modal(case, "U0MANAGER1"),
        resolve_modal(case),
        reply_sent_modal(case),
    ):
        assert len(view["title"]["text"]) <= 24 and len(view["private_metadata"]) <= 3000
        assert_within_limits(view["blocks"], max_blocks=100)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cases, max_size=60))
def test_lists_and_summaries_stay_within_limits(many: list[CaseView]) -> None:
    assert_within_limits(case_list("Open cases", many, len(many)))
    if many:
        topics, sources = Counter(t for case in many for t in case.topics), Counter(case.source_name for case in many)
        assert_within_limits(burst_summary(many[:LISTED], summarised=len(many), topics=topics, sources=sources, posted_separately=5))
        assert_within_limits(unclaimed_blocks(many, 30))
        assert_within_limits(unsnoozed_blocks(many))


def test_a_mention_cannot_disguise_its_link() -> None:
    case = CaseView(1, "open", "rss", "feed", "https://evil.example/x", "<https://acme.com|acme.com>", "", "", None, datetime(2026, 1, 1, tzinfo=UTC) - timedelta(0), 0.9)
    headline = case_card(case)[0]["text"]["text"]
    assert headline == "⚪ *<https://evil.example/x|&lt;https://acme.com¦acme.com&gt;>*"
