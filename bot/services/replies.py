"""Reply drafts and publishing them: each saved draft is a row, and the row's text is exactly what Publish sends.

Publishing is at most once. `start_publishing` is one conditional UPDATE
(publish_started_at IS NULL), which the caller commits before calling the
network: a second click, a retried request or a restart after a crash finds the
draft started and stops. Only a definite refusal from the network clears it
(`publish_refused`); an unknown outcome leaves it started (`publish_unsure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.models import Case, ReplyDraft
from bot.db.session import rows_changed
from bot.domain.enums import DraftPurpose
from bot.domain.refusals import Refusal
from bot.domain.views import ReplyDraftView
from bot.services.cases import get_case
from bot.services.events import record_event
from bot.services.views import view_of


class DraftNotFound(Refusal, LookupError):
    def __init__(self, case_id: int, draft_id: int) -> None:
        super().__init__(f"Case #{case_id} has no draft {draft_id}.")


class PublishRefused(Refusal):
    """This click publishes nothing: the draft was published, or is being published (`draft` says which)."""

    def __init__(self, draft: ReplyDraftView) -> None:
        super().__init__(f"draft {draft.draft_id} of case #{draft.case_id} was already sent to be published")
        self.draft = draft


class CannotPublish(Refusal):
    """The source has no reply API, no credentials to post, or the mention was stored without what a reply needs."""

    def __init__(self, source_name: str) -> None:
        super().__init__(f"source {source_name} cannot publish replies")
        self.source_name = source_name


@dataclass(frozen=True)
class ReplyTarget:
    """The mention a reply answers: which source found it, its page, and what the source's reply API needs."""

    source_name: str
    source_kind: str
    url: str
    author: str
    reply_to: dict[str, Any] | None


def draft_view(draft: ReplyDraft) -> ReplyDraftView:
    """The view of a draft the caller already holds."""
    return view_of(ReplyDraftView, draft, draft_id=draft.id)


def save(*, session: Session, case_id: int, purpose: DraftPurpose, text: str, saved_by: str, now: datetime) -> ReplyDraftView:
    draft = ReplyDraft(case_id=case_id, purpose=purpose, text=text, saved_by=saved_by, saved_at=now)
    session.add(draft)
    session.flush()
    return draft_view(draft)


def _get(session: Session, case_id: int, draft_id: int) -> ReplyDraft:
    draft = session.get(ReplyDraft, draft_id)
    if draft is None or draft.case_id != case_id:
        raise DraftNotFound(case_id, draft_id)
    return draft


def get(*, session: Session, case_id: int, draft_id: int) -> ReplyDraftView:
    return draft_view(_get(session, case_id, draft_id))


def target(*, session: Session, case_id: int) -> ReplyTarget:
    return target_of(get_case(session=session, case_id=case_id))


def target_of(case: Case) -> ReplyTarget:
    """The case's opening mention, for a caller that already holds the case."""
    first = case.mention
    return ReplyTarget(first.source_name, first.source_kind, first.url, first.author, first.reply_to)


def start_publishing(*, session: Session, case_id: int, draft_id: int, now: datetime) -> ReplyDraftView:
    """Claim the draft for one publication; PublishRefused if it is published or someone's publication is under way."""
    draft = _get(session, case_id, draft_id)
    claimed = rows_changed(
        session,
        update(ReplyDraft)
        .where(ReplyDraft.id == draft_id, ReplyDraft.publish_started_at.is_(None), ReplyDraft.published_at.is_(None))
        .values(publish_started_at=now, publish_error=None)
    )
    session.refresh(draft)
    if claimed != 1:
        raise PublishRefused(draft_view(draft))
    return draft_view(draft)


def publish_refused(*, session: Session, draft_id: int, user_id: str, reason: str, now: datetime) -> None:
    """The network definitely did not publish it: the draft can be published again."""
    draft = session.get_one(ReplyDraft, draft_id)
    session.execute(update(ReplyDraft).where(ReplyDraft.id == draft_id).values(publish_started_at=None, publish_error=reason))
    record_event(session=session, case_id=draft.case_id, actor=user_id, action="publish_failed", at=now, draft_id=draft_id, reason=reason)


def publish_unsure(*, session: Session, draft_id: int, user_id: str, reason: str, now: datetime) -> None:
    """It may have gone out: the draft stays started, so nothing publishes it a second time."""
    draft = session.get_one(ReplyDraft, draft_id)
    session.execute(update(ReplyDraft).where(ReplyDraft.id == draft_id).values(publish_error=reason))
    record_event(session=session, case_id=draft.case_id, actor=user_id, action="publish_unsure", at=now, draft_id=draft_id, reason=reason)


def published(*, session: Session, draft_id: int, url: str, now: datetime) -> ReplyDraftView:
    draft = session.get_one(ReplyDraft, draft_id)
    session.execute(update(ReplyDraft).where(ReplyDraft.id == draft_id).values(published_at=now, published_url=url, publish_error=None))
    session.refresh(draft)
    return draft_view(draft)


def record_follow_up_published(*, session: Session, case_id: int, user_id: str, url: str, now: datetime) -> None:
    """A follow-up is not the first response: the case keeps its reply link, the history gets this one."""
    record_event(session=session, case_id=case_id, actor=user_id, action="follow_up_published", at=now, url=url)
