"""Who may act on cases. Channel membership is read from Slack and cached briefly."""

from __future__ import annotations

import threading
import time

from slack_sdk import WebClient

from bot.settings import AppConfig

MEMBERSHIP_TTL_SECONDS = 300

WHAT = {
    "claim": "claim cases",
    "draft": "draft replies",
    "escalate": "escalate cases",
    "resolve": "resolve cases",
    "reopen": "reopen cases",
    "dismiss": "dismiss cases",
    "mute": "mute authors",
    "report": "report complaints",
    "take_over": "take over escalations",
}


class NotAllowed(Exception):
    pass


class Permissions:
    def __init__(self, config: AppConfig, slack: WebClient) -> None:
        self.config = config
        self.slack = slack
        self._members: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def check(self, user_id: str, action: str, *, escalated_to: str | None = None) -> None:
        audience = getattr(self.config.permissions, action)
        managers = self.config.slack.managers
        if audience == "anyone" or user_id in managers or (escalated_to is not None and user_id == escalated_to):
            return
        if audience == "channel" and user_id in self._channel_members():
            return
        who = "managers" if audience == "managers" else f"members of <#{self.config.slack.channel}>"
        raise NotAllowed(f"Only {who} can {WHAT[action]}.")

    def _channel_members(self) -> frozenset[str]:
        with self._lock:
            if time.monotonic() - self._fetched_at > MEMBERSHIP_TTL_SECONDS:
                members: set[str] = set()
                for page in self.slack.conversations_members(channel=self.config.slack.channel, limit=1000):
                    members.update(page["members"])
                self._members, self._fetched_at = frozenset(members), time.monotonic()
            return self._members
