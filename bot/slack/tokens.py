"""Does Slack accept our tokens? Asked at start-up and by `complaint-bot check`, answered in one line."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

# What an admin should do about the errors a wrong setup gets from Slack.
_ADVICE = {
    "invalid_auth": "Slack does not accept it: copy it again from the app's settings",
    "not_authed": "no token was sent",
    "token_revoked": "it was revoked: reinstall the app and copy the new token",
    "token_expired": "it has expired: reinstall the app and copy the new token",
    "account_inactive": "the app was uninstalled or its workspace deactivated: reinstall the app",
    "not_allowed_token_type": "it is the wrong kind of token",
    "channel_not_found": "no such channel, or it is private and the bot was not invited",
    "ratelimited": "Slack is rate-limiting us: try again in a minute",
}


def explain(exc: SlackApiError) -> str:
    """Slack's error code, with what to do about it."""
    response = exc.response
    error = str(response.get("error", "unknown error")) if response is not None else str(exc)
    if error == "missing_scope" and response is not None:
        return f"missing_scope: the app needs the {response.get('needed', '?')} scope (add it under OAuth & Permissions, then reinstall)"
    advice = _ADVICE.get(error)
    return f"{error}: {advice}" if advice else error


def unreachable(base_url: str, exc: OSError) -> str:
    return f"cannot reach Slack at {base_url}: {getattr(exc, 'reason', None) or exc}"


def bot_identity(client: WebClient) -> str:
    """`auth.test`: "bot NAME in TEAM". Raises SlackApiError or OSError."""
    auth = client.auth_test()
    return f"bot {auth.get('user')} in {auth.get('team')}"


def check_app_token(app_token: str, base_url: str) -> bool:
    """`apps.connections.open`, the call Socket Mode starts with. Raises SlackApiError or OSError."""
    return bool(WebClient(base_url=base_url, timeout=15).apps_connections_open(app_token=app_token)["ok"])


def refusal(client: WebClient, app_token: str | None) -> str | None:
    """Why Slack refuses the bot token (or the app token, if given), naming the setting; None when it accepts them.

    Raises OSError when Slack cannot be reached: whether that stops the caller is its own choice.
    """
    checks: list[tuple[str, Callable[[], object]]] = [("SLACK_BOT_TOKEN", lambda: bot_identity(client))]
    if app_token is not None:
        checks.append(("SLACK_APP_TOKEN", lambda: check_app_token(app_token, client.base_url)))
    for setting, call in checks:
        try:
            call()
        except SlackApiError as exc:
            return f"environment: {setting}: {explain(exc)}"
    return None
