"""The one error path: whatever went wrong after Slack asked us something, the person who acted is told, where they are.

Refusals we expect (someone was faster, not allowed, no such case) are said in our
own words; anything else is logged with its traceback and the person gets an apology.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.runtime import Runtime
from bot.services.cases import CaseNotFound, TransitionRefused
from bot.services.incidents import IncidentNotFound, IncidentRefused
from bot.services.replies import CannotPublish, DraftNotFound, PublishRefused
from bot.slack.permissions import NotAllowed
from message_blocks import replies
from message_blocks.notes import refusal_message
from message_blocks.reply_notes import cannot_publish_message, publish_refusal_message
from message_blocks.text import mrkdwn

log = logging.getLogger(__name__)

Respond = Callable[..., Any]
APOLOGY = "Sorry, something went wrong on my side; it has been logged. Please try again in a minute."


def explain(error: Exception) -> str:
    """The mrkdwn message for the person, without a stack trace."""
    if isinstance(error, TransitionRefused):
        return refusal_message(error.action, error.case)
    if isinstance(error, PublishRefused):
        return publish_refusal_message(error.draft)
    if isinstance(error, CannotPublish):
        return cannot_publish_message(error.source_name)
    if isinstance(error, (CaseNotFound, DraftNotFound, NotAllowed, IncidentNotFound, IncidentRefused)):
        return str(error)
    if isinstance(error, ValueError):
        return f"That request did not make sense to me: {mrkdwn(str(error), 300)}"
    log.error("listener failed", exc_info=error)
    return APOLOGY


def tell(rt: Runtime, *, user_id: str, channel_id: str | None, text: str) -> None:
    """A message only this person sees: in the channel if we know it, else as a DM."""
    if channel_id:
        rt.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    else:
        rt.slack.chat_postMessage(channel=user_id, text=text)


def report_error(rt: Runtime, *, body: dict[str, Any], error: Exception, respond: Respond | None = None) -> None:
    """`respond` (a slash command's or shortcut's response URL) answers in place; else an ephemeral message or a DM."""
    message = explain(error)
    try:
        if respond is not None:
            respond(blocks=replies.notice(message), text=message, response_type="ephemeral", replace_original=False)
            return
        user, channel = body.get("user") or body.get("user_id"), body.get("channel") or body.get("channel_id")
        # Interactive payloads nest {"id": …}; commands and events carry plain IDs.
        user = user.get("id") if isinstance(user, dict) else user
        channel = channel.get("id") if isinstance(channel, dict) else channel
        if user:
            tell(rt, user_id=user, channel_id=channel, text=message)
    except Exception:
        log.exception("could not tell the user about an error")
