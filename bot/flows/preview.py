"""`complaint-bot preview`: poll, classify and print cards in the terminal. No Slack, nothing stored."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from bot.config import load_config
from bot.db.session import upgrade
from bot.flows.poll import poll
from bot.runtime import Runtime
from bot.settings import Settings, get_settings
from message_blocks.card import case_card
from message_blocks.terminal import render
from message_blocks.text import plural

SAMPLES = Path(__file__).parents[1] / "samples"
SAMPLE_FEEDS = {"https://reviews.example.com/acme/feed.xml": SAMPLES / "acme-reviews.xml"}


def _sample_transport(request: httpx.Request) -> httpx.Response:
    path = SAMPLE_FEEDS.get(str(request.url))
    if path is None:
        return httpx.Response(404, text="not a bundled sample")
    return httpx.Response(200, content=path.read_bytes(), headers={"Content-Type": "application/rss+xml"})


def preview(*, sample: bool) -> int:
    # A throwaway database: a preview stores nothing and always sees the first-run look-back window.
    scratch = f"sqlite:///{Path(tempfile.mkdtemp(prefix='complaint-bot-preview-')) / 'preview.db'}"
    upgrade(scratch)
    if sample:
        settings = Settings(database_url=scratch, slack_bot_token=None, _env_file=None)
        config = load_config(SAMPLES / "complaint-bot.toml")
        http = httpx.Client(transport=httpx.MockTransport(_sample_transport))
    else:
        settings = get_settings().model_copy(update={"database_url": scratch})
        config = load_config(settings.complaint_bot_config)
        http = None
    rt = Runtime.build(settings, config)
    report = poll(rt, http=http, dry_run=True)
    for view in report.previews:
        print(render(case_card(view), zone=config.schedule.zone))
    for source in report.sources:
        print(f"{source.name}: {source.describe()}")
    print(f"{plural(len(report.previews), 'card')} would be posted to {config.slack.channel}.")
    return 0
