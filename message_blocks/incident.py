"""The incident card (one message per incident, rebuilt from current state on every change), its DM, lists and notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.enums import IncidentOrigin, IncidentStatus
from bot.domain.views import EventView, IncidentView
from message_blocks.blocks import button, context, divider, section
from message_blocks.card import duration, slack_date
from message_blocks.ids import Action, incident_value
from message_blocks.text import link, mrkdwn, plural, quote_block

QUOTE_LIMIT = 400
STATUS_LABELS: dict[str, str] = {
    IncidentStatus.INVESTIGATING: "🔎 Investigating",
    IncidentStatus.FIXING: "🛠 Fixing",
    IncidentStatus.FIXED: "✅ Fixed",
    IncidentStatus.CLOSED: "📁 Closed",
}
# The button that moves an incident to each status.
NEXT_STEP = {IncidentStatus.FIXING: "Start fixing", IncidentStatus.FIXED: "Mark fixed", IncidentStatus.CLOSED: "Close"}
# The step after each status (closed has none).
FOLLOWS: dict[str, IncidentStatus] = {s.value: n for s in IncidentStatus if (n := s.next) is not None}
ORIGINS: dict[str, str] = {IncidentOrigin.PERSON: "opened by <@{who}>", IncidentOrigin.SPIKE: "opened by a spike", IncidentOrigin.BURST: "opened by a burst"}
SPARKS = "▁▂▃▄▅▆▇█"
# A burst's cases are not posted one by one (bot/flows/incident_triggers.py).
BURST_CARDS = (
    "Its cases have no cards of their own in the channel, so a burst cannot flood it: `/complaint list unclaimed`, or "
    "`/complaint show ID` for any one with its buttons. A case someone claims, drafts for or takes out gets its card then."
)


def incident_text(incident: IncidentView) -> str:
    """Notification fallback text."""
    return mrkdwn(f"Incident #{incident.incident_id}: {incident.title} ({plural(incident.complaints, 'complaint')}, {incident.status})", 300)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def trend_line(trend: tuple[int, ...]) -> str:
    """A sparkline of the last hours and which way it goes (the last quarter against the quarter before)."""
    if not trend or not any(trend):
        return "no new complaints in the last hours"
    top = max(trend)
    spark = "".join(SPARKS[min(len(SPARKS) - 1, round(n / top * (len(SPARKS) - 1)))] if n else " " for n in trend)
    quarter = max(len(trend) // 4, 1)
    recent, before = sum(trend[-quarter:]), sum(trend[-2 * quarter : -quarter])
    way = "rising" if recent > before else "easing" if recent < before else "steady"
    return f"`{spark}` {way} (last {len(trend)} h, {sum(trend)} new)"


def _counted(pairs: tuple[tuple[str, int], ...], limit: int = 5) -> str:
    return ", ".join(f"{mrkdwn(name, 60)} ({n})" for name, n in pairs[:limit]) or "—"


def _opened(incident: IncidentView) -> str:
    origin = ORIGINS.get(incident.origin, "")
    return origin.format(who=mrkdwn(incident.opened_by, 20)) + f" {slack_date(incident.opened_at)}"


def _people(incident: IncidentView) -> str:
    parts = [f"*{status_label(incident.status)}*"]
    if incident.owner:
        since = f" {duration(incident.claimed_at - incident.opened_at)} after opening" if incident.claimed_at else ""
        parts.append(f"owner <@{incident.owner}>{since}")
    else:
        parts.append("no owner yet")
    if incident.escalated_to:
        parts.append(f"escalated to <@{incident.escalated_to}>")
    if incident.fixed_at:
        parts.append(f"fixed {duration(incident.fixed_at - incident.opened_at)} after opening")
    if incident.follow_ups:
        parts.append(f"loops closed {incident.loops_closed} of {incident.follow_ups}")
    return " · ".join(parts)


def _seen(moment: datetime | None) -> str:
    return slack_date(moment) if moment else "—"


def incident_button(text: str, action: Action, incident_id: int, style: str | None = None, **extra: object) -> dict[str, Any]:
    """A button whose value carries the incident id and `extra` (message_blocks/ids.py parses it back)."""
    return button(text, action, style=style, value=incident_value(incident_id, **extra))


def incident_actions(incident: IncidentView) -> list[dict[str, Any]]:
    if incident.status == IncidentStatus.CLOSED:
        return []
    buttons = []
    if not incident.owner:
        buttons.append(incident_button("Claim", Action.INCIDENT_CLAIM, incident.incident_id, "primary"))
    step = FOLLOWS.get(incident.status)
    if step is not None:
        buttons.append(incident_button(NEXT_STEP[step], Action.INCIDENT_STATUS, incident.incident_id, to=step.value))
    buttons.append(incident_button("Root cause…", Action.INCIDENT_ROOT_CAUSE, incident.incident_id))
    if not incident.escalated_to:
        buttons.append(incident_button("Escalate to manager", Action.INCIDENT_ESCALATE, incident.incident_id))
    return buttons


def incident_card(incident: IncidentView, *, with_actions: bool = True) -> list[dict[str, Any]]:
    complaints = plural(incident.complaints, "complaint")
    if incident.dismissed:
        complaints += f" ({incident.dismissed} more marked not a complaint)"
    blocks: list[dict[str, Any]] = [
        section(f"🧯 *Incident #{incident.incident_id}: {mrkdwn(incident.title, 200)}*\n{_people(incident)}"),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Complaints*\n{complaints}"},
                {"type": "mrkdwn", "text": f"*Sources*\n{_counted(incident.sources)}"[:2000]},
                {"type": "mrkdwn", "text": f"*First seen*\n{_seen(incident.first_seen)}"},
                {"type": "mrkdwn", "text": f"*Last seen*\n{_seen(incident.last_seen)}"},
                {"type": "mrkdwn", "text": f"*Topics*\n{_counted(incident.topics)}"[:2000]},
                {"type": "mrkdwn", "text": f"*Trend*\n{trend_line(incident.trend)}"},
            ],
        },
    ]
    for case_id, url, text, severity in incident.quotes[:3]:
        label = f" ({mrkdwn(severity, 20)})" if severity else ""
        blocks.append(section(f"{link(url, f'#{case_id}', 20)}{label} {quote_block(text.replace(chr(10), ' '), QUOTE_LIMIT)}"))
    if incident.origin == IncidentOrigin.BURST:
        blocks.append(context(BURST_CARDS))
    if incident.root_cause:
        blocks.append(context(f"*Root cause and fix:* {mrkdwn(incident.root_cause, 1800)}"))
    blocks.append(context(f"{_opened(incident)} · cases join it from their card's menu or `/complaint incident add {incident.incident_id} CASE`"))
    actions = incident_actions(incident) if with_actions else []
    if actions:
        blocks.append({"type": "actions", "block_id": f"incident-{incident.incident_id}", "elements": actions})
    return blocks


def incident_dm(incident: IncidentView, card_url: str | None) -> list[dict[str, Any]]:
    """The manager's one DM about the incident, redrawn in place as it grows."""
    where = f" ({link(card_url, 'open the incident')})" if card_url else ""
    reason = f"\n*Why:* {mrkdwn(incident.escalation_reason, 1000)}" if incident.escalation_reason else ""
    intro = f"🚨 Incident #{incident.incident_id} was escalated to you: *{plural(incident.complaints, 'complaint')}* so far{where}.{reason}"
    return [section(intro), divider(), *incident_card(incident, with_actions=False)]


