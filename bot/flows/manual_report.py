"""A person reports a complaint by hand: `/complaint add URL`, the "Report as complaint" message shortcut, or the
button beside a near miss the digest listed (a mention the detector scored just under its threshold)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.refusals import NotUnderstood
from bot.flows.ingest import Outcome, ingest, reported_by
from bot.runtime import Runtime
from bot.services import cases, mentions
from bot.slack.permalinks import permalink
from bot.slack.permissions import Permission
from bot.telemetry import CASES_OPENED
from message_blocks import replies
from message_blocks.text import slack_message_url
from sources import Mention
from sources.page_title import fetch_title


def _report(rt: Runtime, mention: Mention, *, reporter: str, untitled: bool = False) -> list[dict[str, Any]]:
    """Open a case (even if the detector disagrees) unless one exists; the reply says which."""
    with rt.transaction() as session:
        (outcome,) = ingest(rt, session=session, batch=[mention], intake=reported_by(reporter), now=rt.clock())
    assert outcome.case_id is not None
    if outcome.kind is Outcome.NEW_CASE:
        CASES_OPENED.inc()
    rt.drainer.drain(case_id=outcome.case_id)
    with rt.transaction() as session:
        view = cases.get_view(session=session, case_id=outcome.case_id)
    return replies.case_reported(view, existed=outcome.kind is Outcome.DUPLICATE, untitled=untitled)


def add_url(rt: Runtime, *, url: str, note: str, user_id: str) -> list[dict[str, Any]]:
    rt.permissions.check(user_id, Permission.REPORT)
    title = fetch_title(url)
    mention = Mention(
        source_kind="manual", source_name="reported by hand", external_id=url, url=url, title=title or url, text=note
    )
    return _report(rt, mention, reporter=user_id, untitled=title is None)


def report_message(rt: Runtime, *, user_id: str, channel_id: str, message: dict[str, Any], respond: Any) -> None:
    """The message shortcut: the Slack message becomes a case."""
    rt.permissions.check(user_id, Permission.REPORT)
    ts = message["ts"]
    text = message.get("text") or ""
    mention = Mention(
        source_kind="slack",
        source_name="reported from Slack",
        external_id=f"{channel_id}:{ts}",
        url=permalink(rt.slack, channel_id, ts) or slack_message_url(channel_id, ts) or "",
        title=text.split("\n", 1)[0][:150],
        text=text,
        author=rt.people.name(message["user"]) if message.get("user") else message.get("username") or "",
        published_at=datetime.fromtimestamp(float(ts), tz=UTC),
    )
    respond(blocks=_report(rt, mention, reporter=user_id), text="Reported", response_type="ephemeral")


def report_near_miss(rt: Runtime, *, mention_id: int, user_id: str, respond: Any) -> None:
    """A stored mention the detector did not flag becomes a case; resolved as a complaint, it is a label for `train --add`."""
    rt.permissions.check(user_id, Permission.REPORT)
    with rt.transaction() as session:
        mention = mentions.stored_mention(session=session, mention_id=mention_id)
    if mention is None:
        raise NotUnderstood(f"mention {mention_id} is no longer stored")
    respond(blocks=_report(rt, mention, reporter=user_id), text="Reported", response_type="ephemeral", replace_original=False)
