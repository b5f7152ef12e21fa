"""Publish reply: an approved draft goes out once, under the original post, from the source's own account.

At most once, whatever happens: the draft is claimed by a conditional UPDATE
committed before the network is called, so a double click, a retried request or
a restart after a crash finds it claimed and publishes nothing. A definite
refusal (the post is gone, the credentials or the text refused, rate limited)
releases the claim and says why in the card's thread; nothing is recorded as
sent. An unknown outcome (a timeout, a dropped connection, a server error) keeps
the claim: the reply may be out, and only Mastodon could tell a repeat from a new
reply, so the thread asks the person to look and record it by hand.
"""

from __future__ import annotations

import logging

from bot.domain.enums import DraftPurpose
from bot.domain.outbox import ThreadNote, UpdateMessage
from bot.domain.views import ReplyDraftView, ReplyRoute
from bot.flows.errors import tell
from bot.flows.http import http_client
from bot.runtime import Runtime
from bot.services import cases, outbox, replies
from bot.services.replies import CannotPublish, ReplyTarget
from bot.slack.permissions import Permission
from message_blocks import reply_notes
from sources import PublishError, PublishProblem, SourceConfig, can_publish, publish_reply

log = logging.getLogger(__name__)

# The network said no: nothing went out, so the draft may be published again.
DEFINITE = frozenset({PublishProblem.GONE, PublishProblem.AUTH, PublishProblem.RATE_LIMITED, PublishProblem.REFUSED})


def _source_config(rt: Runtime, target: ReplyTarget) -> SourceConfig | None:
    return next((c for c in rt.config.sources if c.name == target.source_name and c.kind == target.source_kind), None)


def route(rt: Runtime, target: ReplyTarget) -> ReplyRoute:
    """Publish through the source's API where it has one, credentials to post and what the reply needs; else by hand."""
    config = _source_config(rt, target)
    publishable = config is not None and target.reply_to is not None and can_publish(config)
    return ReplyRoute(target.source_kind, target.url, publishable)


def publish(rt: Runtime, *, case_id: int, draft_id: int, user_id: str, clicked_in: str | None = None, clicked_message: str | None = None) -> bool:
    """Publish exactly the saved draft's text: True if it went out, False if the network failed it (the thread says why);
    refusals (published already, under way, not publishable) are raised.

    `clicked_in`, `clicked_message`: the channel and ts of the message whose button was pressed."""
    rt.permissions.check(user_id, Permission.DRAFT)
    with rt.transaction() as session:
        target = replies.target(session=session, case_id=case_id)
        replies.get(session=session, case_id=case_id, draft_id=draft_id)
    config = _source_config(rt, target)
    if config is None or not route(rt, target).publishable:
        raise CannotPublish(target.source_name)
    with rt.transaction() as session:
        draft = replies.start_publishing(session=session, case_id=case_id, draft_id=draft_id, now=rt.clock())
    # Committed: from here on nothing else publishes this draft, whatever happens to this thread.
    try:
        with http_client() as http:
            # Mastodon also answers a repeated key with the status it already made.
            done = publish_reply(config, http, target.reply_to, draft.text, idempotency_key=f"complaint-bot-draft-{draft.draft_id}")
    except PublishError as error:
        _not_published(rt, draft, user_id, error.problem, str(error), target, clicked_in)
        return False
    except Exception as error:  # noqa: BLE001 - unforeseen: it may have gone out, so it counts as an unknown outcome
        log.exception("publishing draft %s of case %s failed", draft_id, case_id)
        _not_published(rt, draft, user_id, PublishProblem.OTHER, f"unexpected {type(error).__name__}", target, clicked_in)
        return False
    _published(rt, draft, user_id, done.url, target, clicked_in, clicked_message)
    return True


def _published(
    rt: Runtime, draft: ReplyDraftView, user_id: str, url: str, target: ReplyTarget, clicked_in: str | None, clicked_message: str | None
) -> None:
    now = rt.clock()
    with rt.transaction() as session:
        draft = replies.published(session=session, draft_id=draft.draft_id, url=url, now=now)
        if draft.purpose == DraftPurpose.REPLY:
            case = cases.record_reply_sent(session=session, case_id=draft.case_id, user_id=user_id, url=url, now=now)
        else:
            replies.record_follow_up_published(session=session, case_id=draft.case_id, user_id=user_id, url=url, now=now)
            case = cases.get_view(session=session, case_id=draft.case_id)
        note = reply_notes.published_note(case, user_id, draft, target.source_kind)
        outbox.enqueue(session=session, case_id=draft.case_id, message=ThreadNote(text=note), at=now)
        if clicked_message and clicked_in == rt.config.slack.channel:
            # The draft's own message in the card's thread: its Publish button gives way to the link. (The follow-up
            # DM keeps its reminder; the outcome is told there.)
            outbox.enqueue(
                session=session, case_id=draft.case_id, at=now,
                message=UpdateMessage(
                    channel=clicked_in, ts=clicked_message,
                    text=reply_notes.draft_text(draft), blocks=reply_notes.draft_message(draft, route(rt, target)),
                ),
            )
    rt.drainer.drain(case_id=draft.case_id)
    _tell_elsewhere(rt, user_id, clicked_in, note)


def _not_published(
    rt: Runtime, draft: ReplyDraftView, user_id: str, problem: PublishProblem, reason: str, target: ReplyTarget, clicked_in: str | None
) -> None:
    now = rt.clock()
    definite = problem in DEFINITE
    note = reply_notes.not_published_note(user_id, problem, reason) if definite else reply_notes.unsure_note(user_id, reason, target.url)
    with rt.transaction() as session:
        if definite:
            replies.publish_refused(session=session, draft_id=draft.draft_id, user_id=user_id, reason=reason, now=now)
        else:
            replies.publish_unsure(session=session, draft_id=draft.draft_id, user_id=user_id, reason=reason, now=now)
        outbox.enqueue(session=session, case_id=draft.case_id, message=ThreadNote(text=note), at=now)
    rt.drainer.drain(case_id=draft.case_id)
    _tell_elsewhere(rt, user_id, clicked_in, note)


def _tell_elsewhere(rt: Runtime, user_id: str, clicked_in: str | None, note: str) -> None:
    """Publish pressed outside the card's thread (the follow-up DM): the outcome is told there as well."""
    if clicked_in and clicked_in != rt.config.slack.channel:
        tell(rt, user_id=user_id, channel_id=clicked_in, text=note)
