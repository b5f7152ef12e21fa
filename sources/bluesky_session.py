"""Bluesky sessions kept for the life of the process, one per (service, handle), shared by every source built."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass

from sources.base import SourceError

EXPIRY_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Session:
    access_jwt: str
    refresh_jwt: str
    did: str
    handle: str

    @classmethod
    def from_answer(cls, content: bytes) -> Session:
        try:
            body = json.loads(content)
            return cls(body["accessJwt"], body["refreshJwt"], body["did"], body["handle"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"Bluesky sent an unexpected session: {type(exc).__name__}") from None

    def access_expired(self, now: float) -> bool:
        """From the token's own `exp`; a token we cannot read counts as fresh until the server says otherwise."""
        try:
            payload = self.access_jwt.split(".")[1]
            expires = float(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"])
        except (IndexError, ValueError, KeyError, TypeError):
            return False
        return expires <= now + EXPIRY_MARGIN_SECONDS


class SessionStore:
    """Signed-in sessions shared by every source built in this process, one per (service, handle)."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str], Session] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, key: tuple[str, str]) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: tuple[str, str]) -> Session | None:
        return self._sessions.get(key)

    def put(self, key: tuple[str, str], session: Session) -> None:
        self._sessions[key] = session

    def clear(self) -> None:
        self._sessions.clear()


SESSIONS = SessionStore()
