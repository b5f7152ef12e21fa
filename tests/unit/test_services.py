"""Service functions called directly, each test inside one transaction that is rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.classifier.triage import Triage
from bot.db.models import CaseEvent, MentionRecord, OutboxMessage
from bot.db.session import make_engine
from bot.domain.enums import CaseStatus, OutboxKind, RootCause, Severity
from bot.domain.outbox import ChannelMessage
from bot.services import cases, mentions, outbox, queries, reminders, reports, source_health
from bot.services.mentions import Assessment
from bot.services.outbox import Taken
from sources import Mention, SourceError, SourceRateLimited, build_source, config_model

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@pytest.fixture
def session(empty_database: str) -> Iterator[Session]:
    engine = make_engine(empty_database)
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
        engine.dispose()


def mention(n: int, url: str | None = None) -> Mention:
    return Mention(
        source_kind="rss", source_name="acme-alerts", external_id=f"item-{n}", url=url or f"https://blog.example.com/{n}",
        title=f"Acme complaint {n}", text="Acme charged me twice", author="pat",
    )


NEGATIVE = Assessment(0.9, (), True, Triage(Severity.HIGH, ("billing",), False))


def store(session: Session, stored: Mention) -> MentionRecord:
    added = mentions.store_unless_stored(session=session, mention=stored, assessment=NEGATIVE, now=NOW)
    assert added is not None
    return session.get(MentionRecord, added.id)


def open_case(session: Session, n: int = 1) -> int:
    return mentions.open_case(session=session, record=store(session, mention(n)), triage=NEGATIVE.triage, now=NOW).case_id


def found(session: Session, wanted: Mention) -> bool:
    return bool(mentions.already_stored(session=session, items={mentions.item_key(wanted)}, pages={mentions.page_key(wanted)}))


def test_a_new_case_is_stored_with_its_event_and_its_card_queued(session: Session) -> None:
    case_id = open_case(session)
    view = cases.get_view(session=session, case_id=case_id)
    assert (view.status, view.severity, view.topics) == (CaseStatus.OPEN, Severity.HIGH, ("billing",))
    assert session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id)).all() == ["detected"]
    assert session.scalars(select(OutboxMessage.kind).where(OutboxMessage.case_id == case_id)).all() == [OutboxKind.POST_CARD]


def test_the_second_claim_is_refused_with_who_has_it(session: Session) -> None:
    case_id = open_case(session)
    claimed = cases.claim(session=session, case_id=case_id, user_id="U0AGENT001", now=NOW)
    assert (claimed.status, claimed.assignee, claimed.claimed_at) == (CaseStatus.CLAIMED, "U0AGENT001", NOW)
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.claim(session=session, case_id=case_id, user_id="U0AGENT002", now=NOW)
    assert (refused.value.action, refused.value.case.assignee) == ("claim", "U0AGENT001")


def test_resolve_then_reopen_clears_the_outcome(session: Session) -> None:
    case_id = open_case(session)
    resolved = cases.resolve(session=session, case_id=case_id, user_id="U0AGENT001", resolution="refunded", root_cause=RootCause.SYSTEMIC, now=NOW)
    assert (resolved.status, resolved.root_cause) == (CaseStatus.RESOLVED, RootCause.SYSTEMIC)
    with pytest.raises(cases.TransitionRefused):
        cases.resolve(session=session, case_id=case_id, user_id="U0AGENT001", resolution="again", root_cause=RootCause.ISOLATED, now=NOW)
    reopened = cases.reopen(session=session, case_id=case_id, user_id="U0AGENT001", now=NOW)
    assert (reopened.status, reopened.root_cause, reopened.resolved_at) == (CaseStatus.OPEN, None, None)


def test_an_unknown_case_is_not_found(session: Session) -> None:
    with pytest.raises(cases.CaseNotFound):
        cases.claim(session=session, case_id=999_999, user_id="U0AGENT001", now=NOW)


def test_the_same_item_or_the_same_page_is_found_again(session: Session) -> None:
    store(session, mention(1, url="https://blog.example.com/post?utm_source=x"))
    assert found(session, mention(1, url="https://elsewhere.example.com/"))
    assert found(session, mention(2, url="https://www.blog.example.com/post/"))
    assert not found(session, mention(3))


def test_a_mention_stored_twice_at_once_is_stored_once(session: Session) -> None:
    assert mentions.store_unless_stored(session=session, mention=mention(1), assessment=NEGATIVE, now=NOW) is not None
    assert mentions.store_unless_stored(session=session, mention=mention(1), assessment=NEGATIVE, now=NOW) is None


def test_reviews_sharing_one_page_are_told_apart_by_their_ids(session: Session) -> None:
    page = "https://apps.apple.com/us/app/id123?see-all=reviews"
    first = replace(mention(1, url=page), source_kind="appstore", url_is_shared=True)
    store(session, first)
    assert found(session, first)
    second = replace(first, external_id="review-2")
    assert not found(session, second)
    store(session, second)  # no clash on the unique page key


def test_an_outbox_row_is_taken_once_until_its_lease_runs_out(session: Session) -> None:
    outbox.enqueue(session=session, case_id=None, message=ChannelMessage(text="hello"), at=NOW)
    (first,) = outbox.take_due(session=session, now=NOW, lease=LEASE, case_id=None, limit=10)
    assert isinstance(first, Taken) and (first.message, first.attempts, first.look_first) == (ChannelMessage(text="hello"), 1, False)
    assert outbox.take_due(session=session, now=NOW + timedelta(seconds=30), lease=LEASE, case_id=None, limit=10) == []
    (again,) = outbox.take_due(session=session, now=NOW + LEASE + timedelta(seconds=1), lease=LEASE, case_id=None, limit=10)
    assert isinstance(again, Taken) and (again.id, again.attempts, again.look_first) == (first.id, 2, True)
    outbox.mark_sent(session=session, row_ids=[first.id], now=NOW)
    assert outbox.take_due(session=session, now=NOW + timedelta(hours=1), lease=LEASE, case_id=None, limit=10) == []


def test_a_digest_period_and_a_spike_alert_are_claimed_once(session: Session) -> None:
    assert reports.claim_digest_period(session=session, period_end=NOW, now=NOW) is True
    assert reports.claim_digest_period(session=session, period_end=NOW, now=NOW) is False
    assert reports.claim_spike_alert(session=session, key="topic billing", day="2026-11-20", now=NOW) is True
    assert reports.claim_spike_alert(session=session, key="topic billing", day="2026-11-20", now=NOW) is False
    assert reports.claim_spike_alert(session=session, key="topic billing", day="2026-11-21", now=NOW) is True


def test_a_breach_is_marked_once(session: Session) -> None:
    case_id = open_case(session)
    assert reminders.mark_claim_breach(session=session, case_id=case_id, now=NOW) is True
    assert reminders.mark_claim_breach(session=session, case_id=case_id, now=NOW) is False
    due = reminders.due(session=session, now=NOW + timedelta(hours=1), claim_target=timedelta(minutes=30), resolve_target=timedelta(hours=24))
    assert [c.case_id for c in due.unclaimed] == []


def test_lists_filter_by_state_and_person(session: Session) -> None:
    first, second = open_case(session, 1), open_case(session, 2)
    cases.claim(session=session, case_id=second, user_id="U0AGENT001", now=NOW)
    assert [c.case_id for c in queries.listed(session=session, which="unclaimed", user_id="U0AGENT001", limit=10).shown] == [first]
    mine = queries.listed(session=session, which="mine", user_id="U0AGENT001", limit=10)
    assert ([c.case_id for c in mine.shown], mine.total) == ([second], 1)
    assert queries.listed(session=session, which="open", user_id="U0AGENT002", limit=1).total == 2


def test_a_failing_source_backs_off_longer_and_is_announced_once(session: Session) -> None:
    source = build_source(config_model("rss").model_validate({"kind": "rss", "name": "feed", "url": "https://x.example/feed"}), httpx.Client())
    failures = [source_health.record_failure(session=session, source=source, error=SourceError("HTTP 500"), now=NOW) for _ in range(6)]
    assert [(f.in_a_row, f.announce) for f in failures] == [(1, False), (2, False), (3, False), (4, False), (5, True), (6, False)]
    standing = source_health.standings(session=session)["feed"]
    assert standing.backoff_until == NOW + timedelta(minutes=32)
    source_health.record_failure(session=session, source=source, error=SourceRateLimited("429", retry_after=600), now=NOW)
    assert source_health.standings(session=session)["feed"].backoff_until == NOW + timedelta(seconds=600)
