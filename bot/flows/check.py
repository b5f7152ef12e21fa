"""`complaint-bot check`: is everything this bot needs in place? One line per check; every FAIL says why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.classifier.base import ModelError
from bot.config import load_config
from bot.db.session import display_url, schema_problem
from bot.flows.poll import enabled_sources, http_client
from bot.runtime import Runtime
from bot.settings import ConfigError, get_settings
from bot.slack.tokens import bot_identity, check_app_token, explain, unreachable
from message_blocks.text import plural


def run_checks(print_line: Callable[[str], None] = print) -> int:
    failures = 0

    def report(ok: bool, what: str, detail: str = "") -> None:
        nonlocal failures
        failures += not ok
        print_line(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail else ""))

    try:
        settings = get_settings()
        config = load_config(settings.complaint_bot_config)
    except ConfigError as exc:
        report(False, "configuration", str(exc))
        return 1
    report(True, "configuration", f"{settings.complaint_bot_config}, {plural(len(config.sources), 'source')}")
    problem = schema_problem(settings.database_url)
    report(problem is None, "database (DATABASE_URL)", problem or display_url(settings.database_url))
    rt = Runtime.build(settings, config)
    try:  # the team's model, when one is chosen (the shipped one needs no check)
        if rt.models is not None and rt.models.path is not None:
            report(True, "detector model", str(rt.models.path))
    except ModelError as exc:
        report(False, "detector model", str(exc))

    def slack_call(what: str, call: Callable[[], Any]) -> Any:
        """The call's answer; None (and a FAIL line saying why) if Slack refused or could not be reached."""
        try:
            return call()
        except SlackApiError as exc:
            report(False, what, explain(exc))
        except OSError as exc:  # unreachable: DNS, refused, timed out
            report(False, what, unreachable(settings.slack_api_url, exc))
        return None

    bot_token, app_token, channel = "Slack bot token (SLACK_BOT_TOKEN)", "Slack app token (SLACK_APP_TOKEN)", f"triage channel {config.slack.channel}"
    if settings.slack_bot_token is None:
        report(False, bot_token, "not set")
    elif (identity := slack_call(bot_token, lambda: bot_identity(rt.slack))) is not None:
        report(True, bot_token, identity)
        info = slack_call(channel, lambda: rt.slack.conversations_info(channel=config.slack.channel)["channel"])
        if info is not None:
            member = bool(info.get("is_member"))
            report(member, channel, "the bot is a member" if member else "the bot is not a member: type /invite @Complaint Bot in the channel")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        why = "not set; without SLACK_APP_TOKEN `run` serves HTTP, which needs it to verify Slack's requests"
        report(False, "Slack signing secret (SLACK_SIGNING_SECRET)", why)
    elif settings.slack_app_token is None:
        report(True, app_token, "not set, so `run` serves HTTP (SLACK_SIGNING_SECRET is set)")
    else:
        secret = settings.slack_app_token.get_secret_value()
        if slack_call(app_token, lambda: check_app_token(secret, settings.slack_api_url)):
            report(True, app_token, "Socket Mode can connect")

    for source in enabled_sources(rt, http_client()):
        try:
            report(True, f"source {source.name}", source.verify())
        except Exception as exc:
            report(False, f"source {source.name}", str(exc) or type(exc).__name__)
    return 1 if failures else 0

