"""The one error path: whatever went wrong after Slack asked us something, the person who acted is told, where they are.

Our own refusals (bot/domain/refusals.py: someone was faster, not allowed, no such case, a
request we cannot read) are said in our own words and are not logged: nothing is broken.
Anything else is a bug: it is logged with its traceback under a short reference, and the
person is shown that reference, so a report from Slack leads straight to the log line.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from bot.domain.refusals import NotUnderstood, Refusal
from bot.runtime import Runtime
from bot.services.cases import TransitionRefused
from bot.services.replies import CannotPublish, PublishRefused
from message_blocks import replies
from message_blocks.notes import refusal_message
from message_blocks.reply_notes import cannot_publish_message, publish_refusal_message
from message_blocks.text import mrkdwn

log = logging.getLogger(__name__)

Respond = Callable[..., Any]


def explain(refusal: Refusal) -> str:
    """The mrkdwn message for the person: what was refused and why, without a stack trace."""
    if isinstance(refusal, TransitionRefused):
        return refusal_message(refusal.action, refusal.case)
    if isinstance(refusal, PublishRefused):
        return publish_refusal_message(refusal.draft)
    if isinstance(refusal, CannotPublish):
        return cannot_publish_message(refusal.source_name)
    if isinstance(refusal, NotUnderstood):
        return f"That request did not make sense to me: {mrkdwn(str(refusal), 300)}"
    return str(refusal)


def apology(reference: str) -> str:
    return f"Sorry, something went wrong on my side (ref {reference}). It has been logged: please try again in a minute, and mention the ref if you report it."


def _request(body: dict[str, Any]) -> str:
    """What the person was doing, for the log line: the button, the modal, the command or the event."""
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return f"action {actions[0].get('action_id')}"
    view = body.get("view")
    if isinstance(view, dict) and view.get("callback_id"):
        return f"view {view['callback_id']}"
    if body.get("command"):
        return f"command {body['command']} {str(body.get('text', ''))[:40]!r}"
    return f"{body.get('type') or 'request'} {body.get('callback_id') or ''}".strip()


def _person(body: dict[str, Any]) -> tuple[str | None, str | None]:
    user, channel = body.get("user") or body.get("user_id"), body.get("channel") or body.get("channel_id")
    # Interactive payloads nest {"id": …}; commands and events carry plain IDs.
    user = user.get("id") if isinstance(user, dict) else user
    channel = channel.get("id") if isinstance(channel, dict) else channel
    return user, channel


def tell(rt: Runtime, *, user_id: str, channel_id: str | None, text: str) -> None:
    """A message only this person sees: in the channel if we know it, else as a DM."""
    if channel_id:
        rt.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    else:
        rt.slack.chat_postMessage(channel=user_id, text=text)


def report_error(rt: Runtime, *, body: dict[str, Any], error: Exception, respond: Respond | None = None) -> None:
    """The entry point for every listener's failure. `respond` (a slash command's or shortcut's response URL)
    answers in place; else an ephemeral message in the channel, or a DM."""
    user, channel = _person(body)
    if isinstance(error, Refusal):
        message = explain(error)
    else:
        reference = secrets.token_hex(3)
        log.error("unexpected error (ref %s) in %s by %s", reference, _request(body), user, exc_info=error)
        message = apology(reference)
    try:
        if respond is not None:
            respond(blocks=replies.notice(message), text=message, response_type="ephemeral", replace_original=False)
        elif user:
            tell(rt, user_id=user, channel_id=channel, text=message)
    except Exception:
        log.exception("could not tell %s about an error", user)
