"""The follow-ups an incident owes its complainants, in its thread for approval: Approve all publishes where the source
allows; the rest are listed with a link to the original and a button to say it was answered by hand."""

from __future__ import annotations

from typing import Any

from bot.domain.enums import DraftPurpose
from bot.domain.views import IncidentFollowUpView
from message_blocks.blocks import context, section
from message_blocks.card import kind_label
from message_blocks.ids import Action
from message_blocks.incident import incident_button
from message_blocks.text import link, mrkdwn, plural, quote_block

DRAFT_QUOTE_LIMIT = 2400
# Blocks per thread message (Slack allows 50): a long list goes out as several messages.
PER_MESSAGE = 45
INTROS = {
    DraftPurpose.INCIDENT_FIX: "📣 *Incident #{id} is fixed.* One follow-up per complainant, saying what was fixed:",
    DraftPurpose.FOLLOW_UP: "📅 *Incident #{id}: time for the check-in.* One message per complainant, asking whether the fix held:",
}


def _who(follow_up: IncidentFollowUpView) -> str:
    network = mrkdwn(kind_label(follow_up.source_kind), 40)
    author = f" · {mrkdwn(follow_up.author, 60)}" if follow_up.author else ""
    return f"*#{follow_up.case_id}* {network}{author} · {link(follow_up.url, 'original', 20)}"


def _state(follow_up: IncidentFollowUpView) -> str:
    if follow_up.published_url:
        return f"✅ published: {link(follow_up.published_url, follow_up.published_url, 200)}"
    if follow_up.published_at:
        return "✅ answered by hand"
    return "goes out with *Approve all*" if follow_up.publishable else "✋ reply by hand: open the original and paste it there"


def follow_up_block(incident_id: int, follow_up: IncidentFollowUpView) -> dict[str, Any]:
    block = section(f"{_who(follow_up)} — {_state(follow_up)}\n{quote_block(follow_up.text, DRAFT_QUOTE_LIMIT)}")
    if not follow_up.publishable and not follow_up.published_at:
        block["accessory"] = incident_button("Answered by hand", Action.INCIDENT_REPLIED_BY_HAND, incident_id, draft_id=follow_up.draft_id)
    return block


def review_messages(incident_id: int, purpose: DraftPurpose, follow_ups: list[IncidentFollowUpView]) -> list[list[dict[str, Any]]]:
    """The thread messages for approval: the first with the counts and Approve all, then every draft (publishable ones first)."""
    publishable = [f for f in follow_ups if f.publishable]
    by_hand = [f for f in follow_ups if not f.publishable]
    intro = INTROS[purpose].format(id=incident_id)
    counts = f"{len(publishable)} can be published from here, {len(by_hand)} {'needs' if len(by_hand) == 1 else 'need'} a reply by hand."
    head: list[dict[str, Any]] = [section(f"{intro}\n{counts}")]
    if publishable:
        confirm = {
            "title": {"type": "plain_text", "text": "Publish them all?"},
            "text": {"type": "plain_text", "text": f"Each of the {len(publishable)} is posted publicly under its original post, once."[:300]},
            "confirm": {"type": "plain_text", "text": "Publish"},
            "deny": {"type": "plain_text", "text": "Not yet"},
        }
        button = incident_button(f"Approve all ({len(publishable)})", Action.INCIDENT_APPROVE_ALL, incident_id, "primary", purpose=purpose.value)
        button["confirm"] = confirm
        head.append({"type": "actions", "block_id": f"incident-approve-{incident_id}-{purpose.value}", "elements": [button]})
    if not follow_ups:
        head.append(context("No complainant to follow up: every case was marked not a complaint, or reads as a troll."))
    blocks = [follow_up_block(incident_id, f) for f in publishable + by_hand]
    messages = [head + blocks[: PER_MESSAGE - len(head)]]
    rest = blocks[PER_MESSAGE - len(head) :]
    messages += [rest[start : start + PER_MESSAGE] for start in range(0, len(rest), PER_MESSAGE)]
    return messages


def review_text(incident_id: int, count: int) -> str:
    return f"Incident #{incident_id}: {plural(count, 'follow-up')} to approve"


def approved_note(user_id: str, published: int, already: int, failed: int, by_hand: int) -> str:
    parts = [f"<@{user_id}> approved all: {plural(published, 'follow-up')} published"]
    if already:
        parts.append(f"{already} already published or under way")
    if failed:
        parts.append(f"{failed} not published (see each case's thread)")
    if by_hand:
        parts.append(f"{by_hand} still to answer by hand (listed above)")
    return ", ".join(parts) + "."


def replied_by_hand_note(user_id: str, case_id: int) -> str:
    return f"<@{user_id}> answered the complainant of case #{case_id} by hand: one more loop closed."
