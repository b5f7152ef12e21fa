"""`/complaint`: parse the text, run the subcommand, answer through the response URL (only the caller sees it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.commands import HELP_LINES, CaseCommand, Command, UsageError, parse
from bot.flows import case_actions, manual_report
from bot.flows import incidents as incident_flows
from bot.flows.reports import digest_preview, stats_reply
from bot.runtime import Runtime
from bot.services import cases, events, incident_views, queries, source_health
from bot.slack.permissions import Permission
from message_blocks import incident as incident_texts
from message_blocks import replies

Respond = Callable[..., Any]
LIST_TITLES = {"open": "Open cases", "mine": "Your cases", "unclaimed": "Unclaimed cases", "escalated": "Escalated cases"}


def run_command(rt: Runtime, *, text: str, user_id: str, trigger_id: str, respond: Respond) -> None:
    """Refusals and failures go to the error path, which answers through `respond` too."""
    try:
        command = parse(text)
    except UsageError as problem:
        respond(blocks=replies.help_reply(HELP_LINES, str(problem)), text=str(problem), response_type="ephemeral")
        return
    blocks = _run(rt, command, user_id=user_id, trigger_id=trigger_id)
    if blocks:
        respond(blocks=blocks, text=replies.fallback_text(blocks), response_type="ephemeral", replace_original=False)


def _run(rt: Runtime, command: Command | CaseCommand, *, user_id: str, trigger_id: str) -> list[dict[str, Any]] | None:
    if isinstance(command, CaseCommand):
        return _about_a_case(rt, command, user_id=user_id, trigger_id=trigger_id)
    name = command.name
    if name == "help":
        return replies.help_reply(HELP_LINES)
    if name == "list":
        return _list(rt, command.argument, user_id)
    if name in ("mute", "unmute"):
        return _mute(rt, command, user_id)
    if name == "sources":
        with rt.transaction() as session:
            return replies.sources_health(source_health.health(session=session, sources=rt.config.sources))
    if name == "add":
        return manual_report.add_url(rt, url=command.argument, note=command.note, user_id=user_id)
    if name == "stats":
        return stats_reply(rt, days=int(command.argument.removesuffix("d")))
    if name == "digest":
        return digest_preview(rt)
    if name == "incident":
        return _incident(rt, command, user_id)
    raise UsageError(f"unknown command {name}")


def _about_a_case(rt: Runtime, command: CaseCommand, *, user_id: str, trigger_id: str) -> list[dict[str, Any]] | None:
    if command.name == "show":
        return _show(rt, command.case_id)
    if command.name == "claim":
        case_actions.claim(rt, case_id=command.case_id, user_id=user_id)
        return replies.claimed_reply(command.case_id)
    if command.name == "resolve":
        case_actions.open_resolve(rt, case_id=command.case_id, user_id=user_id, trigger_id=trigger_id)
        return None
    raise UsageError(f"unknown command {command.name}")


def _incident(rt: Runtime, command: Command, user_id: str) -> list[dict[str, Any]]:
    """`/complaint incident new|add|remove|list|show|close`; refusals (a closed incident, a case elsewhere) go to the error path."""
    sub, number = command.argument, command.case_id or 0
    if sub == "new":
        opened = incident_flows.create(rt, title=command.note, user_id=user_id)
        return replies.notice(incident_texts.opened_reply(opened))
    if sub == "add":
        incident_id, moved = incident_flows.join(rt, case_ids=list(command.case_ids), user_id=user_id, incident_id=number)
        return replies.notice(incident_texts.added_reply(incident_id, moved.added, incident_flows.refused_moves(moved, incident_id)))
    if sub == "remove":
        left = incident_flows.leave(rt, case_id=number, user_id=user_id)
        return replies.notice(incident_texts.removed_reply(number, left))
    if sub == "close":
        incident_flows.close(rt, incident_id=number, user_id=user_id)
        return replies.notice(incident_texts.closed_reply(number))
    with rt.transaction() as session:
        if sub == "show":
            return incident_texts.incident_detail(
                incident_views.view(session=session, incident_id=number, now=rt.clock()), incident_views.timeline(session=session, incident_id=number)
            )
        open_only = command.note != "all"
        return incident_texts.incident_list(incident_views.listed(session=session, now=rt.clock(), open_only=open_only, limit=25), open_only=open_only)


def _list(rt: Runtime, which: str, user_id: str) -> list[dict[str, Any]]:
    with rt.transaction() as session:
        page = queries.listed(session=session, which=which, user_id=user_id, limit=replies.MAX_LISTED)
    return replies.case_list(LIST_TITLES[which], page.shown, page.total)


def _show(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    with rt.transaction() as session:
        view = cases.get_view(session=session, case_id=case_id)
        history = events.history(session=session, case_id=case_id)
    return replies.case_detail(view, history)


def _mute(rt: Runtime, command: Command, user_id: str) -> list[dict[str, Any]]:
    rt.permissions.check(user_id, Permission.MUTE)
    author = command.argument
    with rt.transaction() as session:
        if command.name == "mute":
            changed = cases.mute_author(session=session, author=author, user_id=user_id, now=rt.clock())
        else:
            changed = cases.unmute_author(session=session, author=author)
    return replies.muted_reply(author, muted=command.name == "mute", changed=changed)
