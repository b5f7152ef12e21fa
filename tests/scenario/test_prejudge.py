"""A big poll is judged in worker processes (bot/flows/prejudge.py): it stores what judging in-process stores, and a
worker that fails costs time, never a mention."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import os
import signal
import threading
import time
from collections.abc import Sequence
from html import escape

import httpx
import pytest
from sqlalchemy import select

from bot.classifier import Classifier
from bot.classifier.base import Classification
from bot.classifier.similarity import fingerprint
from bot.db.models import MentionRecord
from bot.db.session import session_scope
from bot.domain.relevance import mention_text
from bot.flows import prejudge
from bot.flows.poll import poll
from bot.runtime import Runtime
from tests.conftest import feed_transport

FEED_URL = "https://feeds.example.com/acme.xml"
TEXTS = [
    "Acme charged me twice for the same order and support will not answer.",
    "Loving my new Acme kettle, it boils in a minute.",
    "Acme lost my parcel again, third time this month. Useless.",
    "Acme cobró dos veces mi pedido y nadie responde. Vergonzoso.",
    "Acme hat meine Bestellung storniert und das Geld nicht erstattet.",
    "Купил чайник Acme, сломался через неделю, поддержка молчит.",
    "The Acme store opens at nine on Saturdays.",
    "Acme, your app logs me out every five minutes. Fix it!",
]


def feed(count: int) -> bytes:
    entries = "".join(
        f"<item><title>Post {n}</title><link>https://blog.example.com/p{n}</link><guid>p{n}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description>{escape(TEXTS[n % len(TEXTS)])} ({n})</description></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>acme</title>{entries}</channel></rss>'.encode()


def stored(runtime: Runtime) -> dict[str, tuple[float, str | None, str | None]]:
    """By item: the score, the language, and the fingerprint of a mention that opened or joined a case."""
    with session_scope(runtime.sessions) as session:
        rows = session.execute(select(MentionRecord.external_id, MentionRecord.score, MentionRecord.language, MentionRecord.fingerprint))
        return {external_id: (score, language, print_) for external_id, score, language, print_ in rows}


class BreaksIn:
    """The detector, failing in the workers (a worker that breaks or hangs), or in this process (proof it judged nothing)."""

    def __init__(self, model: Classifier, *, workers: bool, hangs: bool = False) -> None:
        self.model, self.name, self.supported_languages = model, model.name, model.supported_languages
        self.pid, self.in_workers, self.hangs = os.getpid(), workers, hangs

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        if (os.getpid() != self.pid) == self.in_workers:
            if self.hangs:
                time.sleep(600)
            raise RuntimeError("the detector broke here")
        return self.model.classify(text, rating=rating, brand_terms=brand_terms, language=language)


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Any poll is big enough for workers, in small chunks; the sizes of the verdicts handed to ingest, per source."""
    monkeypatch.setattr(prejudge, "PARALLEL_FROM", 1)
    monkeypatch.setattr(prejudge, "CHUNK", 7)
    monkeypatch.setattr(prejudge, "workers_available", lambda: 2)
    handed: list[int] = []
    take = prejudge.Prejudging.take

    def counted(self: prejudge.Prejudging, name: str) -> object:
        judged = take(self, name)
        handed.append(-1 if judged is None else len(judged))
        return judged

    monkeypatch.setattr(prejudge.Prejudging, "take", counted)
    return handed


def test_a_poll_judged_in_workers_stores_what_one_judged_in_process_would(runtime: Runtime, workers: list[int]) -> None:
    model = runtime.classifier
    runtime.classifier = BreaksIn(model, workers=False)  # the main process only stores

    poll(runtime, http=httpx.Client(transport=feed_transport({FEED_URL: feed(40)})))

    assert workers == [40]
    rows = stored(runtime)
    assert len(rows) == 40
    for n in range(40):
        text = mention_text(f"Post {n}", f"{TEXTS[n % len(TEXTS)]} ({n})")
        language = rows[f"p{n}"][1]
        if language == "ru":  # a language the detector does not read: stored unscored, as in-process
            assert rows[f"p{n}"][0] == 0.0
            continue
        expected = model.classify(text, brand_terms=runtime.config.brand.terms, language=language)
        assert rows[f"p{n}"][0] == pytest.approx(expected.score), text
        negative = expected.score >= runtime.config.classifier.threshold
        assert rows[f"p{n}"][2] == (fingerprint(text) if negative else None), text
    assert {language for _, language, _ in rows.values()} >= {"en", "es", "de", "ru"}
    assert any(print_ for _, _, print_ in rows.values())


@pytest.mark.parametrize("hangs", [False, True], ids=["breaks", "hangs"])
def test_a_worker_that_fails_costs_time_not_a_mention(
    runtime: Runtime, workers: list[int], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, hangs: bool
) -> None:
    monkeypatch.setattr(prejudge, "CHUNK_TIMEOUT", 2.0)
    model = runtime.classifier
    runtime.classifier = BreaksIn(model, workers=True, hangs=hangs)

    with caplog.at_level(logging.ERROR, logger="bot.flows.prejudge"):
        poll(runtime, http=httpx.Client(transport=feed_transport({FEED_URL: feed(30)})))

    assert workers == [-1]
    assert "judged in this process" in caplog.text
    rows = stored(runtime)
    assert len(rows) == 30
    for n in (0, 2, 7):
        text = mention_text(f"Post {n}", f"{TEXTS[n % len(TEXTS)]} ({n})")
        assert rows[f"p{n}"][0] == pytest.approx(model.classify(text, brand_terms=runtime.config.brand.terms, language="en").score)


def test_a_hanging_worker_is_ended_where_the_process_finishes_its_work_on_sigterm(
    runtime: Runtime, workers: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve` handles SIGTERM; a worker that inherited the handler would outlive Pool.terminate, and the poll with it."""
    monkeypatch.setattr(prejudge, "CHUNK_TIMEOUT", 2.0)
    runtime.classifier = BreaksIn(runtime.classifier, workers=True, hangs=True)
    polling = threading.Thread(target=poll, args=(runtime,), kwargs={"http": httpx.Client(transport=feed_transport({FEED_URL: feed(30)}))}, daemon=True)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as serve's: finish the work, then stop
    try:
        polling.start()
        polling.join(timeout=120)  # the hanging worker sleeps 600 s: only a worker SIGTERM ends lets the poll finish
    finally:
        signal.signal(signal.SIGTERM, previous)
        stuck = polling.is_alive()
        for worker in multiprocessing.active_children():  # so that a failure ends the test rather than the run
            worker.kill()
    assert not stuck, "the poll still waits for a worker that SIGTERM did not end"
    assert workers == [-1] and len(stored(runtime)) == 30


def test_a_machine_that_cannot_start_workers_judges_in_process(
    runtime: Runtime, workers: list[int], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("[Errno 38] Function not implemented")  # what a container without /dev/shm answers

    monkeypatch.setattr(multiprocessing.context.ForkContext, "Pool", no_pool)

    with caplog.at_level(logging.WARNING, logger="bot.flows.prejudge"):
        poll(runtime, http=httpx.Client(transport=feed_transport({FEED_URL: feed(30)})))

    assert workers == []  # no workers, so nothing was handed over
    assert prejudge._work is None  # nor held on to
    assert "judged in this process" in caplog.text
    assert len(stored(runtime)) == 30
