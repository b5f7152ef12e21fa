"""Everything a request or a job needs, built once at start-up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.classifier import Classifier, load_classifier
from bot.classifier.live import LiveModel
from bot.classifier.models import ModelLocations, default_directory
from bot.classifier.optional import LlmClassifier
from bot.config import AppConfig
from bot.db.models import utcnow
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.settings import Settings
from bot.slack.delivery import Drainer
from bot.slack.people import People
from bot.slack.permissions import Permissions
from bot.telemetry import SLACK_ERRORS, SLACK_RATE_LIMITED

WORK_THREADS = 4
# The longest a task waits for acks in flight: under a flood of requests work still moves.
ACK_PATIENCE_SECONDS = 0.25


class Acks:
    """The Slack requests being answered right now, so work can let them go first.

    Without it the work of a burst's first clicks (a transaction, Slack calls) competes for
    the CPU and the GIL with the acks of the rest of the burst, which is what makes the
    slowest acks slow.
    """

    def __init__(self) -> None:
        self._answering = 0
        self._none_waiting = threading.Condition()

    @contextmanager
    def answering(self) -> Iterator[None]:
        with self._none_waiting:
            self._answering += 1
        try:
            yield
        finally:
            with self._none_waiting:
                self._answering -= 1
                if not self._answering:
                    self._none_waiting.notify_all()

    def let_them_go_first(self) -> None:
        with self._none_waiting:
            self._none_waiting.wait_for(lambda: not self._answering, timeout=ACK_PATIENCE_SECONDS)


class WorkPool(ThreadPoolExecutor):
    """Listeners' work: each task starts once no request is waiting for its ack (or after a short wait)."""

    def __init__(self, acks: Acks) -> None:
        super().__init__(max_workers=WORK_THREADS, thread_name_prefix="work")
        self.acks = acks

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def after_the_acks() -> Any:
            self.acks.let_them_go_first()
            return fn(*args, **kwargs)

        return super().submit(after_the_acks)


def _method(request: HttpRequest) -> str:
    return request.url.split("?", 1)[0].rsplit("/", 1)[-1]


class CountedRateLimits(RateLimitErrorRetryHandler):
    """Slack's 429 answers that are waited out and retried (a 429 left after the retry is counted as an error)."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        retry = super()._can_retry(state=state, request=request, response=response, error=error)
        if retry:
            SLACK_RATE_LIMITED.labels(_method(request)).inc()
        return retry


class CountingWebClient(WebClient):
    """Every Web API method goes through api_call: the one place to count Slack's errors for /metrics."""

    def api_call(self, api_method: str, *args: Any, **kwargs: Any) -> SlackResponse:
        try:
            return super().api_call(api_method, *args, **kwargs)
        except SlackApiError as exc:
            SLACK_ERRORS.labels(api_method, str(exc.response.get("error") or exc.response.status_code)).inc()
            if exc.response.status_code == 429:
                SLACK_RATE_LIMITED.labels(api_method).inc()
            raise
        except OSError:
            SLACK_ERRORS.labels(api_method, "connection_failed").inc()
            raise


def make_slack_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    # One short wait on 429 absorbs a burst; anything longer goes back to the outbox with Retry-After.
    # No blind retry on connection errors (slack_sdk's default): a post Slack already carried out would be
    # posted twice; the outbox retries instead, after looking for it.
    return CountingWebClient(
        token=token, base_url=settings.slack_api_url, timeout=15, retry_handlers=[CountedRateLimits(max_retry_count=1)]
    )


def model_locations(settings: Settings, config: AppConfig) -> ModelLocations:
    """The data directory's models folder ([classifier] models_dir, default beside the SQLite file) and the config's pin."""
    chosen = config.classifier
    return ModelLocations(chosen.models_dir or default_directory(settings.database_url, settings.complaint_bot_config), chosen.model)


@dataclass
class Runtime:
    settings: Settings
    config: AppConfig
    engine: Engine
    sessions: sessionmaker[Session]
    slack: WebClient
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(cls, settings: Settings, config: AppConfig, *, clock: Callable[[], datetime] = utcnow) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(settings, config, engine, make_session_factory(engine), make_slack_client(settings), clock)

    def transaction(self) -> AbstractContextManager[Session]:
        """One unit of work: flows open it and hand the session to services, which do all the SQL."""
        return session_scope(self.sessions)

    @cached_property
    def models(self) -> LiveModel | None:
        """The team's model in use (`complaint-bot model use`), reloaded when it changes; None for the other backends."""
        if self.config.classifier.backend != "default":
            return None
        return LiveModel(model_locations(self.settings, self.config), lambda: load_classifier(self.config.classifier))

    @cached_property
    def _other_backend(self) -> Classifier:
        return load_classifier(self.config.classifier)

    @property
    def classifier(self) -> Classifier:
        """What scores the next batch: looked up per batch, so a newly chosen model takes over without a restart."""
        return self.models.current() if self.models is not None else self._other_backend

    @classifier.setter
    def classifier(self, chosen: Classifier) -> None:
        """Pin one detector for this runtime (tests, benchmarks): no team model is looked for then."""
        self.__dict__["models"] = None
        self.__dict__["_other_backend"] = chosen

    @cached_property
    def other_languages_llm(self) -> LlmClassifier | None:
        """The LLM that judges mentions in languages the detector cannot, when [classifier] other_languages = "llm"."""
        if self.config.classifier.other_languages != "llm":
            return None
        return LlmClassifier(self.config.classifier, fallback=self.classifier)

    @cached_property
    def acks(self) -> Acks:
        return Acks()

    @cached_property
    def work(self) -> ThreadPoolExecutor:
        """Where listeners' work runs after the ack (database, Slack calls), so acks never queue behind it."""
        return WorkPool(self.acks)

    @cached_property
    def permissions(self) -> Permissions:
        return Permissions(self.config, self.slack)

    @cached_property
    def people(self) -> People:
        return People(self.slack)

    @cached_property
    def drainer(self) -> Drainer:
        return Drainer(
            sessions=self.sessions,
            client=self.slack,
            channel=self.config.slack.channel,
            clock=self.clock,
            post_interval_seconds=self.config.slack.post_interval_seconds,
            lease=timedelta(seconds=self.config.schedule.outbox_lease_seconds),
            burst_threshold=self.config.slack.burst_threshold,
            burst_cards=self.config.slack.burst_cards,
        )
