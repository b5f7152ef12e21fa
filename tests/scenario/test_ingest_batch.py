"""A batch is decided in memory and written at once: what it must still see of itself and of the database."""

from __future__ import annotations

import gc
import math
from collections.abc import Sequence
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.classifier.base import Classification
from bot.classifier.triage import REPEAT_AUTHOR, Triage
from bot.config import parse_config
from bot.db.models import Case, CaseEvent, MentionRecord, OutboxMessage
from bot.db.session import session_scope
from bot.domain.enums import OutboxKind
from bot.flows.cycle_collector import LARGE_BATCH
from bot.flows.ingest import POLLED, ActiveCases, Ingested, Outcome, ingest, reported_by
from bot.runtime import Runtime
from bot.services.mentions import open_case
from sources import Mention
from tests.conftest import TEST_CONFIG

COMPLAINTS = [
    "Acme charged me twice and support ignores my emails. I want a refund now",
    "Acme delivery was late again and the box was crushed on arrival, terrible service",
    "The Acme app crashes every time I log in, worst update ever, totally useless",
    "Acme sold me a broken kettle and refuses to replace it, awful customer service",
    "Acme cancelled my order without telling me and kept my money, disgraceful",
    "My Acme router stopped working after two days and nobody answers the phone, furious",
    "Acme overcharged my card three times this month and the refund never arrived, angry",
    "Acme lost my parcel and the tracking page is broken, very disappointed and annoyed",
]


def mention(n: int, text: str, *, author: str = "", url: str | None = None, item: str | None = None) -> Mention:
    url = url or f"https://news.example.com/{n}"
    return Mention(source_kind="rss", source_name="acme-alerts", external_id=item or f"item-{n}", url=url, text=text, author=author)


def run(runtime: Runtime, batch: list[Mention], intake=POLLED, active: ActiveCases | None = None) -> list[Ingested]:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        return ingest(runtime, session=session, batch=batch, intake=intake, now=runtime.clock(), active=active)


