"""Which mentions are about the brand, and when two URLs are the same page. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.domain.matching import fold, whole_words

_TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|igshid|si)$", re.IGNORECASE)


def mention_text(title: str, text: str) -> str:
    """What is judged and matched: the title and the body together."""
    return f"{title}\n{text}".strip()


def author_key(author: str) -> str:
    """How an author is compared for muting: case-insensitive, without a leading @."""
    return author.strip().lstrip("@").lower()


@lru_cache(maxsize=16)
def _brand(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    return whole_words(terms)


def names_brand(text: str, terms: tuple[str, ...]) -> bool:
    """Whether the text names the brand, as the relevance filter matches its terms."""
    pattern = _brand(terms)
    return pattern is not None and pattern.search(fold(text)) is not None


@dataclass(frozen=True)
class RelevanceFilter:
    """Brand terms match as whole words, in any case, with or without accents, in full-width letters and between
    letters of other scripts (bot/domain/matching.py); an exclusion or a muted author drops the mention."""

    terms: re.Pattern[str] | None
    exclusions: re.Pattern[str] | None
    muted_authors: frozenset[str]

    @classmethod
    def build(cls, terms: list[str], exclude: list[str], muted_authors: set[str] | frozenset[str] = frozenset()) -> RelevanceFilter:
        return cls(whole_words(terms), whole_words(exclude), frozenset(author_key(a) for a in muted_authors))

    def why_dropped(self, *, text: str, author: str, require_term: bool = True) -> str | None:
        """None if the mention is relevant, else a short reason.

        `require_term=False` is for senders that already matched the brand (the webhook).
        """
        if author and author_key(author) in self.muted_authors:
            return "muted author"
        folded = fold(text)
        if require_term and (self.terms is None or not self.terms.search(folded)):
            return "no brand term"
        if self.exclusions is not None and self.exclusions.search(folded):
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
