# TEMP stand-in (uncommitted)
from typing import ClassVar
from datetime import datetime, UTC
from urllib.parse import urlsplit, parse_qs
import re, html
import feedparser
from sources.base import SourceConfig, FetchResult, Mention
class RssConfig(SourceConfig):
    url: str
    allow_private_network: bool = False
class RssSource:
    kind: ClassVar[str] = "rss"
    Config = RssConfig
    def __init__(self, config, http):
        self.config, self.http = config, http
    @property
    def name(self): return self.config.name
    def fetch(self, cursor):
        seen = set((cursor or {}).get("seen", []))
        feed = feedparser.parse(self.http.get(self.config.url).content)
        out = []
        for e in feed.entries:
            if e.id in seen: continue
            link = e.link
            q = parse_qs(urlsplit(link).query)
            if "url" in q: link = q["url"][0]
            strip = lambda s: html.unescape(re.sub("<[^>]+>", "", s or ""))
            out.append(Mention("rss", self.name, e.id, link, strip(e.get("summary")), strip(e.get("title")), "", datetime(*e.published_parsed[:6], tzinfo=UTC)))
        return FetchResult(out, {"seen": sorted(seen | {m.external_id for m in out})})
