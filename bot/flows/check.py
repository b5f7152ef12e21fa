"""`complaint-bot check`: is everything this bot needs in place? One line per check."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.db.session import database_answers
from bot.flows.poll import enabled_sources, http_client
from bot.runtime import Runtime
from bot.settings import ConfigError, get_settings, load_config


def _slack_error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "unknown error")) if exc.response is not None else str(exc)


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
    report(True, "configuration", f"{settings.complaint_bot_config}, {len(config.sources)} source(s)")
    rt = Runtime.build(settings, config)
    report(database_answers(rt.engine), "database", rt.engine.url.render_as_string(hide_password=True))

    if settings.slack_bot_token is None:
        report(False, "Slack", "SLACK_BOT_TOKEN is not set")
    else:
        try:
            auth = rt.slack.auth_test()
            report(True, "Slack token", f"bot {auth.get('user')} in {auth.get('team')}")
            channel = rt.slack.conversations_info(channel=config.slack.channel)["channel"]
            member = channel.get("is_member", False)
            report(member, f"triage channel {config.slack.channel}", "bot is a member" if member else "invite the bot to the channel")
        except SlackApiError as exc:
            report(False, "Slack", _slack_error(exc))
        except OSError as exc:  # unreachable: DNS, refused, timed out
            report(False, "Slack", f"cannot reach {settings.slack_api_url}: {getattr(exc, 'reason', exc)}")

    for source in enabled_sources(rt, http_client()):
        try:
            result = source.fetch(None)
            report(True, f"source {source.name}", f"{len(result.mentions)} recent item(s)")
        except Exception as exc:
            report(False, f"source {source.name}", str(exc))
    return 1 if failures else 0
