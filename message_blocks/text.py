"""Making untrusted text safe for Slack mrkdwn and within Block Kit limits."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"

# Bidi overrides and zero-width characters can disguise what a link or name says.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WHITESPACE_RUN = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean(text: str | None) -> str:
    """Drop control and invisible characters, normalise whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = _WHITESPACE_RUN.sub(" ", text.replace("\r", ""))
    return _BLANK_LINES.sub("\n\n", text).strip()


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 case", "2 cases", "1,204 cases"; `many` for irregular nouns."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def escape_mrkdwn(text: str | None) -> str:
    """Escape the three characters Slack treats as control sequences.

    With `<`, `>` and `&` escaped, no `<!channel>`, `<@U…>` or `<url|label>` can
    be formed; a zero-width space also stops a bare "@here" from being linked.
    """
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u2060" + m.group(1), text)


def mrkdwn(text: str | None, limit: int) -> str:
    """Escaped untrusted text, truncated to `limit` characters without splitting an entity."""
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    entity_start = cut.rfind("&")
    if entity_start != -1 and ";" not in cut[entity_start:]:
        cut = cut[:entity_start]
    return cut.rstrip() + ELLIPSIS


def plain(text: str | None, limit: int) -> str:
    """Untrusted text for plain_text fields (Slack renders them literally)."""
    return truncate(clean(text).replace("\n", " "), limit)


def quote_block(text: str | None, limit: int) -> str:
    """Escaped text shown as a block quote, each line prefixed with '>'."""
    budget = limit
    while True:
        body = mrkdwn(text, budget)
        quoted = "\n".join("&gt; " + line if line else "&gt;" for line in body.split("\n"))
        if len(quoted) <= limit:
            return quoted
        budget -= len(quoted) - limit


def safe_url(url: str | None) -> str | None:
    """An http(s) URL that cannot break out of `<url|label>`, or None."""
    if not url:
        return None
    url = clean(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str | None, limit: int = 300) -> str:
    """A mrkdwn link whose label is escaped text, or the escaped label alone if the URL is unusable."""
    label_text = mrkdwn(label or url or "", limit).replace("|", "¦")
    href = safe_url(url)
    if href is None or len(href) > 2900:
        return label_text
    return f"<{href}|{label_text}>"


def slack_message_url(channel: str | None, ts: str | None) -> str | None:
    """A link that opens Slack at a message (app_redirect needs no permalink lookup)."""
    if not channel or not ts:
        return None
    return f"https://slack.com/app_redirect?channel={channel}&message_ts={ts}"
