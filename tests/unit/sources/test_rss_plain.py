"""Plain RSS 2.0 read without feedparser gives the very mentions feedparser's entries give; any other shape is left to it."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import feedparser
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.ingest import feed_xml
from sources import Mention
from sources.rss import RssConfig, RssSource
from sources.rss_plain import plain_rss_entries
from tests.unit.sources.conftest import FIXTURES

SOURCE = RssSource(RssConfig.model_validate({"kind": "rss", "name": "blog", "url": "https://feeds.example.com/a.xml"}), httpx.Client())
DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'


def read(entries: list) -> list[Mention | None]:
    return [SOURCE._mention(entry) for entry in entries]


def assert_read_alike(body: bytes, *, plain_shape: bool = True) -> list[Mention | None]:
    """When the plain reader reads `body` (it must, if `plain_shape`), its mentions are feedparser's."""
    plain = plain_rss_entries(body)
    if plain is None:
        assert not plain_shape, "expected the plain shape"
        return []
    by_feedparser = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False).entries
    assert read(plain) == read(by_feedparser)
    return read(plain)


def rss(items: str, namespaces: str = DC) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {namespaces}><channel><title>t</title>{items}</channel></rss>'.encode()


def test_a_blog_feed_and_the_benchmark_burst_are_read_alike() -> None:
    blog = assert_read_alike((FIXTURES / "sources" / "blog-rss.xml").read_bytes())
    assert len(blog) == 2 and blog[0] is not None and blog[0].author == "Priya Natarajan"
    burst = assert_read_alike(feed_xml(3, ["Acme lost my parcel 😡 <b>again</b> & again", "", "a]] > b"]))
    assert [m.text if m else None for m in burst] == ["Acme lost my parcel 😡 again & again", "", "a]] > b"]
    european = assert_read_alike(rss("<item><link>https://e.com/1</link><title>Très déçu, ñandú, Straße</title><description>à Ã©</description></item>"))
    assert european[0] is not None and european[0].title == "Très déçu, ñandú, Straße"
    # UTF-8 once read as Latin-1 ("cafÃ©") is read again, as feedparser does.
    repaired = assert_read_alike(rss("<item><link>https://e.com/2</link><title>cafÃ©</title></item>"))
    assert repaired[0] is not None and repaired[0].title == "café"


@pytest.mark.parametrize(
    "body",
    [
        (FIXTURES / "feeds" / "acme-alerts.xml").read_bytes(),  # Atom
        (FIXTURES / "sources" / "billion-laughs.xml").read_bytes(),
        (FIXTURES / "sources" / "truncated.xml").read_bytes(),
        rss("<item><link>https://e.com/1</link><author>jo@e.com (Jo)</author></item>"),  # feedparser reworks an e-mail author
        rss("<item><guid>https://e.com/1</guid><title>no link: the guid stands in</title></item>"),
        rss("<item><link>/relative</link></item>"),
        rss("<item><link>https://e.com/1?a=1&amp;amp;b=2</link></item>"),
        rss("<item><link>https://e.com/1</link><guid>https:///e.com/1</guid></item>"),
        rss("<item><link>https://e.com/1</link><title>a \u0080 b</title></item>"),
        rss("<item><link>https://e.com/1</link><dc:creator>jo@example.com (Jo)</dc:creator></item>"),
        rss('<item xml:base="https://e.com/"><link>https://e.com/1</link></item>'),
        rss("<item><link>https://e.com/1</link><title>one</title><title>two</title></item>"),
        rss("<item><link>https://e.com/1</link><description>a <!-- split --> b</description></item>"),
        rss('<item><link>https://e.com/1</link><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">x</content:encoded></item>'),
        rss("<item><link>https://e.com/1</link><enclosure url='https://e.com/a.mp3' type='audio/mpeg'/></item>"),
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><item><link>https://e.com/1</link></item></channel></rss>'.encode("latin-1"),
        b'<rss version="0.91"><channel><item><link>https://e.com/1</link></item></channel></rss>',
        b"<html><body>not a feed</body></html>",
    ],
)
def test_every_other_shape_is_left_to_feedparser(body: bytes) -> None:
    assert plain_rss_entries(body) is None


xml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t <>&'\"#;/@()Ã©é\xa0\x85\u2028"), max_size=40)
DATES = ["Fri, 20 Nov 2026 08:00:00 GMT", "Fri, 20 Nov 2026 08:00:00 +0130", "20 Nov 2026 08:00 EST", "2026-11-20T08:00:00Z", "Friday", ""]


@st.composite
def items(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 10**6))
    query = draw(st.sampled_from(["", "?a=1&amp;b=2", "?q=caf%C3%A9", "/ü?x=&amp;amp;", "#top"]))
    parts = [f"<link>{draw(st.sampled_from(['', ' ', chr(10)]))}https://e.com/{n}{query}</link>"]
    if draw(st.booleans()):
        attribute = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts.append(f"<guid{attribute}>{escape(draw(xml_text))}</guid>")
    if draw(st.booleans()):
        parts.append(f"<title>{escape(draw(xml_text))}</title>")
    if draw(st.booleans()):
        text = draw(xml_text)
        parts.append(f"<description><![CDATA[{text}]]></description>" if "]]>" not in text and draw(st.booleans()) else f"<description>{escape(text)}</description>")
    if draw(st.booleans()):
        parts.append(f"<dc:creator>{escape(draw(xml_text))}</dc:creator>")
    if draw(st.booleans()):
        parts.append(f"<pubDate>{draw(st.sampled_from(DATES))}</pubDate>")
    if draw(st.booleans()):
        parts.append(f"<category domain={quoteattr(draw(xml_text))}>{escape(draw(xml_text))}</category>")
    return "<item>" + "".join(draw(st.permutations(parts))) + "</item>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items(), max_size=4))
def test_generated_plain_items_are_read_as_feedparser_reads_them(generated: list[str]) -> None:
    # Text feedparser would rework (an e-mail in the author, entities left in a link, ...) is left to it.
    assert_read_alike(rss("".join(generated)), plain_shape=False)
