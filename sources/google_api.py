"""What Google's APIs (YouTube Data, Google Play Developer) share: how they say "quota spent", and service-account tokens.

Google answers a spent quota with 403 and the reason nested in the body
(`error.errors[].reason`), not with 429: read as a plain 403 it looks like a
bad key. A daily quota comes back at midnight Pacific time; a per-minute one
within the minute.

A service account gets its access token by signing a JWT with the key file's
private key and exchanging it at the key file's `token_uri` (which is also the
JWT's audience). The signing is google-auth's (its RSASigner and jwt.encode,
kept up to date with Google's key formats), not ours; the exchange goes through
the bounded client like every other call, so it has the same timeouts, size
limit, address rules and secret-free errors, and tests can answer it locally.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from google.auth import crypt, jwt

from sources import http as bounded
from sources.base import SourceConfig, SourceDisabled, SourceError, SourceHttpError, SourceRateLimited

DAILY = frozenset({"quotaExceeded", "dailyLimitExceeded"})
SHORT_TERM = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
SHORT_TERM_WAIT_SECONDS = 60.0
PACIFIC = ZoneInfo("America/Los_Angeles")


def seconds_to_pacific_midnight(now: datetime) -> float:
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=PACIFIC)
    return max((midnight - local).total_seconds(), 0.0)


def quota_error(exc: SourceHttpError, service: str, now: datetime) -> SourceRateLimited | None:
    """The rate limit a 403 really is, with when to try again; None when the 403 is about something else."""
    reason = exc.detail.split(":", 1)[0].strip()
    if exc.status != 403 or reason not in DAILY | SHORT_TERM:
        return None
    if reason in DAILY:
        wait = seconds_to_pacific_midnight(now)
        message = f"{service}: the project's daily quota is spent ({reason}); it comes back at midnight Pacific time, in {wait / 3600:.1f} h"
    else:
        wait = SHORT_TERM_WAIT_SECONDS
        message = f"{service}: too many calls this minute ({reason}); trying again in {wait:.0f}s"
    return SourceRateLimited(message, retry_after=wait, status=403, detail=exc.detail)


# --- service-account access tokens (Google Play Developer API) ---------------------------------------------------

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME_SECONDS = 3600
# Ask for a new token a little before the old one runs out rather than have a call refused.
EXPIRY_MARGIN_SECONDS = 120


@dataclass(frozen=True)
class ServiceAccount:
    """What a service-account JSON key file holds that a token needs (the private key stays inside `signer`)."""

    client_email: str
    token_uri: str
    signer: crypt.Signer

    @classmethod
    def from_key_file(cls, variable: str) -> ServiceAccount:
        """The key file named by the environment variable `variable`; SourceError (one line, no key material) if unusable."""
        path = os.environ.get(variable, "")
        if not path:
            raise SourceDisabled(f"disabled: set the environment variable {variable} to the path of the service account's JSON key file")
        try:
            info = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SourceError(f"cannot read the key file {path} named by {variable}: {exc.strerror or type(exc).__name__}") from None
        except ValueError:
            raise SourceError(f"the key file {path} named by {variable} is not JSON (download a JSON key for the service account)") from None
        missing = [k for k in ("client_email", "token_uri", "private_key") if not isinstance(info, dict) or not info.get(k)]
        if missing:
            raise SourceError(f"the key file {path} named by {variable} lacks {', '.join(missing)}: is it a service account's JSON key?")
        try:
            signer = crypt.RSASigner.from_service_account_info(info)
        except (ValueError, TypeError):
            raise SourceError(f"the private key in {path} named by {variable} cannot be read (damaged or not an RSA key)") from None
        return cls(info["client_email"], info["token_uri"], signer)

    def assertion(self, scope: str, now: float) -> str:
        """The signed JWT that the token endpoint exchanges for an access token; its audience is the key file's token_uri."""
        payload = {"iss": self.client_email, "scope": scope, "aud": self.token_uri, "iat": int(now), "exp": int(now) + TOKEN_LIFETIME_SECONDS}
        return jwt.encode(self.signer, payload).decode()


class TokenCache:
    """Access tokens for the life of the process, one per (token endpoint, account, scope): a poll does not sign in again."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str], now: float) -> str | None:
        with self._lock:
            token = self._tokens.get(key)
        return token[0] if token and token[1] > now + EXPIRY_MARGIN_SECONDS else None

    def put(self, key: tuple[str, str, str], token: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = TokenCache()


def access_token(http: httpx.Client, config: SourceConfig, account: ServiceAccount, scope: str, cache: TokenCache = TOKENS) -> str:
    """A bearer token for `scope`: cached, or exchanged for a signed JWT at the key file's token_uri (through the bounded client)."""
    now = time.time()
    key = (account.token_uri, account.client_email, scope)
    if token := cache.get(key, now):
        return token
    form = {"grant_type": JWT_BEARER, "assertion": account.assertion(scope, now)}
    try:
        fetched = bounded.request(http, "POST", account.token_uri, config, form=form, accept=("json",))
        body = json.loads(fetched.content)
        token, lifetime = str(body["access_token"]), float(body.get("expires_in", TOKEN_LIFETIME_SECONDS))
    except SourceHttpError as exc:
        why = f" ({exc.detail})" if exc.detail else ""
        raise SourceHttpError(
            f"Google refused the service account {account.client_email}{why}: check the key file (revoked key?) and the account",
            status=exc.status,
            detail=exc.detail,
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"Google's token endpoint sent an unexpected body: {type(exc).__name__}") from None
    cache.put(key, token, now + lifetime)
    return token
