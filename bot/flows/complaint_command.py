"""`/complaint`: parse the text, run the subcommand, answer through the response URL (only the caller sees it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.commands import HELP_LINES, Command, UsageError, parse
from bot.flows import case_actions, manual_report
from bot.flows.reports import digest_preview, stats_reply
from bot.runtime import Runtime
from bot.services import cases, events, queries, source_health
from bot.slack.permissions import Permission
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


def _run(rt: Runtime, command: Command, *, user_id: str, trigger_id: str) -> list[dict[str, Any]] | None:
    name = command.name
    if name == "help":
        return replies.help_reply(HELP_LINES)
    if name == "list":
        return _list(rt, command.argument, user_id)
    if name in ("show", "claim", "resolve"):
        case_id = command.case_id
        assert case_id is not None  # parse() gives these three a case number or refuses them
        if name == "show":
            return _show(rt, case_id)
        if name == "claim":
            case_actions.claim(rt, case_id=case_id, user_id=user_id)
            return replies.claimed_reply(case_id)
        case_actions.open_resolve(rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id)
        return None
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
    raise UsageError(f"unknown command {name}")


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
