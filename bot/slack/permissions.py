"""Who may act on cases. Channel membership is read from Slack and cached briefly."""

from __future__ import annotations

import threading
import time
from enum import StrEnum

from slack_sdk import WebClient

from bot.config import AppConfig
from bot.domain.refusals import Refusal
from message_blocks.notes import not_allowed_message

MEMBERSHIP_TTL_SECONDS = 300


class Permission(StrEnum):
    """The keys of the config's [permissions] table."""

    CLAIM = "claim"
    DRAFT = "draft"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    DISMISS = "dismiss"
    MUTE = "mute"
    REPORT = "report"
    TAKE_OVER = "take_over"

    @property
    def what(self) -> str:
        """What it lets a person do, for the refusal."""
        return {
            Permission.CLAIM: "claim cases",
            Permission.DRAFT: "draft replies",
            Permission.ESCALATE: "escalate cases",
            Permission.RESOLVE: "resolve cases",
            Permission.REOPEN: "reopen cases",
            Permission.DISMISS: "dismiss cases",
            Permission.MUTE: "mute authors",
            Permission.REPORT: "report complaints",
            Permission.TAKE_OVER: "take over escalations",
        }[self]


class NotAllowed(Refusal):
    """The person may not do this; the message says who may."""


class Permissions:
    def __init__(self, config: AppConfig, slack: WebClient) -> None:
        self.config = config
        self.slack = slack
        self._members: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def check(self, user_id: str, permission: Permission, *, escalated_to: str | None = None) -> None:
        audience = getattr(self.config.permissions, permission.value)
        managers = self.config.slack.managers
        if audience == "anyone" or user_id in managers or (escalated_to is not None and user_id == escalated_to):
            return
        if audience == "channel" and user_id in self._channel_members():
            return
        raise NotAllowed(not_allowed_message(audience, self.config.slack.channel, permission.what))

    def _channel_members(self) -> frozenset[str]:
        with self._lock:
            if time.monotonic() - self._fetched_at > MEMBERSHIP_TTL_SECONDS:
                members: set[str] = set()
                for page in self.slack.conversations_members(channel=self.config.slack.channel, limit=1000):
                    members.update(page["members"])
                self._members, self._fetched_at = frozenset(members), time.monotonic()
            return self._members
