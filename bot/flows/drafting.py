"""Draft reply: a modal with a draft that answers this complaint in its medium, rewritten when options change, saved for review.

A trigger_id lasts 3 s, so the modal opens at once with the playbook's own
draft. With [playbook] writer = "llm" the LLM's wording follows in the work pool
by views.update with the view's hash: if the person changed an option
meanwhile, the hash no longer matches and their choice stands.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.drafts import Draft, DraftInput, builtin_draft, draft_reply, follow_up_draft
from bot.domain.enums import DraftPurpose
from bot.domain.languages import foreign_language
from bot.domain.outbox import ThreadNote
from bot.domain.views import CaseView, DraftOptions, DraftShown
from bot.flows.llm_writer import draft_writer
from bot.flows.publish import route
from bot.runtime import Runtime
from bot.services import cases, outbox, replies
from bot.slack.permissions import Permission
from message_blocks import modals, reply_notes

log = logging.getLogger(__name__)

# When the follow-up date cannot be told from the case: the resolve modal's longest reminder.
FOLLOW_UP_DAYS = 30
# A modal the person closed or already submitted, or one whose options they changed meanwhile: the wording is not needed.
STALE_VIEW_ERRORS = ("hash_conflict", "not_found")


def draft_input(rt: Runtime, case: CaseView, options: DraftOptions | None = None) -> DraftInput:
    """What the drafter knows of the case, with the team's choices (tone, gesture, private contact) and the config's signer."""
    options = options or DraftOptions()
    playbook = rt.config.playbook
    return DraftInput(
        author=case.author,
        source_kind=case.source_kind,
        text=case.text,
        title=case.title,
        evidence=case.evidence,
        topics=case.topics,
        troll=case.troll,
        rating=case.rating,
        tone=options.tone,
        offer_gesture=options.offer_gesture,
        move_offline=options.move_offline,
        contact=playbook.contact,
        signer_name=playbook.signer_name,
        signer_role=playbook.signer_role,
        brand=tuple(rt.config.brand.terms),
        language=foreign_language(case.language),
    )


def _shown(draft: Draft, *, rewording: bool = False) -> DraftShown:
    return DraftShown(draft.text, draft.checklist, draft.note, draft.written_by, rewording)


def _modal(rt: Runtime, case: CaseView, options: DraftOptions) -> tuple[dict[str, Any], bool]:
    """The modal with the playbook's draft, and whether the LLM writer will reword it."""
    draft = builtin_draft(draft_input(rt, case, options))
    rewording = draft_writer(rt.config) is not None and bool(draft.text)
    return modals.draft_modal(case, _shown(draft, rewording=rewording), options), rewording


def open_draft(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    rt.permissions.check(user_id, Permission.DRAFT)
    with rt.transaction() as session:
        case = cases.get_view(session=session, case_id=case_id)
    options = DraftOptions(move_offline=True, offer_gesture=False)
    view, rewording = _modal(rt, case, options)
    opened = rt.slack.views_open(trigger_id=trigger_id, view=view)
    if rewording:
        rt.work.submit(_reword, rt, opened["view"]["id"], opened["view"]["hash"], case, options)


def redraft(rt: Runtime, *, case_id: int, user_id: str, view_id: str, view_hash: str, options: DraftOptions) -> None:
    """The tone or options changed in the open modal: rewrite the draft for them."""
    rt.permissions.check(user_id, Permission.DRAFT)
    with rt.transaction() as session:
        case = cases.get_view(session=session, case_id=case_id)
    view, rewording = _modal(rt, case, options)
    updated = rt.slack.views_update(view_id=view_id, hash=view_hash, view=view)
    if rewording:
        rt.work.submit(_reword, rt, updated["view"]["id"], updated["view"]["hash"], case, options)


def _reword(rt: Runtime, view_id: str, view_hash: str, case: CaseView, options: DraftOptions) -> None:
    """In the work pool: ask the writer (the playbook's draft stands on any failure) and show its wording if the modal is unchanged."""
    try:
        draft = draft_reply(draft_input(rt, case, options), write=draft_writer(rt.config))
        rt.slack.views_update(view_id=view_id, hash=view_hash, view=modals.draft_modal(case, _shown(draft), options))
    except SlackApiError as exc:
        if exc.response.get("error") not in STALE_VIEW_ERRORS:
            log.warning("could not show the reworded draft for case %s: %s", case.case_id, exc.response.get("error"))
    except Exception:
        log.exception("rewording the draft for case %s failed", case.case_id)


def save_draft(rt: Runtime, *, case_id: int, user_id: str, text: str, options: DraftOptions) -> None:
    """The text as approved (edits kept) becomes a draft row: what its Publish button sends is exactly this."""
    rt.permissions.check(user_id, Permission.DRAFT)
    now = rt.clock()
    with rt.transaction() as session:
        cases.save_draft(session=session, case_id=case_id, user_id=user_id, draft=text, tone=options.tone, now=now)
        draft = replies.save(session=session, case_id=case_id, purpose=DraftPurpose.REPLY, text=text, saved_by=user_id, now=now)
        where = route(rt, replies.target(session=session, case_id=case_id))
        outbox.enqueue(
            session=session, case_id=case_id, at=now,
            message=ThreadNote(text=reply_notes.draft_text(draft), blocks=reply_notes.draft_message(draft, where)),
        )
    rt.drainer.drain(case_id=case_id)


def follow_up_check_in(rt: Runtime, *, session: Session, case: CaseView, now: datetime) -> list[dict[str, Any]]:
    """The follow-up reminder's draft asking whether the fix held: saved like any draft (so it can be published), posted in the thread.

    Returns its blocks for the reminder DM; none for a troll, who gets no message.
    """
    days = (now - case.resolved_at).days if case.resolved_at else FOLLOW_UP_DAYS
    check_in = follow_up_draft(draft_input(rt, case), days=max(days, 1))
    if not check_in.text:
        return []
    draft = replies.save(session=session, case_id=case.case_id, purpose=DraftPurpose.FOLLOW_UP, text=check_in.text, saved_by="bot", now=now)
    blocks = reply_notes.draft_message(draft, route(rt, replies.target(session=session, case_id=case.case_id)))
    outbox.enqueue(session=session, case_id=case.case_id, message=ThreadNote(text=reply_notes.draft_text(draft), blocks=blocks), at=now)
    return blocks
