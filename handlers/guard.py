"""How listeners run: acknowledge in Bolt's thread, do the work in the runtime's work pool.

Acks must not wait: if the work (database, Slack calls) ran in Bolt's listener
threads, a burst would fill them and new requests could not even be acked.
Failures anywhere go to the one error path (bot/flows/errors.py), which tells
the person who acted. (Bolt's own error path is not enough: when a listener
raises just after ack(), Bolt can drop the ack and answer Slack with a 404.)
"""

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from bot.flows.errors import report_error


def reported(listener: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(listener)  # Bolt reads the wrapped signature to pick the arguments
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as error:
            body = kwargs.get("body") or kwargs.get("command") or kwargs.get("shortcut") or kwargs.get("event") or {}
            report_error(kwargs["context"]["runtime"], body=body, error=error, respond=kwargs.get("respond"))

    return run


def later(context: BoltContext, body: dict[str, Any], work: Callable[..., object], **arguments: Any) -> None:
    """Run `work(runtime, **arguments)` in the work pool, after the ack has gone (what it returns is not used)."""
    rt = context["runtime"]

    def run() -> None:
        try:
            work(rt, **arguments)
        except Exception as error:
            report_error(rt, body=body, error=error, respond=arguments.get("respond"))

    rt.work.submit(run)
