"""Which mentions are about the brand, and when two URLs are the same page. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|igshid|si)$", re.IGNORECASE)


def mention_text(title: str, text: str) -> str:
    """What is judged and matched: the title and the body together."""
    return f"{title}\n{text}".strip()


def author_key(author: str) -> str:
    """How an author is compared for muting: case-insensitive, without a leading @."""
    return author.strip().lstrip("@").lower()


def _whole_words(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w]){'(?:' + alternatives + ')'}(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class RelevanceFilter:
    """Brand terms match as whole words, case-insensitively; an exclusion or a muted author drops the mention."""

    terms: re.Pattern[str] | None
    exclusions: re.Pattern[str] | None
    muted_authors: frozenset[str]

    @classmethod
    def build(cls, terms: list[str], exclude: list[str], muted_authors: set[str] | frozenset[str] = frozenset()) -> RelevanceFilter:
        return cls(_whole_words(terms), _whole_words(exclude), frozenset(author_key(a) for a in muted_authors))

    def why_dropped(self, *, text: str, author: str, require_term: bool = True) -> str | None:
        """None if the mention is relevant, else a short reason.

        `require_term=False` is for senders that already matched the brand (the webhook).
        """
        if author and author_key(author) in self.muted_authors:
            return "muted author"
        if require_term and (self.terms is None or not self.terms.search(text)):
            return "no brand term"
        if self.exclusions is not None and self.exclusions.search(text):
            return "excluded term"
        return None


def canonical_url(url: str) -> str:
    """The same page under one spelling: lower-case host, no fragment, no tracking parameters, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    if not parts.scheme or not parts.netloc:
        return url.strip()
    host = parts.netloc.lower().removeprefix("www.")
    if host.endswith(":80") and parts.scheme == "http" or host.endswith(":443") and parts.scheme == "https":
        host = host.rsplit(":", 1)[0]
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https" if parts.scheme in ("http", "https") else parts.scheme, host, path, query, ""))
