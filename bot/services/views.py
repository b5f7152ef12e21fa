"""ORM rows -> the plain views the Block Kit builders take."""

from __future__ import annotations

from bot.db.models import Case
from bot.domain.views import CaseView


def case_view(case: Case) -> CaseView:
    first = case.mention
    return CaseView(
        case_id=case.id,
        status=case.status,
        source_kind=first.source_kind,
        source_name=first.source_name,
        url=first.url,
        title=first.title,
        text=first.text,
        author=first.author,
        published_at=first.published_at,
        detected_at=case.detected_at,
        score=first.score,
        reasons=tuple(first.reasons or ()),
        evidence=first.evidence or "",
        severity=case.severity,
        topics=tuple(case.topics or ()),
        troll=case.troll,
        rating=first.rating,
        reach=first.reach,
        assignee=case.assignee,
        claimed_at=case.claimed_at,
        escalated_to=case.escalated_to,
        escalated_at=case.escalated_at,
        escalation_reason=case.escalation_reason,
        resolved_at=case.resolved_at,
        resolution=case.resolution,
        root_cause=case.root_cause,
        first_response_at=case.first_response_at,
        reply_url=case.reply_url,
        snoozed_until=case.snoozed_until,
        dismissed_reason=case.dismissed_reason,
        similar_urls=tuple(m.url for m in case.mentions[1:]),
        follow_up_user=case.follow_up_user,
        channel_id=case.channel_id,
        message_ts=case.message_ts,
        language=first.language,
        unscored=first.unscored,
    )
