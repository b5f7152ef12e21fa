"""Closing every loop of an incident: when it is fixed (and again a month later, the check-in) one draft per complainant,
shaped by their medium, goes to the incident's thread for approval.

"Approve all" publishes each draft whose source allows it through bot/flows/publish.py, so
each goes out at most once however many people (or replicas) press it; the others are
listed with a link to the original and an "Answered by hand" button. Each published or
hand-answered fix follow-up is a loop closed, counted on the card and in the reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.drafts import follow_up_draft
from bot.domain.drafts.incident import fix_follow_up_draft
from bot.domain.enums import DraftPurpose
from bot.domain.outbox import DirectMessage, IncidentNote
from bot.domain.refusals import NotUnderstood
from bot.domain.views import IncidentFollowUpView
from bot.flows.drafting import FOLLOW_UP_DAYS, draft_input
from bot.flows.publish import publish, route
from bot.runtime import Runtime
from bot.services import incident_follow_ups, incidents, outbox
from bot.services.replies import CannotPublish, PublishRefused
from bot.slack.permissions import Permission
from message_blocks import incident as incident_texts
from message_blocks.blocks import section
from message_blocks.incident_follow_ups import approved_note, replied_by_hand_note, review_messages, review_text


def follow_up_views(rt: Runtime, session: Session, incident_id: int, purpose: DraftPurpose) -> list[IncidentFollowUpView]:
    return [
        IncidentFollowUpView(
            draft_id=draft.draft_id, case_id=draft.case_id, purpose=draft.purpose, author=target.author, source_kind=target.source_kind,
            url=target.url, text=draft.text, publishable=route(rt, target).publishable, published_at=draft.published_at,
            published_url=draft.published_url,
        )
        for draft, target in incident_follow_ups.drafted(session=session, incident_id=incident_id, purpose=purpose)
    ]


def draft_follow_ups(rt: Runtime, session: Session, *, incident_id: int, purpose: DraftPurpose, now: datetime) -> int:
    """One draft per complainant (a complainant who has one keeps it), posted in the incident's thread. Returns how many are new."""
    fix_note = incidents.get(session=session, incident_id=incident_id).root_cause or ""
    written = []
    for case in incident_follow_ups.complainants(session=session, incident_id=incident_id):
        if purpose is DraftPurpose.INCIDENT_FIX:
            draft = fix_follow_up_draft(draft_input(rt, case), fix_note=fix_note)
        else:
            draft = follow_up_draft(draft_input(rt, case), days=FOLLOW_UP_DAYS)
        if draft.text:
            written.append((case.case_id, draft.text))
    created = incident_follow_ups.save_drafts(session=session, incident_id=incident_id, purpose=purpose, texts=written, saved_by="bot", now=now)
    review = follow_up_views(rt, session, incident_id, purpose)
    for blocks in review_messages(incident_id, purpose, review):
        note = IncidentNote(incident_id=incident_id, text=review_text(incident_id, len(review)), blocks=blocks)
        outbox.enqueue(session=session, case_id=None, message=note, at=now)
    return created


def approve_all(rt: Runtime, *, incident_id: int, purpose: DraftPurpose, user_id: str) -> None:
    """Publish every draft of this batch that its source lets us publish; each at most once (publish's claim)."""
    rt.permissions.check(user_id, Permission.DRAFT)
    with rt.transaction() as session:
        review = follow_up_views(rt, session, incident_id, purpose)
    published = already = failed = 0
    for follow_up in review:
        if not follow_up.publishable:
            continue
        try:
            done = publish(rt, case_id=follow_up.case_id, draft_id=follow_up.draft_id, user_id=user_id)
        except PublishRefused:
            already += 1
            continue
        except CannotPublish:
            failed += 1
            continue
        published, failed = published + done, failed + (not done)
    by_hand = sum(1 for f in review if not f.publishable and not f.published_at)
    now = rt.clock()
    with rt.transaction() as session:
        incidents.record(session=session, incident_id=incident_id, actor=user_id, action="approved_all", at=now, purpose=purpose,
                         published=published, failed=failed)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=approved_note(user_id, published, already, failed, by_hand))
    rt.drainer.drain()


def replied_by_hand(rt: Runtime, *, incident_id: int, draft_id: int, user_id: str) -> None:
    """A person answered one complainant by hand: their loop is closed (once: a second click is refused)."""
    rt.permissions.check(user_id, Permission.DRAFT)
    now = rt.clock()
    with rt.transaction() as session:
        if incident_follow_ups.incident_of_draft(session=session, draft_id=draft_id) != incident_id:
            raise NotUnderstood(f"draft {draft_id} is not a follow-up of incident #{incident_id}")
        draft = incident_follow_ups.replied_by_hand(session=session, draft_id=draft_id, user_id=user_id, now=now)
        incidents.record(session=session, incident_id=incident_id, actor=user_id, action="answered_by_hand", at=now, case_id=draft.case_id)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=replied_by_hand_note(user_id, draft.case_id))
    rt.drainer.drain()


def check_in(rt: Runtime, *, incident_id: int, now: datetime) -> bool:
    """A month after the fix: the check-in drafts for approval in the thread, and one DM to the owner. Once, across replicas."""
    with rt.transaction() as session:
        if not incident_follow_ups.mark_once(session=session, incident_id=incident_id, what="check_in", now=now):
            return False
        incidents.record(session=session, incident_id=incident_id, actor="bot", action="check_in", at=now)
        draft_follow_ups(rt, session, incident_id=incident_id, purpose=DraftPurpose.FOLLOW_UP, now=now)
        shown = incidents.get(session=session, incident_id=incident_id)
        if shown.owner:
            text = incident_texts.check_in_text(incident_id)
            outbox.enqueue(session=session, case_id=None, message=DirectMessage(user=shown.owner, text=text, blocks=[section(text)]), at=now)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=None, dm=False)
    return True
