"""Running `/complaint` subcommands and the "Report as complaint" shortcut."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot import interactions
from bot.db.models import Case, CaseEvent, CaseStatus, SourceState
from bot.db.session import session_scope
from bot.page_title import fetch_title
from bot.permissions import NotAllowed
from bot.pipeline import report_mention
from bot.reports import digest_preview, stats_reply
from bot.runtime import Runtime
from bot.services import cases
from bot.services.views import case_view
from bot.slash import HELP_LINES, Command, UsageError, parse
from message_blocks import replies
from message_blocks.notes import already_claimed_message
from message_blocks.views import EventView, SourceHealthView
from sources import Mention

log = logging.getLogger(__name__)

Respond = Callable[..., Any]
ACTIVE = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)
LIST_TITLES = {"open": "Open cases", "mine": "Your cases", "unclaimed": "Unclaimed cases", "escalated": "Escalated cases"}


def run_command(rt: Runtime, *, text: str, user_id: str, channel_id: str, trigger_id: str, respond: Respond) -> None:
    try:
        command = parse(text)
    except UsageError as problem:
        respond(blocks=replies.help_reply(HELP_LINES, str(problem)), text=str(problem), response_type="ephemeral")
        return
    try:
        blocks = _run(rt, command, user_id=user_id, trigger_id=trigger_id)
    except (cases.CaseNotFound, cases.TransitionRefused, NotAllowed) as refused:
        blocks = replies.notice(str(refused))  # our own words, with channel and user links
    except ValueError as problem:
        blocks = replies.text_reply(str(problem))
    if blocks:
        respond(blocks=blocks, text=_fallback(blocks), response_type="ephemeral", replace_original=False)


def _fallback(blocks: list[dict[str, Any]]) -> str:
    first = blocks[0]
    return first.get("text", {}).get("text", "Complaint Bot")[:300] if first["type"] == "section" else "Complaint Bot"


def _run(rt: Runtime, command: Command, *, user_id: str, trigger_id: str) -> list[dict[str, Any]] | None:
    name = command.name
    if name == "help":
        return replies.help_reply(HELP_LINES)
    if name == "list":
        return _list(rt, command.argument, user_id)
    if name == "show":
        return _show(rt, command.case_id)  # type: ignore[arg-type]
    if name == "claim":
        try:
            interactions.claim_case(rt, case_id=command.case_id, user_id=user_id)  # type: ignore[arg-type]
        except cases.TransitionRefused as refused:
            return replies.notice(already_claimed_message(refused.case))
        return replies.text_reply(f"Case #{command.case_id} is yours.")
    if name == "resolve":
        interactions.open_resolve(rt, case_id=command.case_id, user_id=user_id, trigger_id=trigger_id)  # type: ignore[arg-type]
        return None
    if name in ("mute", "unmute"):
        return _mute(rt, command, user_id)
    if name == "sources":
        return _sources(rt)
    if name == "add":
        return _add(rt, command, user_id)
    if name == "stats":
        return stats_reply(rt, days=int(command.argument.removesuffix("d")))
    if name == "digest":
        return digest_preview(rt)
    raise UsageError(f"unknown command {name}")


def _list(rt: Runtime, which: str, user_id: str) -> list[dict[str, Any]]:
    query = select(Case)
    if which == "open":
        query = query.where(Case.status.in_(ACTIVE))
    elif which == "mine":
        query = query.where(Case.status.in_(ACTIVE), Case.assignee == user_id)
    elif which == "unclaimed":
        query = query.where(Case.status == CaseStatus.OPEN)
    else:
        query = query.where(Case.status == CaseStatus.ESCALATED)
    with session_scope(rt.sessions) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        shown = [case_view(c) for c in session.scalars(query.order_by(Case.detected_at).limit(replies.MAX_LISTED))]
    return replies.case_list(LIST_TITLES[which], shown, total)


def _show(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    with session_scope(rt.sessions) as session:
        view = case_view(cases.get_case(session=session, case_id=case_id))
        history = [
            EventView(e.at, e.actor, e.action)
            for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
        ]
    return replies.case_detail(view, history)


def _mute(rt: Runtime, command: Command, user_id: str) -> list[dict[str, Any]]:
    rt.permissions.check(user_id, "mute")
    author = command.argument
    with session_scope(rt.sessions) as session:
        if command.name == "mute":
            changed = cases.mute_author(session=session, author=author, user_id=user_id, now=rt.clock())
            message = f"Muted {author}: their future mentions are ignored." if changed else f"{author} was already muted."
        else:
            changed = cases.unmute_author(session=session, author=author)
            message = f"Unmuted {author}." if changed else f"{author} was not muted."
    return replies.text_reply(message)


def _sources(rt: Runtime) -> list[dict[str, Any]]:
    with session_scope(rt.sessions) as session:
        states = {s.name: s for s in session.scalars(select(SourceState))}
    views = []
    for config in rt.config.sources:
        state = states.get(config.name)
        views.append(
            SourceHealthView(
                name=config.name,
                kind=config.kind,
                enabled=config.enabled,
                last_success_at=state.last_success_at if state else None,
                last_error_at=state.last_error_at if state else None,
                last_error=state.last_error if state else None,
                consecutive_failures=state.consecutive_failures if state else 0,
                items_seen=state.items_seen if state else 0,
            )
        )
    return replies.sources_health(views)


def _add(rt: Runtime, command: Command, user_id: str) -> list[dict[str, Any]]:
    rt.permissions.check(user_id, "report")
    title = fetch_title(command.argument)
    mention = Mention(
        source_kind="manual",
        source_name="reported by hand",
        external_id=command.argument,
        url=command.argument,
        title=title or command.argument,
        text=command.note,
        author="",
        published_at=None,
    )
    reported = report_mention(rt, mention, reporter=user_id)
    rt.drainer.drain(case_id=reported.case_id)
    return _reported_reply(rt, reported.case_id, reported.existed)


def _reported_reply(rt: Runtime, case_id: int, existed: bool) -> list[dict[str, Any]]:
    with session_scope(rt.sessions) as session:
        view = case_view(cases.get_case(session=session, case_id=case_id))
    return replies.case_reported(view, existed)


def report_message(
    rt: Runtime, *, user_id: str, channel_id: str, message: dict[str, Any], respond: Respond
) -> None:
    """The "Report as complaint" message shortcut: the Slack message becomes a case."""
    try:
        rt.permissions.check(user_id, "report")
    except NotAllowed as refused:
        respond(text=str(refused), response_type="ephemeral")
        return
    ts = message["ts"]
    try:
        permalink = rt.slack.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"]
    except Exception:
        log.warning("no permalink for %s/%s", channel_id, ts)
        permalink = f"https://slack.com/app_redirect?channel={channel_id}&message_ts={ts}"
    text = message.get("text") or ""
    mention = Mention(
        source_kind="slack",
        source_name="reported from Slack",
        external_id=f"{channel_id}:{ts}",
        url=permalink,
        title=text.split("\n", 1)[0][:150],
        text=text,
        author=message.get("user") or message.get("username") or "",
        published_at=datetime.fromtimestamp(float(ts), tz=UTC),
    )
    reported = report_mention(rt, mention, reporter=user_id)
    rt.drainer.drain(case_id=reported.case_id)
    respond(blocks=_reported_reply(rt, reported.case_id, reported.existed), text="Reported", response_type="ephemeral")
