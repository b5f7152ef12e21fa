from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures"

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def requests_seen() -> list[httpx.Request]:
    return []


@pytest.fixture
def client(requests_seen: list[httpx.Request]) -> Callable[[Handler], httpx.Client]:
    """An httpx client whose transport replays recorded responses and remembers each request."""

    def make(handler: Handler) -> httpx.Client:
        def record(request: httpx.Request) -> httpx.Response:
            requests_seen.append(request)
            return handler(request)

        return httpx.Client(transport=httpx.MockTransport(record))

    return make


def fixture_response(name: str, content_type: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    folder = "feeds" if name == "acme-alerts.xml" else "sources"
    return httpx.Response(status, content=(FIXTURES / folder / name).read_bytes(), headers={"Content-Type": content_type, **(headers or {})})


@pytest.fixture(autouse=True)
def fresh_bluesky_sessions() -> None:
    """Bluesky sessions outlive a source on purpose; a test must not inherit another test's."""
    from sources.bluesky_session import SESSIONS

    SESSIONS.clear()


@pytest.fixture(autouse=True)
def fresh_google_tokens() -> None:
    """Service-account tokens are cached for the process on purpose; a test must not inherit another test's."""
    from sources.google_api import TOKENS

    TOKENS.clear()
