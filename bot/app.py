"""The Bolt app: listeners, the runtime in every request's context, one error handler."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext

from bot.flows.errors import report_error
from bot.runtime import Runtime
from handlers import register_listeners

log = logging.getLogger(__name__)

# Listeners only ack (and open modals) in these threads; their work goes to Runtime.work.
LISTENER_THREADS = 32


def _not_about_the_unused_token(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN itself and warns on every start that it "will be unused" beside our
    # client; the client is built from that same token, so the warning only worries the admin.
    return "will be unused" not in record.getMessage()


BOLT_LOGGER = logging.getLogger("slack_bolt")
BOLT_LOGGER.addFilter(_not_about_the_unused_token)


def listener_threads() -> ThreadPoolExecutor:
    """The pool listeners run in after their ack; its owner shuts it down to let in-flight work finish."""
    return ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener")


def build_app(rt: Runtime, *, executor: ThreadPoolExecutor | None = None, verify_token: bool = True) -> App:
    signing_secret = rt.settings.slack_signing_secret
    app = App(
        client=rt.slack,
        signing_secret=signing_secret.get_secret_value() if signing_secret else None,
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=signing_secret is not None,
        token_verification_enabled=verify_token,
        listener_executor=executor or listener_threads(),
        logger=BOLT_LOGGER,
    )

    @app.middleware
    def provide_runtime(context: BoltContext, next: Any) -> None:
        context["runtime"] = rt
        next()

    @app.error
    def tell_the_user(error: Exception, body: dict[str, Any]) -> None:
        report_error(rt, body=body, error=error)

    register_listeners(app)
    return app