def outbox_rows(runtime: Runtime) -> list[tuple[int | None, str]]:
    with session_scope(runtime.sessions) as session:
        return [(row.case_id, row.kind) for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_repost_later_in_the_same_batch_joins_the_case_the_first_one_opened(runtime: Runtime) -> None:
    original, other = COMPLAINTS[0], COMPLAINTS[1]
    outcomes = run(runtime, [mention(1, original), mention(2, f"RT @sam: {original} https://t.co/x"), mention(3, other)])
    assert [o.kind for o in outcomes] == [Outcome.NEW_CASE, Outcome.JOINED, Outcome.NEW_CASE]
    assert outcomes[1].case_id == outcomes[0].case_id != outcomes[2].case_id
    with session_scope(runtime.sessions) as session:
        joined = session.get(Case, outcomes[0].case_id)
        assert [m.external_id for m in joined.mentions] == ["item-1", "item-2"]
        events = session.execute(select(CaseEvent.case_id, CaseEvent.action, CaseEvent.details).order_by(CaseEvent.id)).all()
    repost_id = joined.mentions[1].id
    assert [(case_id, action) for case_id, action, _ in events] == [
        (outcomes[0].case_id, "detected"), (outcomes[2].case_id, "detected"), (outcomes[0].case_id, "similar_joined"),
    ]
    assert events[2].details == {"mention_id": repost_id, "url": "https://news.example.com/2"}
    # Both cards are posted with everything that joined them: no update for a card not posted yet.
    assert outbox_rows(runtime) == [(outcomes[0].case_id, OutboxKind.POST_CARD), (outcomes[2].case_id, OutboxKind.POST_CARD)]


def test_the_same_item_or_page_twice_in_one_batch_is_stored_once(runtime: Runtime) -> None:
    text = COMPLAINTS[3]
    outcomes = run(runtime, [mention(1, text), mention(2, text, item="item-1"), mention(3, text, url="https://news.example.com/1?utm_source=x")])
    assert [o.kind for o in outcomes] == [Outcome.NEW_CASE, Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert outcomes[1].case_id == outcomes[2].case_id == outcomes[0].case_id
    with session_scope(runtime.sessions) as session:
        assert session.scalars(select(MentionRecord.external_id)).all() == ["item-1"]


def test_an_author_counts_towards_the_troll_signal_with_the_mentions_earlier_in_the_batch(runtime: Runtime) -> None:
    before = 3
    run(runtime, [mention(n, COMPLAINTS[n], author="angry_bob") for n in range(before)])
    outcomes = run(runtime, [mention(n, COMPLAINTS[n], author="angry_bob") for n in range(before, len(COMPLAINTS))])
    with session_scope(runtime.sessions) as session:
        trolls = [session.get(Case, o.case_id).troll for o in outcomes]
    # The mention that follows REPEAT_AUTHOR negative ones (stored before or earlier in this batch) is a campaign.
    assert trolls == [before + n >= REPEAT_AUTHOR for n in range(len(outcomes))]
    assert trolls.count(False) == REPEAT_AUTHOR - before


def test_reposts_of_a_case_stored_before_update_its_card_once(runtime: Runtime) -> None:
    [first] = run(runtime, [mention(1, COMPLAINTS[2])])
    outcomes = run(runtime, [mention(2, f"RT @a: {COMPLAINTS[2]}"), mention(3, f"via @b {COMPLAINTS[2]}!")])
    assert [(o.kind, o.case_id) for o in outcomes] == [(Outcome.JOINED, first.case_id)] * 2
    assert outbox_rows(runtime) == [(first.case_id, OutboxKind.POST_CARD), (first.case_id, OutboxKind.UPDATE_CARD)]


def test_a_person_reporting_a_stored_mention_opens_its_case_on_that_mention(runtime: Runtime) -> None:
    [stored] = run(runtime, [mention(1, "Acme opened a new shop on the high street today")])
    assert stored.kind is Outcome.STORED
    [reported] = run(runtime, [mention(9, "", url="https://news.example.com/1")], intake=reported_by("U0AGENT001"))
    [again] = run(runtime, [mention(9, "", url="https://news.example.com/1")], intake=reported_by("U0AGENT002"))
    assert reported.kind is Outcome.NEW_CASE and (again.kind, again.case_id) == (Outcome.DUPLICATE, reported.case_id)
    with session_scope(runtime.sessions) as session:
        [record] = session.scalars(select(MentionRecord)).all()
        assert (record.external_id, record.case_id) == ("item-1", reported.case_id)
        assert session.scalars(select(CaseEvent.action).order_by(CaseEvent.id)).all() == ["detected", "reported"]


def test_reposts_of_a_stored_mention_reported_by_hand_join_its_case(runtime: Runtime) -> None:
    # A 5-star review is stored without a case, so without a fingerprint; the report gives it one from its stored text.
    [stored] = run(runtime, [Mention(source_kind="appstore", source_name="reviews", external_id="r1", url="https://apps.example/r1",
                                      text=COMPLAINTS[6], rating=5)])
    assert stored.kind is Outcome.STORED
    [reported] = run(runtime, [mention(9, "Reported: see the review", url="https://apps.example/r1")], intake=reported_by("U0AGENT001"))
    [repost] = run(runtime, [mention(2, f"RT @kim: {COMPLAINTS[6]}")])
    assert (repost.kind, repost.case_id) == (Outcome.JOINED, reported.case_id)


def test_a_mention_stored_without_a_case_keeps_no_fingerprint(runtime: Runtime) -> None:
    outcomes = run(runtime, [mention(1, "Acme opened a new shop on the high street today"), mention(2, COMPLAINTS[1])])
    assert [o.kind for o in outcomes] == [Outcome.STORED, Outcome.NEW_CASE]
    with session_scope(runtime.sessions) as session:
        prints = session.execute(select(MentionRecord.external_id, MentionRecord.fingerprint).order_by(MentionRecord.id)).all()
    assert prints[0] == ("item-1", None) and prints[1][1] is not None


def test_a_batch_of_thousands_is_deduplicated_against_all_of_it(runtime: Runtime) -> None:
    first = [mention(n, f"Acme news item number {n} about the shop") for n in range(2500)]
    run(runtime, first)
    outcomes = run(runtime, first + [mention(n, f"Acme news item number {n} about the shop") for n in range(2500, 3000)])
    assert [o.kind for o in outcomes].count(Outcome.DUPLICATE) == 2500
    with session_scope(runtime.sessions) as session:
        assert len(session.scalars(select(MentionRecord.id)).all()) == 3000


def test_the_next_batch_of_a_poll_joins_the_cases_the_earlier_ones_opened(runtime: Runtime) -> None:
    active = ActiveCases()
    [first] = run(runtime, [mention(1, COMPLAINTS[4])], active=active)
    [other] = run(runtime, [mention(2, COMPLAINTS[5])], active=active)
    [repost] = run(runtime, [mention(3, f"RT @c: {COMPLAINTS[4]}")], active=active)
    assert (other.kind, repost.kind, repost.case_id) == (Outcome.NEW_CASE, Outcome.JOINED, first.case_id)


def test_a_mention_that_joined_an_older_case_is_joinable_by_the_next_batch(runtime: Runtime) -> None:
    def stored(n: int, print_: str, case_id: int | None = None) -> MentionRecord:
        url = f"https://x.example/{n}"
        return MentionRecord(
            source_kind="rss", source_name="acme-alerts", external_id=f"m{n}", url=url, canonical_url=url, text="Acme", score=0.9, reasons=[],
            fingerprint=print_, case_id=case_id, detected_at=runtime.clock(),
        )

    active, far_from_the_first = ActiveCases(), "000000000000ffff"
    with session_scope(runtime.sessions) as session:
        first = stored(1, "0" * 16)
        session.add(first)
        session.flush()
        case_id = open_case(session=session, record=first, triage=Triage("low", (), False), now=runtime.clock()).case_id
        assert active.current(session, runtime.clock()).find(far_from_the_first) is None
    with session_scope(runtime.sessions) as session:
        session.add(stored(2, "00000000000000ff", case_id))  # a repost that joined it: 8 bits from the next one
    with session_scope(runtime.sessions) as session:
        assert active.current(session, runtime.clock()).find(far_from_the_first) == case_id


def test_a_large_batch_pauses_the_cycle_collector_and_resumes_it_even_when_it_fails(runtime: Runtime) -> None:
    seen: list[bool] = []
    runtime.classifier = Recording(seen)
    run(runtime, [mention(n, f"Acme order {n} never came") for n in range(LARGE_BATCH)])
    assert set(seen) == {False} and gc.isenabled()
    seen.clear()
    run(runtime, [mention(LARGE_BATCH, "Acme order never came, again")])
    assert seen == [True]  # one pushed or reported mention leaves it alone

    broken = Mention(source_kind="rss", source_name="a", external_id="x", url="https://x.example", text="Acme", author=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        run(runtime, [broken, *(mention(1000 + n, f"Acme parcel {n} lost") for n in range(LARGE_BATCH))])
    assert gc.isenabled()
    gc.disable()  # paused by someone else: theirs to resume
    try:
        run(runtime, [mention(2000 + n, f"Acme refund {n} missing") for n in range(LARGE_BATCH)])
        assert not gc.isenabled()
    finally:
        gc.enable()


class Recording:
    """A detector that calls nothing negative and notes whether the cycle collector was running."""

    name = "recording"

    def __init__(self, seen: list[bool]) -> None:
        self.seen = seen

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        self.seen.append(gc.isenabled())
        return Classification(0.0, ())


class FixedScore:
    """A detector that gives every text the same score: the threshold's edge, exactly."""

    name = "fixed"

    def __init__(self, score: float) -> None:
        self.score = score

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        return Classification(self.score, ("fixed score",))


def test_a_score_exactly_at_the_threshold_is_routed_and_just_below_is_not(runtime: Runtime) -> None:
    threshold = runtime.config.classifier.threshold
    runtime.classifier = FixedScore(threshold)
    at = run(runtime, [mention(1, COMPLAINTS[0])])
    runtime.classifier = FixedScore(math.nextafter(threshold, 0))
    below = run(runtime, [mention(2, COMPLAINTS[1])])
    assert [o.kind for o in at + below] == [Outcome.NEW_CASE, Outcome.STORED]


def test_a_source_with_a_threshold_of_its_own_routes_from_that_score_and_the_others_from_the_classifiers(runtime: Runtime) -> None:
    runtime.config = parse_config(TEST_CONFIG.replace("lookback_hours = 1000000", "lookback_hours = 1000000\nthreshold = 0.8"), "test config")
    runtime.classifier = FixedScore(0.7)
    below = run(runtime, [mention(1, COMPLAINTS[0])])  # acme-alerts: 0.7 is under its 0.8
    # The webhook's mentions come from no configured source: [classifier] threshold (0.5).
    elsewhere = run(runtime, [replace(mention(2, COMPLAINTS[1]), source_kind="webhook", source_name="webhook")])
    runtime.classifier = FixedScore(0.8)
    at = run(runtime, [mention(3, COMPLAINTS[2])])
    assert [o.kind for o in below + elsewhere + at] == [Outcome.STORED, Outcome.NEW_CASE, Outcome.NEW_CASE]


def test_a_batch_in_many_languages_stores_each_mention_with_its_own(runtime: Runtime) -> None:
    texts = {
        "item-1": "Acme me cobró dos veces el pedido y nadie contesta mis correos, es una vergüenza",
        "item-2": COMPLAINTS[0],
        "item-3": "Acmeの配達が三日も遅れています。サポートに電話しても誰も出ません。",
        "item-4": "Acme hat mein Paket verloren und der Kundendienst antwortet einfach nicht",
        "item-5": "Acme 😡😡😡",
        "item-6": "Acme a perdu mon colis et le service client ne répond jamais",
    }
    # A repost of a stored item is not identified again, a person's report of it is (one at a time).
    run(runtime, [mention(6, texts["item-6"])])
    run(runtime, [mention(n, texts[f"item-{n}"]) for n in range(1, 7)])
    run(runtime, [mention(6, texts["item-6"])], intake=reported_by("U1"))
    with session_scope(runtime.sessions) as session:
        stored = {item: language for item, language in session.execute(select(MentionRecord.external_id, MentionRecord.language))}
    assert stored == {"item-1": "es", "item-2": "en", "item-3": "ja", "item-4": "de", "item-5": None, "item-6": "fr"}
