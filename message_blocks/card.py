"""The triage card: one message per case, rebuilt from current state on every change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.enums import CaseStatus, DismissReason, RootCause, Severity
from bot.domain.languages import foreign_language
from bot.domain.views import CaseView
from message_blocks.ids import Action, MoreChoice, case_value, more_value
from message_blocks.text import link, mrkdwn, quote_block

SECTION_LIMIT = 3000
CONTEXT_ELEMENT_LIMIT = 2000
EXCERPT_LIMIT = 1200
EVIDENCE_LIMIT = 320

SOURCE_LABELS = {
    "rss": "RSS",
    "hackernews": "Hacker News",
    "reddit": "Reddit",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "appstore": "App Store",
    "x": "X",
    "youtube": "YouTube",
    "stackexchange": "Stack Exchange",
    "discourse": "Discourse",
    "github": "GitHub",
    "trustpilot": "Trustpilot",
    "googleplay": "Google Play",
    "webhook": "Webhook",
    "slack": "Slack",
    "manual": "Reported by hand",
}
# Keyed by str: a view carries the stored value, and Severity is a StrEnum, so either finds its entry.
SEVERITY_ICONS: dict[str, str] = {Severity.LOW: "⚪", Severity.MEDIUM: "🟡", Severity.HIGH: "🟠", Severity.CRITICAL: "🔴"}
STATUS_LABELS: dict[str, str] = {
    CaseStatus.OPEN: "Unclaimed",
    CaseStatus.CLAIMED: "Claimed",
    CaseStatus.ESCALATED: "Escalated",
    CaseStatus.RESOLVED: "Resolved",
    CaseStatus.DISMISSED: "Dismissed",
}
ROOT_CAUSE_LABELS: dict[str, str] = {
    RootCause.ISOLATED: "isolated case",
    RootCause.SYSTEMIC: "systemic problem",
    RootCause.NOT_ACTIONABLE: "not actionable",
    RootCause.TROLL: "troll",
}


def slack_date(moment: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """A date Slack renders in each reader's own time zone."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{fmt}|{fallback}>"


def duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes == 0:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


def kind_label(kind: str) -> str:
    return SOURCE_LABELS.get(kind, kind)


def source_label(case: CaseView) -> str:
    kind = kind_label(case.source_kind)
    return kind if case.source_name in ("", case.source_kind) else f"{kind} · {case.source_name}"


def unscored_label(case: CaseView) -> str:
    return f"not scored: {foreign_language(case.language) or 'another language'} — please judge"


def card_text(case: CaseView) -> str:
    """Notification fallback text (shown in push notifications and by screen readers)."""
    what = f"Mention #{case.case_id} ({unscored_label(case)})" if case.unscored else f"Negative mention #{case.case_id}"
    return mrkdwn(f"{what} on {source_label(case)}: {case.title or case.text}", 300)


def _headline(case: CaseView) -> str:
    icon = SEVERITY_ICONS.get(case.severity, "⚪")
    title = case.title or case.text.split("\n", 1)[0] or case.url
    return f"{icon} *{link(case.url, title, 250)}*"


def _facts(case: CaseView) -> str:
    facts = [f"#{case.case_id}", mrkdwn(source_label(case), 100)]
    if case.author:
        facts.append(f"by {mrkdwn(case.author, 100)}")
    if case.published_at:
        facts.append(f"published {slack_date(case.published_at)}")
    if case.rating is not None:
        facts.append("★" * case.rating + "☆" * (5 - case.rating))
    if case.reach:
        facts.append(f"reach {case.reach:,}")
    if case.unscored:
        # No number: a score the detector could not give would read as a verdict.
        facts.append(f"*{unscored_label(case)}*")
    else:
        if foreign_language(case.language):
            facts.append(foreign_language(case.language))
        facts.append(f"negativity {case.score:.2f}")
    facts.append(f"severity {case.severity}")
    if case.topics:
        facts.append("topics: " + ", ".join(mrkdwn(t, 40) for t in case.topics[:6]))
    if case.troll:
        facts.append("possible troll")
    return " · ".join(facts)


