"""A big poll's mentions judged on every core while the main process stores them.

The detector is pure and needs the CPU; storing needs the database. In a burst (thousands of
new mentions in one poll) one core doing both made the whole command take twice the
detector's own time. Here each source's mentions are identified and scored in worker
processes, forked once per big poll so they share the model already loaded, while the main
process stores the sources judged before (bot/flows/poll.py). A small poll, a machine with
one core, or a platform without fork judges in-process as before; so does a source whose
judging failed (ingest judges what it is not given).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from multiprocessing.pool import AsyncResult

from bot.classifier import Classifier
from bot.classifier.language import identify_all, preload
from bot.classifier.similarity import fingerprint
from bot.config import AppConfig
from bot.domain.relevance import mention_text
from bot.flows.assessing import Judged, detector_verdict
from bot.services.mentions import item_key
from sources import Mention

log = logging.getLogger(__name__)

# Mentions in one poll from which forking workers pays: below it the fork and the results' trip back cost more than they save.
PARALLEL_FROM = 2_000
# Mentions a worker judges at a time: small enough that the first source is ready soon and the workers stay even.
CHUNK = 250
# A chunk takes about 0.05 s; one not back after this many seconds is a worker that hangs or died.
CHUNK_TIMEOUT = 60.0


@dataclass(frozen=True)
class _Work:
    model: Classifier
    batches: Mapping[str, Sequence[Mention]]
    brand_terms: tuple[str, ...]
    thresholds: Mapping[str, float]  # by source name, as the batches are


# What the workers judge: set in the parent before they are forked and inherited, so no model or mention is pickled.
_work: _Work | None = None


def judge_chunk(name: str, start: int) -> list[Judged]:
    """In a worker: what ingest computes before triage, for one chunk of one source's mentions."""
    assert _work is not None, "judge_chunk() runs in a worker forked by Prejudging"
    terms = _work.brand_terms
    mentions = _work.batches[name][start : start + CHUNK]
    texts = [mention_text(m.title, m.text) for m in mentions]
    judged = []
    for mention, text, language in zip(mentions, texts, identify_all(texts, terms)):
        one = detector_verdict(_work.model, mention, text, language, terms)
        # A negative one opens or joins a case, which compares its fingerprint: worked out here too.
        if one.verdict is not None and one.verdict.score >= _work.thresholds[name]:
            one = replace(one, fingerprinted=True, fingerprint=fingerprint(text))
        judged.append(one)
    return judged


def _as_a_worker() -> None:
    """A worker ends on SIGTERM whatever its parent does with it. `serve` finishes its work on SIGTERM, and a forked
    worker inherits that handler: Pool.terminate could then not end a worker that hangs, and the poll would wait for
    it for ever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def workers_available() -> int:
    """Cores this process may run on, when forking is possible; 1 means judge in-process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Prejudging:
    """Every source's mentions sent to the workers in order, in chunks; `take` waits for one source's."""

    def __init__(self, classifier: Classifier, batches: Mapping[str, Sequence[Mention]], config: AppConfig, workers: int) -> None:
        global _work
        _work = _Work(classifier, batches, tuple(config.brand.terms), {name: config.threshold_for(name) for name in batches})
        preload()  # loaded once here, not in each worker, and no worker ever waits on its lock
        try:
            self.pool = multiprocessing.get_context("fork").Pool(workers, initializer=_as_a_worker)
        except OSError:
            _work = None  # the poll's mentions are not held on to
            raise
        self.failed = False
        self.chunks: dict[str, list[tuple[Sequence[Mention], AsyncResult[list[Judged]]]]] = {
            name: [(mentions[start : start + CHUNK], self.pool.apply_async(judge_chunk, (name, start))) for start in range(0, len(mentions), CHUNK)]
            for name, mentions in batches.items()
        }

    def take(self, name: str) -> dict[tuple[str, str], Judged] | None:
        """One source's verdicts by item, or None if judging it failed or hung (logged once): ingest then judges it,
        and every source after it, in this process."""
        chunks = self.chunks.pop(name, [])
        if self.failed:
            return None
        judged: dict[tuple[str, str], Judged] = {}
        try:
            for mentions, result in chunks:
                judged.update(zip((item_key(m) for m in mentions), result.get(timeout=CHUNK_TIMEOUT)))
        except Exception:
            log.exception("judging %s's mentions in worker processes failed; this poll's are judged in this process", name)
            self.failed = True
            self.pool.terminate()
            return None
        return judged

    def close(self) -> None:
        global _work
        self.pool.terminate()  # every result taken, or given up on: nothing left to wait for
        self.pool.join()
        _work = None


def prejudging(classifier: Classifier, batches: Mapping[str, Sequence[Mention]], config: AppConfig) -> Prejudging | None:
    """Workers for a big poll; None for a small one, a single core, or another backend than the shipped detector's
    (an LLM's or a transformer's threads are not forked)."""
    workers = workers_available()
    if sum(len(m) for m in batches.values()) < PARALLEL_FROM or workers < 2 or config.classifier.backend != "default":
        return None
    try:
        return Prejudging(classifier, batches, config, workers)
    except OSError as exc:  # no /dev/shm for the pool's semaphores, no processes left: judged in-process, as ever
        log.warning("could not start worker processes to judge this poll (%s); it is judged in this process", exc)
        return None
