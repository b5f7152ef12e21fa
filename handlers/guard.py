"""One wrapper that turns a listener's failure into a message to the person who acted.

Bolt's own error path is not enough here: when a listener raises just after
ack(), Bolt can drop the ack and answer Slack with a 404, so the user sees a
failed button on top of our explanation.
"""

import functools
from collections.abc import Callable
from typing import Any

from bot import interactions


def reported(listener: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(listener)  # Bolt reads the wrapped signature to pick the arguments
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as error:
            body = kwargs.get("body") or kwargs.get("command") or kwargs.get("shortcut") or {}
            interactions.report_error(kwargs["context"]["runtime"], body=body, error=error)

    return run