def incident_dm_text(incident: IncidentView) -> str:
    return f"Incident #{incident.incident_id} ({plural(incident.complaints, 'complaint')}) was escalated to you."


def incident_line(incident: IncidentView) -> str:
    owner = f" · <@{incident.owner}>" if incident.owner else ""
    return f"*#{incident.incident_id}* {mrkdwn(incident.title, 120)} — {status_label(incident.status)}{owner} · {plural(incident.complaints, 'complaint')}"


def incident_list(incidents: list[IncidentView], *, open_only: bool) -> list[dict[str, Any]]:
    title = "Open incidents" if open_only else "Incidents"
    if not incidents:
        return [section(f"*{title}*: none. Open one with `/complaint incident new TITLE`.")]
    return [section(f"*{title}*"), section("\n".join(incident_line(i) for i in incidents[:25]))]


def incident_detail(incident: IncidentView, timeline: list[EventView]) -> list[dict[str, Any]]:
    lines = [f"{slack_date(e.at)} — {mrkdwn(e.action.replace('_', ' '), 40)} by {_actor(e.actor)}" for e in timeline[-15:]]
    blocks = incident_card(incident, with_actions=False)
    return blocks + ([divider(), context("*Timeline*\n" + "\n".join(lines))] if lines else [])


def _actor(actor: str) -> str:
    return "the bot" if actor == "bot" else f"<@{mrkdwn(actor, 20)}>"


