"""Read-only questions about cases: lists, the App Home sections, labelled examples for training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.db.models import Case
from bot.domain.enums import CaseStatus, DismissReason, RootCause
from bot.domain.relevance import mention_text
from bot.domain.views import CaseView
from bot.services.views import case_view


@dataclass(frozen=True)
class Page:
    shown: list[CaseView]
    total: int


def _page(session: Session, conditions: list[Any], limit: int) -> Page:
    total = session.scalar(select(func.count(Case.id)).where(*conditions)) or 0
    return Page([case_view(c) for c in session.scalars(select(Case).where(*conditions).order_by(Case.detected_at).limit(limit))], total)


def _filter(which: str, user_id: str) -> list[ColumnElement[bool]]:
    filters: dict[str, list[ColumnElement[bool]]] = {
        "open": [Case.status.in_(CaseStatus.active())],
        "mine": [Case.status.in_(CaseStatus.active()), Case.assignee == user_id],
        "unclaimed": [Case.status == CaseStatus.OPEN],
        "escalated": [Case.status == CaseStatus.ESCALATED],
        "escalated to me": [Case.status == CaseStatus.ESCALATED, Case.escalated_to == user_id],
    }
    return filters[which]


def listed(*, session: Session, which: str, user_id: str, limit: int) -> Page:
    """Oldest first: `which` is one of bot.domain.commands.LIST_FILTERS, or "escalated to me"."""
    return _page(session, _filter(which, user_id), limit)


def labelled_mentions(*, session: Session) -> list[tuple[str, int]]:
    """The team's decisions as training data: resolved as a real problem -> 1, "not a complaint" -> 0.

    Trolls and "not actionable" say nothing clear about negativity and are left out.
    """
    rows: list[tuple[str, int]] = []
    for case in session.scalars(select(Case).where(Case.status.in_(CaseStatus.closed())).order_by(Case.id)):
        if case.status == CaseStatus.DISMISSED and case.dismissed_reason == DismissReason.FALSE_POSITIVE:
            label = 0
        elif case.status == CaseStatus.RESOLVED and case.root_cause and RootCause(case.root_cause).is_complaint:
            label = 1
        else:
            continue
        rows.extend((mention_text(m.title, m.text), label) for m in case.mentions)
    return rows
