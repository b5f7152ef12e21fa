"""The TOML config (`COMPLAINT_BOT_CONFIG`): brand, Slack channel, classifier, schedule, SLA, permissions, playbook, sources.

Validated at start-up; a bad value stops the bot with one message that names the key.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.classifier import backend_unavailable
from bot.classifier.config import ClassifierConfig
from bot.settings import ConfigError, first_error
from sources import SourceConfig, config_model


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BrandConfig(_Table):
    terms: list[str] = Field(min_length=1)
    exclude: list[str] = []

    @field_validator("terms", "exclude")
    @classmethod
    def _no_blank_terms(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("terms must not be blank")
        return [v.strip() for v in values]


_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")


class SlackConfig(_Table):
    channel: str
    managers: list[str] = []
    # Slack allows about one message a second per channel; the outbox paces itself to this.
    post_interval_seconds: float = Field(default=1.0, ge=0)
    # More new cards than this waiting at once: post one summary plus the `burst_cards` most severe.
    burst_threshold: int = Field(default=20, ge=1)
    burst_cards: int = Field(default=5, ge=0)
    # Socket Mode: /healthz answers 503 once the connection to Slack has been down this long (a reconnect takes ~10 s).
    socket_grace_seconds: int = Field(default=30, ge=1)

    @field_validator("channel")
    @classmethod
    def _channel_id(cls, value: str) -> str:
        if not _CHANNEL_ID.match(value):
            raise ValueError("must be a channel ID like C0123456789 (not a #name)")
        return value

    @field_validator("managers")
    @classmethod
    def _user_ids(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _USER_ID.match(value):
                raise ValueError(f"{value!r} is not a user ID like U0123456789")
        return values


class ScheduleConfig(_Table):
    poll_interval_seconds: int = Field(default=300, ge=10)
    outbox_interval_seconds: int = Field(default=15, ge=1)
    # A card post cut off by a crash is retried (after checking the channel) once this has passed.
    outbox_lease_seconds: int = Field(default=120, ge=1)
    digest_time: time = time(9, 0)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/London)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SlaConfig(_Table):
    claim_minutes: int = Field(default=30, ge=1)
    resolve_hours: int = Field(default=24, ge=1)
    # Optional: count only working time ("09:00-17:30") on these ISO weekdays, in [schedule] timezone.
    business_hours: str | None = None
    business_days: list[int] = [1, 2, 3, 4, 5]
    # An unclaimed case past its target is escalated to the first manager, not only re-surfaced.
    auto_escalate: bool = False

    @field_validator("business_hours")
    @classmethod
    def _hours_range(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", value.strip())
        if not match or not (time(int(match[1]), int(match[2])) < time(int(match[3]) % 24, int(match[4]))):
            raise ValueError('must look like "09:00-17:30", start before end')
        return value.strip()

    @field_validator("business_days")
    @classmethod
    def _iso_weekdays(cls, days: list[int]) -> list[int]:
        if not days or any(d not in range(1, 8) for d in days):
            raise ValueError("must list ISO weekdays 1 (Monday) to 7 (Sunday)")
        return sorted(set(days))

    @property
    def working_hours(self) -> tuple[time, time] | None:
        if self.business_hours is None:
            return None
        start, end = self.business_hours.split("-")
        return time.fromisoformat(start.zfill(5)), time.fromisoformat(end.zfill(5))


Audience = Literal["anyone", "channel", "managers"]


class PermissionsConfig(_Table):
    """Who may do what: anyone in the workspace, members of the triage channel, or managers only."""

    claim: Audience = "channel"
    draft: Audience = "channel"
    escalate: Audience = "channel"
    resolve: Audience = "channel"
    reopen: Audience = "channel"
    dismiss: Audience = "channel"
    mute: Audience = "channel"
    report: Audience = "anyone"
    # The person a case was escalated to may always act on that escalation.
    take_over: Audience = "managers"


class PlaybookConfig(_Table):
    # Where drafts invite the customer to continue privately: an address, a DM handle, a form URL.
    contact: str = "our support team"
    # Who signs a personal comment on a blog post or review ("Dana Reyes", "Head of Customer Care").
    signer_name: str = Field(default="", max_length=80)
    signer_role: str = Field(default="", max_length=80)
    # "llm": an OpenAI-compatible model words the drafts, with the [classifier] llm_* settings; the playbook's draft stands on any failure.
    writer: Literal["builtin", "llm"] = "builtin"


class AppConfig(_Table):
    brand: BrandConfig
    slack: SlackConfig
    classifier: ClassifierConfig = ClassifierConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    sla: SlaConfig = SlaConfig()
    playbook: PlaybookConfig = PlaybookConfig()
    permissions: PermissionsConfig = PermissionsConfig()
    sources: list[SourceConfig] = []

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_by_kind(cls, raw: Any) -> list[SourceConfig]:
        if not isinstance(raw, list):
            raise ValueError("must be a list of [[sources]] tables")
        parsed = []
        for index, table in enumerate(raw):
            if not isinstance(table, dict) or "kind" not in table:
                raise ValueError(f"[{index}]: needs a kind")
            try:
                model = config_model(table["kind"])
            except ValueError as exc:
                raise ValueError(f"[{index}].kind: {exc}") from None
            try:
                parsed.append(model.model_validate(table))
            except ValidationError as exc:
                raise ValueError(f"[{index}].{first_error(exc)}") from None
        return parsed

    @cached_property
    def source_thresholds(self) -> dict[str, float]:
        """Each configured source's threshold: its own `threshold`, else [classifier]'s."""
        return {s.name: self.classifier.threshold if s.threshold is None else s.threshold for s in self.sources}

    def threshold_for(self, source_name: str) -> float:
        """The score from which a mention of `source_name` is a complaint: its source's threshold, else [classifier]'s
        (for mentions no configured source found: the webhook, `/complaint add`)."""
        return self.source_thresholds.get(source_name, self.classifier.threshold)

    @model_validator(mode="after")
    def _unique_source_names(self) -> AppConfig:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"sources: duplicate name(s) {', '.join(duplicates)}")
        for source in self.sources:
            source.take_brand_terms(self.brand.terms)
        return self


def parse_config(text: str, origin: str = "config") -> AppConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    try:
        config = AppConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {first_error(exc)}") from None
    # Refused here, so `check` fails and `run` does not start, instead of the first mention failing to be scored.
    if missing := backend_unavailable(config.classifier.backend):
        raise ConfigError(f"{origin}: classifier.backend: {missing}")
    return config


def load_config(path: Path) -> AppConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found (set COMPLAINT_BOT_CONFIG or create it)") from None
    except IsADirectoryError:
        # `docker run -v ./complaint-bot.toml:…` creates an empty folder when the host file is missing.
        raise ConfigError(f"config file {path} is a folder, not a file (in Docker: the file to mount was missing on the host)") from None
    except PermissionError:
        raise ConfigError(f"config file {path} cannot be read by this user (check its permissions)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {exc.start})") from None
    return parse_config(text, origin=str(path))