def _who(user_id: str) -> str:
    """Who did it, at the start of a note: the bot, or a mention."""
    return "The bot" if user_id == "bot" else f"<@{user_id}>"


def opened_note(incident_id: int, why: str) -> str:
    return f"Incident #{incident_id} opened ({why}). Its timeline follows in this thread."


def part_of_incident_note(incident_id: int, user_id: str) -> str:
    return f"<@{user_id}> made this part of incident #{incident_id}: it is followed up from there and raises no SLA reminders of its own."


def left_incident_note(incident_id: int, user_id: str) -> str:
    return f"<@{user_id}> took this out of incident #{incident_id}: it is a case on its own again."


def cases_added_note(user_id: str, case_ids: list[int]) -> str:
    shown = ", ".join(f"#{c}" for c in case_ids[:20]) + (f" and {len(case_ids) - 20} more" if len(case_ids) > 20 else "")
    return f"{_who(user_id)} added {plural(len(case_ids), 'case')}: {shown}."


def case_removed_note(user_id: str, case_id: int) -> str:
    return f"<@{user_id}> took case #{case_id} out of this incident."


def claimed_note(user_id: str) -> str:
    return f"<@{user_id}> owns this incident now."


def status_note(user_id: str, status: IncidentStatus) -> str:
    return f"<@{user_id}> moved this to *{status_label(status)}*."


def root_cause_note(user_id: str, note: str) -> str:
    return f"<@{user_id}> wrote the root cause and fix: {mrkdwn(note, 1500)}"


def escalated_note(user_id: str, manager_id: str) -> str:
    return f"{_who(user_id)} escalated this incident to <@{manager_id}>: one DM, kept up to date as the incident grows."


def no_complaints_note(user_id: str) -> str:
    return (f"<@{user_id}> marked the last case of this incident as not a complaint, so the incident is closed. "
            "Its cases stay linked and its timeline is kept.")



def check_in_text(incident_id: int) -> str:
    return f"Incident #{incident_id} was fixed a month ago: the check-ins asking each complainant whether the fix held are in its thread."


def unowned_note(minutes: int) -> str:
    return f"⏰ This incident has had no owner for {minutes} min: press *Claim* on its card."


def unfixed_text(incident: IncidentView, hours: int) -> str:
    return f"⏰ Incident #{incident.incident_id} ({plural(incident.complaints, 'complaint')}) is still not fixed after {hours} h."


def opened_reply(incident_id: int) -> str:
    return f"Opened incident *#{incident_id}*; its card is on its way. Add cases with `/complaint incident add {incident_id} CASE…` or from a card's menu."


def added_reply(incident_id: int, added: list[int], refused: str) -> str:
    shown = ", ".join(f"#{c}" for c in added[:50])
    return f"Added {plural(len(added), 'case')} to incident #{incident_id}: {shown}." + (f" {refused}" if refused else "")


def removed_reply(case_id: int, incident_id: int) -> str:
    return f"Case #{case_id} is no longer part of incident #{incident_id}."


def closed_reply(incident_id: int) -> str:
    return f"Incident #{incident_id} is closed."
