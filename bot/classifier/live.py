"""The model a running bot scores with, switched without a restart when `complaint-bot model use` points elsewhere.

Before a batch is scored the bot asks for the current classifier. At most every `check_seconds` that
looks at the pointer and the file it names (two stats and a 100-byte read): when either changed, a
background thread loads the new file while the old model goes on scoring, and the new one takes over
only once it has loaded. A file that does not load is logged in one line and the old model stays;
the same broken file is not tried again until the pointer or the file changes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.classifier.base import Classifier, ModelError
from bot.classifier.models import ModelLocations, read_model

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
Stamp = tuple[str, int, int]  # the file in use, its mtime (ns) and size
SHIPPED: Stamp = ("", 0, 0)


def _stamp(path: Path | None) -> Stamp:
    if path is None:
        return SHIPPED
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


class LiveModel:
    def __init__(self, where: ModelLocations, shipped: Callable[[], Classifier], *, check_seconds: float = CHECK_SECONDS) -> None:
        """Loads the model in use now; ModelError (one line naming the file) if it does not read: the bot does not start on it."""
        self.where = where
        self._shipped = shipped
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._loading: threading.Thread | None = None
        chosen = where.in_use()  # read once: the pointer may change between two reads, and the stamp must name what loaded
        self._stamp = _stamp(chosen)
        self._refused: Stamp | None = None
        self._classifier = self._load(chosen)

    def _load(self, path: Path | None) -> Classifier:
        return self._shipped() if path is None else read_model(path)[0]

    @property
    def path(self) -> Path | None:
        return Path(self._stamp[0]) if self._stamp != SHIPPED else None

    def current(self) -> Classifier:
        """The classifier to score the next batch with; starts loading a newly chosen model when it is time to look."""
        if time.monotonic() - self._checked >= self.check_seconds:
            self.refresh()
        return self._classifier

    def refresh(self, *, wait: bool = False) -> None:
        """Look at the pointer now; load what it names in the background if it changed (`wait`: until that is done)."""
        with self._lock:
            self._checked = time.monotonic()
            try:
                chosen = self.where.in_use()
            except ModelError as exc:
                log.warning("%s; still scoring with the model loaded before", exc)
                return
            stamp = _stamp(chosen)
            busy = self._loading is not None and self._loading.is_alive()
            if stamp == self._stamp or stamp == self._refused or busy:
                loading = self._loading if busy else None
            else:
                loading = self._loading = threading.Thread(target=self._switch, args=(chosen, stamp), name="model-load", daemon=True)
                loading.start()
        if wait and loading is not None:
            loading.join()

    def _switch(self, chosen: Path | None, stamp: Stamp) -> None:
        try:
            loaded = self._load(chosen)
        except ModelError as exc:
            self._refused = stamp
            log.warning("%s; still scoring with %s", exc, self.path or "the shipped model")
            return
        with self._lock:
            self._classifier, self._stamp, self._refused = loaded, stamp, None
        log.info("now scoring with %s (pid %d)", chosen or "the shipped model", os.getpid())
