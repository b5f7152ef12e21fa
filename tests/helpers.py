from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import text

from bot.runtime import Runtime

T = TypeVar("T")


def wait_for(probe: Callable[[], T], timeout: float = 5.0) -> T:
    """Listeners run after the ack: wait (briefly, bounded) for their effect to show."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.02)


@contextmanager
def writes_held(runtime: Runtime, table: str) -> Iterator[Callable[[], int]]:
    """Hold the database's write lock on `table`: reads go on, writes wait until the block ends.
    Yields how many sessions are waiting for it (PostgreSQL shows them; SQLite cannot, so -1)."""
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            waiting = f"SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '{table}'::regclass"
            with runtime.engine.connect() as observer:
                yield lambda: observer.execute(text(waiting)).scalar_one()
            connection.commit()
        return
    lock = sqlite3.connect(runtime.engine.url.database, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        yield lambda: -1
    finally:
        lock.execute("COMMIT")
        lock.close()


def race(runtime: Runtime, table: str, job: Callable[[Runtime], T]) -> list[T]:
    """Run `job` on two replicas (runtimes of their own on the same database) so that both have
    read what they need before either writes to `table`: the writes race for real."""
    replicas = [Runtime.build(runtime.settings, runtime.config, clock=runtime.clock) for _ in range(2)]
    results: list[T] = []
    threads = [threading.Thread(target=lambda rt=rt: results.append(job(rt))) for rt in replicas]
    with writes_held(runtime, table) as waiting:
        for thread in threads:
            thread.start()
        if waiting() >= 0:
            wait_for(lambda: waiting() == len(threads), timeout=10)
        else:
            time.sleep(0.5)  # SQLite cannot say who waits: give both time to read and block
    for thread in threads:
        thread.join(timeout=30)
    for rt in replicas:
        rt.engine.dispose()
    return results
