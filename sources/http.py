"""One bounded GET that every source uses.

Bounded in time (connect/read timeouts plus a total deadline, so a server
dribbling bytes cannot hold a poll), in size (the body is streamed and the
download stops past `max_bytes`), and in where it may go (no private,
loopback or link-local addresses unless the source allows them, checked on
every redirect hop). Errors never show secrets from the URL.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from sources.base import SourceConfig, SourceError, SourceRateLimited

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
SECRET_PARAMS = ("token", "key", "secret", "password", "passwd", "sig", "signature", "auth", "code")


@dataclass(frozen=True)
class Fetched:
    status: int
    content: bytes
    headers: httpx.Headers
    url: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def redact(url: str) -> str:
    """The URL with secret-looking query values and any user:password removed, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    query = [(k, "***" if any(s in k.lower() for s in SECRET_PARAMS) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, urlencode(query), ""))


def _refuse_private(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"refusing {redact(url)}: only http(s) URLs are fetched")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceError(f"cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise SourceError(
                f"refusing {redact(url)}: it resolves to the non-public address {address} "
                "(set allow_private_network = true for an internal source)"
            )


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def get(
    http: httpx.Client,
    url: str,
    config: SourceConfig,
    *,
    params: dict[str, str | int] | None = None,
    headers: dict[str, str] | None = None,
    accept: tuple[str, ...] = (),
) -> Fetched:
    """GET `url`; 304 comes back as `not_modified`. Raises SourceError / SourceRateLimited."""
    allow_private = config.allow_private_network
    deadline = time.monotonic() + config.timeout_seconds
    timeout = httpx.Timeout(config.timeout_seconds, connect=min(10.0, config.timeout_seconds))
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    for _ in range(MAX_REDIRECTS + 1):
        if not allow_private:
            _refuse_private(url)
        try:
            with http.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=False) as response:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise SourceError(f"redirect without a Location from {redact(url)}")
                    target = urljoin(url, location)
                    if urlsplit(target).hostname != urlsplit(url).hostname and headers:
                        # Credentials are for the host they were meant for, not wherever it redirects.
                        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
                    url = target
                    continue
                _check_status(response, url)
                if response.status_code == 304:
                    return Fetched(304, b"", response.headers, url)
                _check_type(response, url, accept)
                declared = int(response.headers.get("Content-Length") or 0)
                if declared > config.max_bytes:
                    raise SourceError(f"{redact(url)} is {declared:,} bytes, over the {config.max_bytes:,}-byte limit")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > config.max_bytes:
                        raise SourceError(f"{redact(url)} sent more than the {config.max_bytes:,}-byte limit")
                    if time.monotonic() > deadline:
                        raise SourceError(f"{redact(url)} took longer than {config.timeout_seconds:g}s")
                return Fetched(response.status_code, bytes(body), response.headers, url)
        except httpx.TimeoutException:
            raise SourceError(f"{redact(url)} timed out after {config.timeout_seconds:g}s") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"could not fetch {redact(url)}: {type(exc).__name__}") from None
    raise SourceError(f"more than {MAX_REDIRECTS} redirects from {redact(url)}")


def _check_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if status in (429, 503):
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        raise SourceRateLimited(f"{redact(url)} answered {status}: slow down" + (f" for {wait:g}s" if wait else ""), retry_after=wait)
    if status >= 400:
        raise SourceError(f"{redact(url)} answered HTTP {status}")


def _check_type(response: httpx.Response, url: str, accept: tuple[str, ...]) -> None:
    content_type = response.headers.get("Content-Type", "").lower()
    if accept and content_type and not any(kind in content_type for kind in accept):
        raise SourceError(f"{redact(url)} sent {content_type.split(';')[0]}, expected {' or '.join(accept)}")
