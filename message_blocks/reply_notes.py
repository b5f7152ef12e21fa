"""A saved draft in the card's thread (with Publish reply, or Open original to post it by hand) and what publishing it did."""

from __future__ import annotations

from typing import Any

from bot.domain.enums import DraftPurpose
from bot.domain.views import CaseView, ReplyDraftView, ReplyRoute
from message_blocks.blocks import button, context, section
from message_blocks.card import duration, kind_label, slack_date
from message_blocks.ids import Action, case_value, draft_value
from message_blocks.text import link, mrkdwn, plain, quote_block, safe_url

DRAFT_QUOTE_LIMIT = 2600
REASON_LIMIT = 300
# A link button's url.
URL_LIMIT = 3000


def _publish_button(draft: ReplyDraftView, network: str) -> dict[str, Any]:
    explained = f"It is posted publicly on {network} under the original post, from the account set for this source."
    confirm = {
        "title": {"type": "plain_text", "text": "Publish this reply?"},
        "text": {"type": "plain_text", "text": plain(explained, 300)},
        "confirm": {"type": "plain_text", "text": "Publish"},
        "deny": {"type": "plain_text", "text": "Not yet"},
    }
    value = draft_value(draft.case_id, draft.draft_id)
    return button(f"Publish reply on {network}", Action.PUBLISH_REPLY, value=value, style="primary", confirm=confirm)


def draft_text(draft: ReplyDraftView) -> str:
    """The notification text of the draft's message."""
    if draft.purpose == DraftPurpose.FOLLOW_UP:
        return f"A follow-up to send on case #{draft.case_id}"
    return f"<@{draft.saved_by}> drafted a reply for review."


def draft_message(draft: ReplyDraftView, route: ReplyRoute) -> list[dict[str, Any]]:
    """The draft quoted for review, with Publish reply where the source allows it, else Open original to paste it there;
    once published, where it went instead of the buttons that would send it."""
    if draft.purpose == DraftPurpose.FOLLOW_UP:
        intro = "📅 A check-in to send now, asking whether the fix held:"
    else:
        intro = f"<@{draft.saved_by}> drafted a reply for review:"
    blocks = [section(f"{intro}\n{quote_block(draft.text, DRAFT_QUOTE_LIMIT)}")]
    buttons = []
    original = safe_url(route.original_url)
    if draft.published_url:
        # Published: what it became replaces the buttons that would send it again.
        blocks.append(context(f"✅ Published on {mrkdwn(kind_label(route.source_kind), 40)}: {link(draft.published_url, draft.published_url)}"))
    elif route.publishable:
        buttons.append(_publish_button(draft, kind_label(route.source_kind)))
    else:
        network = mrkdwn(kind_label(route.source_kind), 40)
        blocks.append(context(f"Replies to {network} are posted by hand: open the original, paste the draft there."))
    if original and len(original) <= URL_LIMIT:
        buttons.append(button("Open original", Action.OPEN_ORIGINAL, url=original))
    if draft.purpose == DraftPurpose.REPLY and not draft.published_url:
        # Also after Publish: when the outcome is unknown, the person checks the page and records the link by hand.
        buttons.append(button("Reply sent…", Action.REPLY_SENT, value=case_value(draft.case_id)))
    if buttons:
        blocks.append({"type": "actions", "block_id": f"reply-draft-{draft.draft_id}", "elements": buttons})
    return blocks


def published_note(case: CaseView, user_id: str, draft: ReplyDraftView, kind: str) -> str:
    where = link(draft.published_url, draft.published_url)
    if draft.purpose == DraftPurpose.FOLLOW_UP:
        return f"<@{user_id}> published the follow-up on {kind_label(kind)}: {where}"
    after = f" {duration(draft.published_at - case.detected_at)} after detection" if draft.published_at else ""
    return f"<@{user_id}> published the reply on {kind_label(kind)}{after}: {where}"


_NEXT_STEP = {
    "gone": "Nothing was sent and the case is unchanged.",
    "auth": "Nothing was sent: the source's account or its credentials need fixing (ask whoever runs the bot).",
    "rate_limited": "Nothing was sent: press Publish again later.",
    "refused": "Nothing was sent: change the draft and save it again.",
}


def not_published_note(user_id: str, problem: str, reason: str) -> str:
    """The network refused: what it said, and that nothing went out."""
    return f"⚠️ <@{user_id}>, the reply was not published: {mrkdwn(reason, REASON_LIMIT)}. {_NEXT_STEP.get(problem, 'Nothing was sent.')}"


def unsure_note(user_id: str, reason: str, original_url: str) -> str:
    """The call failed midway: it may have gone out, so it is not tried again."""
    page = link(original_url, "the original post")
    return (
        f"⚠️ <@{user_id}>, publishing did not finish: {mrkdwn(reason, REASON_LIMIT)}. The reply may have gone out, so it will "
        f"not be sent again from this button. Check {page}: if the reply is there, record it with *Reply sent…*; "
        "if not, save the draft again to get a new Publish button."
    )


def publish_refusal_message(draft: ReplyDraftView) -> str:
    """For a second click (or a retried one): the draft is published, or its publication is under way."""
    if draft.published_url:
        return f"This reply is already published: {link(draft.published_url, draft.published_url)}"
    since = f" (since {slack_date(draft.publish_started_at)})" if draft.publish_started_at else ""
    return (
        f"This reply is already being published{since}. If it has not shown up, check the original post; "
        "if it is there, record it with *Reply sent…*, otherwise save the draft again."
    )


def cannot_publish_message(source_name: str) -> str:
    return (
        f"Replies can no longer be published to source *{mrkdwn(source_name, 100)}* (its account is no longer configured): "
        "open the original, reply there and record it with *Reply sent…*."
    )