def status_line(case: CaseView) -> str:
    parts = [f"*{STATUS_LABELS.get(case.status, case.status)}*"]
    if case.incident_id:
        parts.append(f"🧯 part of incident #{case.incident_id}")
    if case.assignee:
        since = f" {duration(case.claimed_at - case.detected_at)} after detection" if case.claimed_at else ""
        parts.append(f"owner <@{case.assignee}>{since}")
    if case.escalated_to:
        reason = f": {mrkdwn(case.escalation_reason, 300)}" if case.escalation_reason else ""
        parts.append(f"escalated to <@{case.escalated_to}>{reason}")
    if case.first_response_at:
        replied = link(case.reply_url, "replied") if case.reply_url else "replied"
        parts.append(f"{replied} {duration(case.first_response_at - case.detected_at)} after detection")
    if case.snoozed_until and case.status in CaseStatus.active():
        parts.append(f"snoozed until {slack_date(case.snoozed_until)}")
    if case.dismissed_reason:
        parts.append("not a complaint" if case.dismissed_reason == DismissReason.FALSE_POSITIVE else f"dismissed: {case.dismissed_reason}")
    elif case.resolved_at:
        cause = ROOT_CAUSE_LABELS.get(case.root_cause or "", case.root_cause or "")
        parts.append(
            f"resolved {duration(case.resolved_at - case.detected_at)} after detection" + (f" ({cause})" if cause else "")
        )
    if case.similar_urls:
        shown = ", ".join(link(url, f"{index}", 20) for index, url in enumerate(case.similar_urls[:10], 1))
        parts.append(f"+{len(case.similar_urls)} similar ({shown})")
    return " · ".join(parts)


def _button(text: str, action: Action, case_id: int, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action.value,
        "value": case_value(case_id),
    }
    if style:
        button["style"] = style
    return button


def _more_menu(case: CaseView) -> dict[str, Any]:
    if case.status in CaseStatus.closed():
        choices = [(MoreChoice.REOPEN, "Reopen")]
    else:
        choices = [
            (MoreChoice.NOT_A_COMPLAINT, "Not a complaint"),
            (MoreChoice.SNOOZE_HOUR, "Snooze 1 hour"),
            (MoreChoice.SNOOZE_DAY, "Snooze 1 day"),
        ]
        if case.author:
            choices.insert(1, (MoreChoice.MUTE_AUTHOR, "Mute this author"))
        if not case.incident_id:
            choices.append((MoreChoice.JOIN_INCIDENT, "Part of an incident…"))
    if case.incident_id:
        choices.append((MoreChoice.LEAVE_INCIDENT, f"Leave incident #{case.incident_id}"[:75]))
    return {
        "type": "overflow",
        "action_id": Action.MORE.value,
        "options": [
            {"text": {"type": "plain_text", "text": label}, "value": more_value(case.case_id, choice)} for choice, label in choices
        ],
    }


def case_actions(case: CaseView) -> list[dict[str, Any]]:
    if case.status in CaseStatus.closed():
        return [_more_menu(case)]
    buttons = []
    if case.status == CaseStatus.OPEN:
        buttons.append(_button("Claim", Action.CLAIM, case.case_id, "primary"))
    buttons.append(_button("Draft reply", Action.DRAFT, case.case_id))
    if case.status != CaseStatus.ESCALATED:
        buttons.append(_button("Escalate to manager", Action.ESCALATE, case.case_id))
    buttons.append(_button("Mark resolved", Action.RESOLVE, case.case_id))
    return buttons + [_more_menu(case)]


def case_card(case: CaseView) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": _headline(case)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _facts(case)[:CONTEXT_ELEMENT_LIMIT]}]},
    ]
    if case.text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quote_block(case.text, EXCERPT_LIMIT)}})
    if case.reasons or case.evidence:
        why = ("Why here: " if case.unscored else "Why flagged: ") + "; ".join(mrkdwn(r, 120) for r in case.reasons[:5])
        if case.evidence:
            why = why.rstrip() + "\n" + quote_block(case.evidence.replace("\n", " "), EVIDENCE_LIMIT)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": why[:CONTEXT_ELEMENT_LIMIT]}]})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": status_line(case)[:SECTION_LIMIT]}})
    if case.resolution:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Resolution: " + mrkdwn(case.resolution, 1500)}]}
        )
    blocks.append({"type": "actions", "block_id": f"case-{case.case_id}", "elements": case_actions(case)})
    return blocks
