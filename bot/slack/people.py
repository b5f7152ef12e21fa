"""Who a Slack user ID is: "Jordan Lee", not "U0CUST0001". From users.info, cached."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient

log = logging.getLogger(__name__)

NAME_TTL_SECONDS = 3600


class People:
    def __init__(self, slack: WebClient) -> None:
        self.slack = slack
        self._names: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def name(self, user_id: str) -> str:
        """The name Slack shows for the user; the ID itself if Slack cannot say (not cached, so it is asked again)."""
        with self._lock:
            cached = self._names.get(user_id)
        if cached and time.monotonic() - cached[1] < NAME_TTL_SECONDS:
            return cached[0]
        try:
            user = self.slack.users_info(user=user_id)["user"]
        except Exception as exc:  # the case is still worth opening with the ID as its author
            log.warning("users.info for %s failed: %s", user_id, exc)
            return user_id
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
        with self._lock:
            self._names[user_id] = (name, time.monotonic())
        return name
