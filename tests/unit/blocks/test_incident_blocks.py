"""Incident builders: whatever the complaints and titles hold, every payload stays within Slack's limits, escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.enums import DraftPurpose
from bot.domain.views import IncidentFollowUpView, IncidentView
from message_blocks.incident import incident_card, incident_detail, incident_dm, incident_list, incident_text, trend_line
from message_blocks.incident_follow_ups import PER_MESSAGE, review_messages
from message_blocks.incident_modals import incident_escalate_modal, join_incident_modal, root_cause_modal
from tests.unit.blocks.test_fuzz import INJECTIONS, assert_within_limits, cases, moment, text

counted = st.lists(st.tuples(text, st.integers(0, 10**6)), max_size=30).map(tuple)
incidents = st.builds(
    IncidentView,
    incident_id=st.integers(1, 10**9),
    title=text,
    status=st.sampled_from(["investigating", "fixing", "fixed", "closed", "weird"]),
    origin=st.sampled_from(["person", "spike", "burst", "weird"]),
    opened_by=st.one_of(st.just("U0AGENT001"), st.just("bot"), text),
    opened_at=moment,
    owner=st.none() | st.just("U0AGENT001"),
    claimed_at=st.none() | moment,
    root_cause=st.none() | text | st.just("y" * 20_000),
    fixed_at=st.none() | moment,
    escalated_to=st.none() | st.just("U0MANAGER1"),
    escalation_reason=st.none() | text,
    complaints=st.integers(0, 10**6),
    dismissed=st.integers(0, 10**6),
    sources=counted,
    topics=counted,
    first_seen=st.none() | moment,
    last_seen=st.none() | moment,
    quotes=st.lists(st.tuples(st.integers(1, 10**9), text, st.one_of(text, st.just("z" * 50_000)), st.sampled_from(["", "critical", "low"])), max_size=5).map(tuple),
    trend=st.lists(st.integers(0, 10**5), max_size=12).map(tuple),
    follow_ups=st.integers(0, 10**5),
    loops_closed=st.integers(0, 10**5),
)
follow_ups = st.builds(
    IncidentFollowUpView,
    draft_id=st.integers(1, 10**9),
    case_id=st.integers(1, 10**9),
    purpose=st.just("incident_fix"),
    author=text,
    source_kind=st.sampled_from(["mastodon", "rss", "reddit", "weird"]),
    url=st.one_of(text, st.just("https://acme.com/" + "a" * 5000)),
    text=st.one_of(text, st.just("x" * 5000)),
    publishable=st.booleans(),
    published_at=st.none() | moment,
    published_url=st.none() | text,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents)
def test_the_card_the_dm_and_the_detail_stay_within_limits(incident: IncidentView) -> None:
    assert_within_limits(incident_card(incident))
    assert_within_limits(incident_dm(incident, "https://slack.com/app_redirect?channel=C0TRIAGE01&message_ts=1.2"))
    assert_within_limits(incident_detail(incident, []))
    assert_within_limits(incident_list([incident] * 30, open_only=True))
    assert len(incident_text(incident)) <= 300 and not any(i in incident_text(incident) for i in INJECTIONS)
    for view in (root_cause_modal(incident), incident_escalate_modal(incident, "U0MANAGER1")):
        assert len(view["title"]["text"]) <= 24 and len(view["private_metadata"]) <= 3000
        assert_within_limits(view["blocks"], max_blocks=100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(follow_ups, max_size=120), st.sampled_from([DraftPurpose.INCIDENT_FIX, DraftPurpose.FOLLOW_UP]))
def test_the_follow_ups_for_approval_are_split_into_messages_within_limits(drafts: list[IncidentFollowUpView], purpose: DraftPurpose) -> None:
    messages = review_messages(4, purpose, drafts)
    for blocks in messages:
        assert len(blocks) <= PER_MESSAGE
        assert_within_limits(blocks)
    # Every draft is shown once, none is lost between messages.
    shown = [b for blocks in messages for b in blocks if b["type"] == "section" and "&gt;" in b["text"]["text"]]
    assert len(shown) == len(drafts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, st.lists(st.tuples(st.integers(1, 10**9), text), max_size=150))
def test_the_join_modal_stays_within_limits(case: object, choices: list[tuple[int, str]]) -> None:
    view = join_incident_modal(case, choices)  # type: ignore[arg-type]
    assert len(view["title"]["text"]) <= 24
    assert_within_limits(view["blocks"], max_blocks=100)
    for block in view["blocks"]:
        options = block.get("element", {}).get("options", [])
        assert len(options) <= 100 and all(len(o["text"]["text"]) <= 75 for o in options)


def test_the_trend_says_which_way_it_goes() -> None:
    assert trend_line((0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 9)).endswith("rising (last 12 h, 14 new)")
    assert "easing" in trend_line((9, 4, 1, 0, 0, 0, 0, 0, 5, 3, 0, 0))
    assert trend_line(()) == trend_line((0,) * 12) == "no new complaints in the last hours"


def test_a_title_cannot_ping_the_channel() -> None:
    incident = IncidentView(1, "<!channel> refunds", "investigating", "person", "U0AGENT001", datetime(2026, 11, 20, tzinfo=UTC))
    assert "<!channel>" not in str(incident_card(incident)) and "&lt;!channel&gt;" in str(incident_card(incident))
