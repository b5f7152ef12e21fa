"""What happens when someone clicks a card button or submits one of its modals.

Handlers ack, parse, and call exactly one function here. Each function runs
one unit of work (a transition plus its outbox rows), then drains that case's
outbox so the card and thread change at once; if Slack is down the outbox
retries later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from bot import playbook
from bot.db.session import session_scope
from bot.permissions import NotAllowed
from bot.runtime import Runtime
from bot.services import cases
from bot.services.views import case_view
from message_blocks import modals, notes
from message_blocks.card import slack_date
from message_blocks.ids import Field, MoreChoice
from message_blocks.text import mrkdwn
from message_blocks.views import CaseView, DraftOptions

log = logging.getLogger(__name__)


def _note(session: Session, case_id: int, now: datetime, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    cases.enqueue(session=session, case_id=case_id, kind="thread_note", at=now, text=text, blocks=blocks)


def _tell(rt: Runtime, channel_id: str | None, user_id: str, text: str) -> None:
    """A message only the clicker sees: in the channel if we know it, else as a DM."""
    if channel_id:
        rt.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    else:
        rt.slack.chat_postMessage(channel=user_id, text=text)


def claim_case(rt: Runtime, *, case_id: int, user_id: str) -> None:
    """Raises TransitionRefused (carrying who has it) when someone was faster."""
    rt.permissions.check(user_id, "claim")
    now = rt.clock()
    with session_scope(rt.sessions) as session:
        case = cases.claim(session=session, case_id=case_id, user_id=user_id, now=now)
        _note(session, case_id, now, notes.claimed_note(case_view(case), user_id))
    rt.drainer.drain(case_id=case_id)


def claim(rt: Runtime, *, case_id: int, user_id: str, channel_id: str | None) -> None:
    try:
        claim_case(rt, case_id=case_id, user_id=user_id)
    except cases.TransitionRefused as refused:
        _tell(rt, channel_id, user_id, notes.already_claimed_message(refused.case))


def _open_modal(
    rt: Runtime, *, case_id: int, user_id: str, trigger_id: str, permission: str, build: Callable[[CaseView], dict[str, Any]]
) -> None:
    rt.permissions.check(user_id, permission)
    with session_scope(rt.sessions) as session:
        view = case_view(cases.get_case(session=session, case_id=case_id))
    rt.slack.views_open(trigger_id=trigger_id, view=build(view))


def open_draft(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    options = DraftOptions(move_offline=True, offer_gesture=False)
    _open_modal(
        rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission="draft", build=lambda view: _draft_modal(rt, view, options)
    )


def _draft_modal(rt: Runtime, view: CaseView, options: DraftOptions) -> dict[str, Any]:
    request = playbook.DraftRequest(
        author=view.author,
        source_kind=view.source_kind,
        topics=view.topics,
        tone=options.tone,
        offer_gesture=options.offer_gesture,
        move_offline=options.move_offline,
        contact=rt.config.playbook.contact,
    )
    return modals.draft_modal(view, playbook.draft_reply(request), options, playbook.CHECKLIST)


def draft_options(state_values: dict[str, Any]) -> DraftOptions:
    tone = (state_values.get(Field.DRAFT_TONE.value, {}).get(Field.DRAFT_TONE.value, {}).get("selected_option") or {}).get("value")
    chosen = state_values.get(Field.DRAFT_OPTIONS.value, {}).get(Field.DRAFT_OPTIONS.value, {}).get("selected_options") or []
    picked = {option["value"] for option in chosen}
    return DraftOptions(tone=tone or "warm", offer_gesture="gesture" in picked, move_offline="offline" in picked)


def draft_text(state_values: dict[str, Any]) -> str:
    for block_id, inputs in state_values.items():
        if block_id.startswith(Field.DRAFT_TEXT.value):
            return (inputs.get(Field.DRAFT_TEXT.value, {}).get("value") or "").strip()
    return ""


def redraft(rt: Runtime, *, case_id: int, user_id: str, view_id: str, view_hash: str, state_values: dict[str, Any]) -> None:
    """The tone or options changed in the open modal: rewrite the draft for them."""
    rt.permissions.check(user_id, "draft")
    with session_scope(rt.sessions) as session:
        view = case_view(cases.get_case(session=session, case_id=case_id))
    rt.slack.views_update(view_id=view_id, hash=view_hash, view=_draft_modal(rt, view, draft_options(state_values)))


def save_draft(rt: Runtime, *, case_id: int, user_id: str, state_values: dict[str, Any]) -> None:
    rt.permissions.check(user_id, "draft")
    now = rt.clock()
    text = draft_text(state_values)
    tone = draft_options(state_values).tone
    try:
        with session_scope(rt.sessions) as session:
            case = cases.save_draft(session=session, case_id=case_id, user_id=user_id, draft=text, tone=tone, now=now)
            view = case_view(case)
            blocks = notes.draft_note(view, user_id, text)
            _note(session, case_id, now, f"<@{user_id}> drafted a reply for review.", blocks)
    except cases.TransitionRefused as refused:
        _tell(rt, None, user_id, str(refused))
        return
    rt.drainer.drain(case_id=case_id)


def reply_url_errors(state_values: dict[str, Any]) -> dict[str, str]:
    url = (state_values.get(Field.REPLY_URL.value, {}).get(Field.REPLY_URL.value, {}).get("value") or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return {Field.REPLY_URL.value: "Paste the full link to your public reply, starting with https://"}
    return {}


def open_reply_sent(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    _open_modal(rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission="draft", build=modals.reply_sent_modal)


def record_reply_sent(rt: Runtime, *, case_id: int, user_id: str, state_values: dict[str, Any]) -> None:
    rt.permissions.check(user_id, "draft")
    now = rt.clock()
    url = state_values[Field.REPLY_URL.value][Field.REPLY_URL.value]["value"].strip()
    with session_scope(rt.sessions) as session:
        case = cases.record_reply_sent(session=session, case_id=case_id, user_id=user_id, url=url, now=now)
        _note(session, case_id, now, notes.reply_sent_note(case_view(case), user_id, url))
    rt.drainer.drain(case_id=case_id)


def open_escalate(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    default_manager = rt.config.slack.managers[0] if rt.config.slack.managers else None
    _open_modal(
        rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission="escalate",
        build=lambda view: modals.escalate_modal(view, default_manager),
    )


def escalate(rt: Runtime, *, case_id: int, user_id: str, state_values: dict[str, Any]) -> None:
    rt.permissions.check(user_id, "escalate")
    now = rt.clock()
    manager = state_values[Field.MANAGER.value][Field.MANAGER.value]["selected_user"]
    reason = state_values[Field.REASON.value][Field.REASON.value]["value"].strip()
    severity = state_values[Field.SEVERITY.value][Field.SEVERITY.value]["selected_option"]["value"]
    try:
        with session_scope(rt.sessions) as session:
            case = cases.escalate(
                session=session, case_id=case_id, user_id=user_id, manager_id=manager, reason=reason, severity=severity, now=now
            )
            view = case_view(case)
            _note(session, case_id, now, notes.escalated_note(view, user_id, manager, severity, reason))
            permalink = _permalink(rt, case.channel_id, case.message_ts)
            cases.enqueue(
                session=session,
                case_id=case_id,
                kind="dm",
                at=now,
                user=manager,
                text=f"Case #{case_id} was escalated to you.",
                blocks=notes.escalation_dm(view, user_id, severity, reason, permalink),
            )
    except cases.TransitionRefused as refused:
        _tell(rt, None, user_id, str(refused))
        return
    rt.drainer.drain(case_id=case_id)


def _permalink(rt: Runtime, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        return rt.slack.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except Exception:  # the DM is still useful without the link
        log.warning("no permalink for %s/%s", channel, ts)
        return None


def acknowledge(rt: Runtime, *, case_id: int, manager_id: str, dm_channel: str, dm_ts: str) -> None:
    _check_escalation_owner(rt, case_id, manager_id)
    now = rt.clock()
    with session_scope(rt.sessions) as session:
        case = cases.acknowledge_escalation(session=session, case_id=case_id, manager_id=manager_id, now=now)
        _note(session, case_id, now, notes.acknowledged_note(manager_id))
        view = case_view(case)
    rt.slack.chat_update(channel=dm_channel, ts=dm_ts, text=f"You acknowledged case #{case_id}.", blocks=notes.escalation_done(view, "acknowledged", manager_id))
    rt.drainer.drain(case_id=case_id)


def take_over(rt: Runtime, *, case_id: int, manager_id: str, dm_channel: str, dm_ts: str) -> None:
    _check_escalation_owner(rt, case_id, manager_id)
    now = rt.clock()
    try:
        with session_scope(rt.sessions) as session:
            case = cases.take_over(session=session, case_id=case_id, manager_id=manager_id, now=now)
            _note(session, case_id, now, notes.taken_over_note(manager_id))
            view = case_view(case)
    except cases.TransitionRefused as refused:
        _tell(rt, None, manager_id, str(refused))
        return
    rt.slack.chat_update(channel=dm_channel, ts=dm_ts, text=f"You took over case #{case_id}.", blocks=notes.escalation_done(view, "took over", manager_id))
    rt.drainer.drain(case_id=case_id)


def _check_escalation_owner(rt: Runtime, case_id: int, user_id: str) -> None:
    with session_scope(rt.sessions) as session:
        escalated_to = cases.get_case(session=session, case_id=case_id).escalated_to
    rt.permissions.check(user_id, "take_over", escalated_to=escalated_to)


def open_resolve(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    _open_modal(rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission="resolve", build=modals.resolve_modal)


def resolve(rt: Runtime, *, case_id: int, user_id: str, state_values: dict[str, Any]) -> None:
    rt.permissions.check(user_id, "resolve")
    now = rt.clock()
    resolution = state_values[Field.RESOLUTION.value][Field.RESOLUTION.value]["value"].strip()
    root_cause = state_values[Field.ROOT_CAUSE.value][Field.ROOT_CAUSE.value]["selected_option"]["value"]
    follow_up = (state_values.get(Field.FOLLOW_UP.value, {}).get(Field.FOLLOW_UP.value, {}).get("selected_option") or {}).get("value")
    try:
        with session_scope(rt.sessions) as session:
            case = cases.resolve(
                session=session,
                case_id=case_id,
                user_id=user_id,
                resolution=resolution,
                root_cause=root_cause,
                now=now,
                follow_up_at=now + timedelta(days=int(follow_up)) if follow_up else None,
            )
            _note(session, case_id, now, notes.resolved_note(case_view(case), user_id))
    except cases.TransitionRefused as refused:
        _tell(rt, None, user_id, str(refused))
        return
    rt.drainer.drain(case_id=case_id)


def report_error(rt: Runtime, *, body: dict[str, Any], error: Exception) -> None:
    """Tell the person who acted what went wrong, where they are, without a stack trace."""
    if isinstance(error, (cases.CaseNotFound, cases.TransitionRefused, NotAllowed)):
        message = str(error)
    elif isinstance(error, ValueError):
        message = f"That request did not make sense to me: {mrkdwn(str(error), 300)}"
    else:
        log.error("listener failed", exc_info=error)
        message = "Sorry, something went wrong on my side; it has been logged. Please try again in a minute."
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not user:
        return
    try:
        _tell(rt, channel, user, message)
    except Exception:
        log.exception("could not tell %s about an error", user)


SNOOZES = {MoreChoice.SNOOZE_HOUR: timedelta(hours=1), MoreChoice.SNOOZE_DAY: timedelta(days=1)}
MORE_PERMISSIONS = {
    MoreChoice.NOT_A_COMPLAINT: "dismiss",
    MoreChoice.MUTE_AUTHOR: "mute",
    MoreChoice.SNOOZE_HOUR: "claim",
    MoreChoice.SNOOZE_DAY: "claim",
    MoreChoice.REOPEN: "reopen",
}


def more(rt: Runtime, *, case_id: int, choice: MoreChoice, user_id: str, channel_id: str | None) -> None:
    """The card's overflow menu: not a complaint, mute author, snooze, reopen."""
    rt.permissions.check(user_id, MORE_PERMISSIONS[choice])
    now = rt.clock()
    try:
        with session_scope(rt.sessions) as session:
            if choice is MoreChoice.NOT_A_COMPLAINT:
                cases.dismiss(session=session, case_id=case_id, user_id=user_id, reason="false_positive", now=now)
                _note(session, case_id, now, f"<@{user_id}> marked this as not a complaint; it is kept as feedback for the detector.")
            elif choice is MoreChoice.MUTE_AUTHOR:
                author = case_view(cases.get_case(session=session, case_id=case_id)).author
                cases.mute_author(session=session, author=author, user_id=user_id, now=now)
                cases.record_event(session=session, case_id=case_id, actor=user_id, action="author_muted", at=now, author=author)
                _note(session, case_id, now, f"<@{user_id}> muted {mrkdwn(author, 100)}: their future mentions are ignored.")
            elif choice is MoreChoice.REOPEN:
                cases.reopen(session=session, case_id=case_id, user_id=user_id, now=now)
                _note(session, case_id, now, f"<@{user_id}> reopened this.")
            else:
                until = now + SNOOZES[choice]
                cases.snooze(session=session, case_id=case_id, user_id=user_id, until=until, now=now)
                _note(session, case_id, now, f"<@{user_id}> snoozed this until {slack_date(until)}.")
    except cases.TransitionRefused as refused:
        _tell(rt, channel_id, user_id, str(refused))
        return
    rt.drainer.drain(case_id=case_id)
