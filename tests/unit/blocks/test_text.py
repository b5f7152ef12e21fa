"""Untrusted text cannot ping, link or overflow."""

from message_blocks.text import ELLIPSIS, escape_mrkdwn, link, mrkdwn, quote_block, safe_url


def test_broadcasts_and_mentions_are_neutralised() -> None:
    hostile = "hey <!channel> <!here|here> <@U0ADMIN01> <#C0SECRET1> @here @channel @everyone"
    escaped = escape_mrkdwn(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert "&lt;!channel&gt;" in escaped
    assert "&lt;@U0ADMIN01&gt;" in escaped
    for word in ("@here", "@channel", "@everyone"):
        assert word not in escaped
    assert "@\u2060here" in escaped


def test_disguised_links_cannot_be_formed() -> None:
    escaped = escape_mrkdwn("<https://evil.example/steal|https://acme.com/login>")
    assert escaped == "&lt;https://evil.example/steal|https://acme.com/login&gt;"


def test_link_escapes_label_and_refuses_other_schemes() -> None:
    assert link("https://acme.com/a", "Price <b>hike</b>") == "<https://acme.com/a|Price &lt;b&gt;hike&lt;/b&gt;>"
    assert link("javascript:alert(1)", "click") == "click"
    assert link("https://acme.com/x", "a|b") == "<https://acme.com/x|a¦b>"


def test_urls_cannot_break_out_of_angle_brackets() -> None:
    url = safe_url("https://acme.com/search?q=<script>|x")
    assert url is not None and "<" not in url and ">" not in url and "|" not in url


def test_invisible_and_control_characters_are_removed() -> None:
    assert escape_mrkdwn("pay\u202epal\u200b\x07ment\r\n") == "paypalment"


def test_truncation_respects_limit_and_does_not_split_entities() -> None:
    text = "a" * 10 + "<" * 50
    out = mrkdwn(text, 20)
    assert len(out) <= 20
    assert out.endswith(ELLIPSIS)
    body = out.removesuffix(ELLIPSIS)
    assert body.count("&") == body.count(";")


def test_quote_block_prefixes_every_line() -> None:
    assert quote_block("one\ntwo", 100) == "&gt; one\n&gt; two"
