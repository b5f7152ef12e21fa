"""The command line as a newcomer meets it: preview with no Slack, clear config errors, check."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import parse_config
from bot.settings import ConfigError, get_settings
from tests.conftest import TEST_CONFIG


def test_preview_with_the_bundled_sample_needs_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--sample"]) == 0
    out = capsys.readouterr().out
    assert "Acme charged me twice and support will not answer" in out
    assert "[ Claim ]  [ Draft reply ]  [ Escalate to manager ]  [ Mark resolved ]  [ ⋯ ]" in out
    assert "Road Runner" not in out and "Loving my new Acme blender" not in out
    # A mention in a language the shipped detector cannot judge is shown for a person to judge, with no score.
    assert "not scored: Japanese — please judge" in out
    assert "4 cards would be posted to C0SAMPLE00." in out


@pytest.mark.parametrize(
    "change, message",
    [
        (('channel = "C0TRIAGE01"', 'channel = "#complaints"'), "slack.channel: must be a channel ID like C0123456789 (not a #name)"),
        (('managers = ["U0MANAGER1"]', 'managers = ["bob"]'), "slack.managers: 'bob' is not a user ID like U0123456789"),
        (('terms = ["Acme", "acme.com"]', "terms = []"), "brand.terms: List should have at least 1 item after validation, not 0"),
        (('kind = "rss"', 'kind = "myspace"'), "sources[0].kind: unknown source kind 'myspace'"),
        (('url = "https://feeds.example.com/acme.xml"', 'url = "ftp://x"'), "sources[0].url: must be an http(s) URL"),
        (("[slack]", "[slack]\nchanel = 1"), "slack.chanel: Extra inputs are not permitted"),
        (("lookback_hours = 1000000", "threshold = 1.5"), "sources[0].threshold: Input should be less than or equal to 1"),
    ],
)
def test_bad_config_names_the_key(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(TEST_CONFIG.replace(*change), "complaint-bot.toml")
    assert str(raised.value).startswith(f"complaint-bot.toml: {message}")


def test_bad_config_stops_start_up_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(TEST_CONFIG.replace("[schedule]", "").replace("[brand]", '[schedule]\ntimezone = "Mars/Olympus"\n\n[brand]'))
    monkeypatch.setenv("COMPLAINT_BOT_CONFIG", str(config))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    get_settings.cache_clear()
    try:
        assert main(["poll", "--once"]) == 2
        err = capsys.readouterr().err.strip()
        assert err == f"complaint-bot: {config}: schedule.timezone: unknown time zone 'Mars/Olympus' (use an IANA name like Europe/London)"
        monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-token")
        get_settings.cache_clear()
        assert main(["poll", "--once"]) == 2
        assert capsys.readouterr().err.strip() == "complaint-bot: environment: SLACK_BOT_TOKEN: must be a bot token starting with xoxb-"
    finally:
        get_settings.cache_clear()


def test_the_example_config_in_the_readme_is_valid() -> None:
    from bot.config import load_config

    config = load_config(Path(__file__).parents[2] / "complaint-bot.example.toml")
    assert [s.kind for s in config.sources] == ["rss", "hackernews"]
    assert config.schedule.timezone == "Europe/London" and config.slack.managers == ["U0MANAGER1"]
