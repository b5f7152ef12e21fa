"""What an error answer says, in each service's own shape, as one short line. Pure.

Services nest their reasons differently, and the reason is what tells a person
"quota spent until midnight" from "wrong key":

- Google (YouTube, Play): {"error": {"code", "message", "errors": [{"reason": "quotaExceeded"}], "status"}}
- Google's token endpoint, OAuth in general: {"error": "invalid_grant", "error_description": "..."}
- X: {"title": "Unauthorized", "detail": "..."} (+ "errors": [{"message"}] for a bad parameter)
- Stack Exchange: {"error_id", "error_name": "throttle_violation", "error_message"}
- Discourse: {"errors": ["..."], "error_type": "invalid_access"}
- Trustpilot's gateway: {"fault": {"faultstring", "detail": {"errorcode"}}}
- GitHub, Reddit, Mastodon, Bluesky: {"message"} and/or {"error"}
"""

from __future__ import annotations

from typing import Any


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str | int) and str(value).strip() else ""


def _joined(*parts: Any) -> str:
    """The parts that say something, each once, joined by ': '."""
    seen: list[str] = []
    for part in map(_text, parts):
        if part and part not in seen:
            seen.append(part)
    return ": ".join(seen)


def _first(items: Any) -> dict[str, Any]:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def google_reason(answer: dict[str, Any]) -> str:
    """Google's nested reason ("quotaExceeded"), or "" when the answer is not Google's shape."""
    error = answer.get("error")
    return _text(_first(error.get("errors")).get("reason")) if isinstance(error, dict) else ""


def service_reason(answer: Any) -> str:
    """The service's own reason for an error answer, or "" when it gave none we can read."""
    if not isinstance(answer, dict):
        return ""
    error = answer.get("error")
    if isinstance(error, dict):  # Google
        return _joined(google_reason(answer) or error.get("status"), error.get("message"))
    if "error_name" in answer or "error_message" in answer:  # Stack Exchange
        return _joined(answer.get("error_name"), answer.get("error_message"))
    if isinstance(answer.get("fault"), dict):  # Trustpilot's API gateway
        fault = answer["fault"]
        detail = fault.get("detail") if isinstance(fault.get("detail"), dict) else {}
        return _joined(detail.get("errorcode"), fault.get("faultstring"))
    if "title" in answer or "detail" in answer:  # X (problem+json)
        return _joined(answer.get("title"), _first(answer.get("errors")).get("message") or answer.get("detail"))
    errors = answer.get("errors")
    if isinstance(errors, list) and errors and not error:  # Discourse (strings), GitHub 422 (objects)
        first = errors[0]
        said = first if isinstance(first, str) else _text(first.get("message") or first.get("code")) if isinstance(first, dict) else ""
        return _joined(answer.get("error_type") or answer.get("message"), said)
    return _joined(error, answer.get("error_description") or answer.get("message"))
