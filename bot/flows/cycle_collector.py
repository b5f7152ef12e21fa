"""Pausing Python's cycle collector around a large ingest batch, safely in a threaded server.

A large batch holds tens of thousands of small objects until it is written: the collector
would walk them, and everything else the process holds, again and again and find nearly
nothing (a tenth of a large batch's time). The switch is process-wide, so:

- only batches of at least LARGE_BATCH mentions pause it. Those come from polls, which run one
  at a time (the scheduler's job lock); a webhook push or a hand report is one mention and never
  pauses it, so requests arriving all day cannot keep it off;
- pauses that overlap are counted: the collector resumes when the last one ends (not when the
  first does), and only if it was running when the first began (someone else's pause is theirs);
- while it is paused, other threads' cyclic garbage waits for at most one batch (seconds); memory
  that is not cyclic is freed by reference counting as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LARGE_BATCH = 200

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def paused_for(batch_size: int) -> Iterator[None]:
    """The collector is off inside (for a large batch) and back as it was once no large batch is being ingested."""
    if batch_size < LARGE_BATCH:
        yield
        return
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
