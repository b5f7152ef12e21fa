"""One bounded HTTP request that every source uses, to read mentions and to publish replies.

Bounded in time (connect/read timeouts plus a total deadline, so a server
dribbling bytes cannot hold a poll), in size (the body is streamed and the
download stops past `max_bytes`), and in where it may go (no private,
loopback or link-local addresses unless the source allows them, checked on
every redirect hop; only GETs follow redirects). Errors never show secrets
from the URL, the headers or the body that was sent.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import math
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from sources.base import SourceConfig, SourceError, SourceHttpError, SourceRateLimited
from sources.service_errors import service_reason

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
SECRET_PARAMS = ("token", "key", "secret", "password", "passwd", "sig", "signature", "auth", "code")
# What an error answer may tell us ("ExpiredToken", "Record not found"): read this much of it, show a line of it.
ERROR_BODY_BYTES = 4096
ERROR_DETAIL_CHARS = 160


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
    """Seconds to wait from a Retry-After or rate-limit reset header.

    Accepts delta seconds, a Unix time (Bluesky's RateLimit-Reset), an ISO time
    (Mastodon's X-RateLimit-Reset) or an HTTP date.
    """
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        return max(number - time.time() if number > 1e9 else number, 0.0)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if when.tzinfo is None:
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


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
    return request(http, "GET", url, config, params=params, headers=headers, accept=accept)


def request(
    http: httpx.Client,
    method: str,
    url: str,
    config: SourceConfig,
    *,
    params: dict[str, str | int] | None = None,
    headers: dict[str, str] | None = None,
    json_body: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    accept: tuple[str, ...] = (),
) -> Fetched:
    """One bounded request. Raises SourceHttpError (an error status), SourceRateLimited (429/503) or SourceError."""
    allow_private = config.allow_private_network
    deadline = time.monotonic() + config.timeout_seconds
    timeout = httpx.Timeout(config.timeout_seconds, connect=min(10.0, config.timeout_seconds))
    secrets = _secrets(headers, json_body, form)
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    for _ in range(MAX_REDIRECTS + 1):
        if not allow_private:
            _refuse_private(url)
        try:
            with http.stream(
                method, url, headers=headers, json=json_body, data=form, timeout=timeout, follow_redirects=False
            ) as response:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise SourceError(f"redirect without a Location from {redact(url)}")
                    if method != "GET":
                        # A redirected POST would have to be sent again somewhere we did not choose.
                        raise SourceError(f"{redact(url)} answered a redirect ({response.status_code}); set base_url to the final address")
                    target = urljoin(url, location)
                    if urlsplit(target).hostname != urlsplit(url).hostname and headers:
                        # Credentials are for the host they were meant for, not wherever it redirects.
                        headers = {k: v for k, v in headers.items() if not _is_secret_header(k)}
                    url = target
                    continue
                if response.status_code >= 400:
                    raise _status_error(response, url, secrets)
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


def json_listing(fetched: Fetched, service: str, key: str = "items", *, missing_ok: bool = False) -> dict[str, Any]:
    """The answer as a JSON object whose `key` is a list (or absent, if `missing_ok`); SourceError naming `service` if not."""
    try:
        body = json.loads(fetched.content)
        if not isinstance(body, dict) or not isinstance(body.get(key, [] if missing_ok else None), list):
            raise TypeError(f"no {key}")
    except (ValueError, TypeError) as exc:
        raise SourceError(f"{service} sent an unexpected body: {type(exc).__name__}") from None
    return body


def _is_secret_header(name: str) -> bool:
    """Authorization, and the services' own credential headers (Discourse's Api-Key, Trustpilot's apikey)."""
    return name.lower() == "authorization" or any(s in name.lower() for s in SECRET_PARAMS)


def _secrets(headers: dict[str, str] | None, json_body: dict[str, Any] | None, form: dict[str, str] | None) -> list[str]:
    """Values that must never appear in an error: credentials in headers and secret-named fields sent."""
    found = [v.split(" ", 1)[-1] for k, v in (headers or {}).items() if _is_secret_header(k)]
    for fields in (json_body or {}, form or {}):
        found += [v for k, v in fields.items() if isinstance(v, str) and any(s in k.lower() for s in SECRET_PARAMS)]
    return [s for s in found if len(s) >= 4]


# Where each service says when its window opens again: Retry-After (everyone), RateLimit-Reset (Bluesky, epoch),
# X-RateLimit-Reset (GitHub epoch, Reddit delta seconds, Mastodon ISO time), x-rate-limit-reset (X, epoch).
RESET_HEADERS = ("Retry-After", "RateLimit-Reset", "X-RateLimit-Reset", "X-Rate-Limit-Reset")


REMAINING_HEADERS = ("X-RateLimit-Remaining", "X-Rate-Limit-Remaining", "RateLimit-Remaining")


def _quota_spent(headers: httpx.Headers) -> bool:
    """No calls left in the window (or no count given): a reset header then says when it opens."""
    said = next((headers[name] for name in REMAINING_HEADERS if name in headers), None)
    try:
        return said is None or float(said) <= 0
    except ValueError:
        return True


def rate_limit_wait(headers: httpx.Headers) -> float | None:
    """Seconds until the service takes calls again: Retry-After, else a reset header when the window's calls are spent.

    (GitHub sends x-ratelimit-reset on every answer; with calls left, a refusal is not about that window.)"""
    if (wait := retry_after_seconds(headers.get("Retry-After"))) is not None:
        return wait
    if not _quota_spent(headers):
        return None
    for name in RESET_HEADERS[1:]:
        if (wait := retry_after_seconds(headers.get(name))) is not None:
            return wait
    return None


def _is_rate_limited(response: httpx.Response) -> bool:
    """429/503, or a 403 that says so in its headers (GitHub's primary and secondary limits)."""
    if response.status_code in (429, 503):
        return True
    named = any(name in response.headers for name in REMAINING_HEADERS)
    return response.status_code == 403 and ("Retry-After" in response.headers or named and _quota_spent(response.headers))


def _status_error(response: httpx.Response, url: str, secrets: list[str]) -> SourceError:
    status = response.status_code
    detail = _error_detail(response, secrets)
    why = f" ({detail})" if detail else ""
    if _is_rate_limited(response):
        wait = rate_limit_wait(response.headers)
        until = f" for {math.ceil(wait)}s" if wait else ""
        return SourceRateLimited(f"{redact(url)} answered {status}: slow down{until}{why}", retry_after=wait, status=status, detail=detail)
    return SourceHttpError(f"{redact(url)} answered HTTP {status}" + (f": {detail}" if detail else ""), status=status, detail=detail)


def _error_detail(response: httpx.Response, secrets: list[str]) -> str:
    """The service's own short reason ("quotaExceeded: The request cannot…"), one line, no secrets."""
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= ERROR_BODY_BYTES:
                break
    except httpx.HTTPError:
        return ""
    try:
        answer = json.loads(bytes(body[:ERROR_BODY_BYTES]))
    except ValueError:
        return ""
    detail = " ".join(service_reason(answer).split())
    for secret in secrets:
        detail = detail.replace(secret, "***")
    return detail[:ERROR_DETAIL_CHARS]


def _check_type(response: httpx.Response, url: str, accept: tuple[str, ...]) -> None:
    content_type = response.headers.get("Content-Type", "").lower()
    if accept and content_type and not any(kind in content_type for kind in accept):
        raise SourceError(f"{redact(url)} sent {content_type.split(';')[0]}, expected {' or '.join(accept)}")
