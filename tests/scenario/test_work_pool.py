"""Listeners' work lets the acks in flight go first, and never waits for them for long."""

from __future__ import annotations

import threading

import pytest

from bot import runtime
from bot.runtime import Acks, WorkPool


def test_work_starts_once_no_request_is_waiting_for_its_ack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "ACK_PATIENCE_SECONDS", 30)
    acks, started = Acks(), threading.Event()
    pool = WorkPool(acks)
    with acks.answering(), acks.answering():
        pool.submit(started.set)
        assert not started.wait(0.3)
    assert started.wait(5)
    pool.shutdown(wait=True)


def test_a_flood_of_requests_delays_work_only_a_little(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "ACK_PATIENCE_SECONDS", 0.05)
    acks, started = Acks(), threading.Event()
    pool = WorkPool(acks)
    with acks.answering():
        pool.submit(started.set)
        assert started.wait(5)
    pool.shutdown(wait=True)
