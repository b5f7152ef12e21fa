"""`complaint-bot`: run the bot, poll once, preview, check, migrate, evaluate."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.classifier.base import ModelError
from bot.cli_options import add_common_options, options_after_the_command
from bot.config import AppConfig, load_config
from bot.db.session import display_url
from bot.logs import configure_logging
from bot.settings import ConfigError, Settings, get_settings
from message_blocks.text import plural

if TYPE_CHECKING:  # imported where used: most commands never build a runtime
    from bot.classifier.models import ModelLocations
    from bot.runtime import Runtime

log = logging.getLogger("complaint-bot")


def _load() -> tuple[Settings, AppConfig]:
    settings = get_settings()
    return settings, load_config(settings.complaint_bot_config)


def _runtime(require_token: bool = True) -> Runtime:
    from bot.runtime import Runtime

    settings, config = _load()
    if require_token and settings.slack_bot_token is None:
        raise ConfigError("environment: SLACK_BOT_TOKEN is required to talk to Slack")
    return Runtime.build(settings, config)


def _slack_accepts(rt: Runtime, *, app_token: str | None = None, must_reach: bool = True) -> None:
    """Before anything is posted: a token Slack refuses is one line naming it, not a failure deep in a send.

    `must_reach=False`: Slack being down does not stop the command; what it posts waits in the outbox.
    """
    from bot.slack.tokens import refusal, unreachable

    try:
        problem = refusal(rt.slack, app_token)
    except OSError as exc:
        if must_reach:
            raise ConfigError(unreachable(rt.settings.slack_api_url, exc)) from None
        log.warning("%s; messages wait in the outbox", unreachable(rt.settings.slack_api_url, exc))
        return
    if problem:
        raise ConfigError(problem)


def _require_schema(url: str) -> None:
    """Commands that only read: an unmigrated database is one line saying what to run (they never create the schema)."""
    from bot.db.session import schema_problem

    problem = schema_problem(url)
    if problem is not None:
        raise ConfigError(f"DATABASE_URL: {problem}")


def _model_locations() -> ModelLocations:
    from bot.runtime import model_locations

    return model_locations(*_load())


def _load_model(rt: Runtime) -> None:
    """The team's model, loaded now: one that does not read stops the command, in one line naming the file."""
    if rt.models is not None:
        log.info("scoring with %s", rt.models.path or "the shipped model")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade

    url = get_settings().database_url
    applied = upgrade(url)
    for migration in applied:
        print(f"applied {migration}")
    print(f"{display_url(url)} is up to date" + ("" if applied else " (nothing to apply)"))
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade
    from bot.flows.poll import poll
    from message_blocks.card import case_card
    from message_blocks.terminal import render

    rt = _runtime(require_token=not args.dry_run)
    if not args.dry_run:
        _slack_accepts(rt, must_reach=False)
        upgrade(rt.settings.database_url)
    else:
        _require_schema(rt.settings.database_url)
    _load_model(rt)  # after the quick checks, as in _ready_to_serve: a refused token or no schema is said at once
    gc.freeze()  # what is loaded by now lives until the command exits: a burst's full collections need not walk it
    report = poll(rt, dry_run=args.dry_run)
    for source in report.sources:
        print(f"{source.name}: {source.describe()}")
    if not report.sources:
        print("no source is enabled: add [[sources]] tables to the config")
    if args.dry_run:
        for view in report.previews:
            print(render(case_card(view), zone=rt.config.schedule.zone))
        print(f"{plural(len(report.previews), 'card')} would be posted; nothing was written.")
    else:
        drained = rt.drainer.drain()
        print(f"{plural(report.new_cases, 'new case')}; {plural(drained.sent, 'Slack message')} sent, {drained.failed} failed (kept for retry)")
        if drained.failed:
            return 1
    if not report.fetched_anything:
        print("complaint-bot: nothing could be fetched from any source", file=sys.stderr)
        return 1
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.flows.preview import preview

    return preview(sample=args.sample)


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade
    from bot.flows.reports import digest_already_posted, digest_preview, post_digest
    from message_blocks.terminal import render

    rt = _runtime(require_token=not args.dry_run)
    if args.dry_run:
        _require_schema(rt.settings.database_url)
        print(render(digest_preview(rt), zone=rt.config.schedule.zone))
        return 0
    _slack_accepts(rt, must_reach=False)
    upgrade(rt.settings.database_url)
    end = rt.clock()
    earlier = digest_already_posted(rt, end=end)
    if earlier is not None and not args.force:
        local = earlier.astimezone(rt.config.schedule.zone)
        print(
            f"complaint-bot: the digest for the 24 h up to {local:%Y-%m-%d %H:%M %Z} is already in the channel and overlaps this one; "
            "nothing was posted (add --force to post another)",
            file=sys.stderr,
        )
        return 1
    post_digest(rt, end=end)
    print("digest posted")
    return 0


def cmd_export_labels(args: argparse.Namespace) -> int:
    from bot.flows.labels import export

    rt = _runtime(require_token=False)
    _require_schema(rt.settings.database_url)
    rows = export(rt, args.out)
    complaints = sum(label for _, label in rows)
    print(f"wrote {plural(len(rows), 'labelled mention')} to {args.out} ({plural(complaints, 'complaint')}, {plural(len(rows) - complaints, 'false alarm')})")
    # train --add reads FOLDER/train.tsv, or the file itself when it has another name.
    print(f"teach the detector with them: complaint-bot train --add {args.out.parent if args.out.name == 'train.tsv' else args.out}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.flows.check import run_checks

    return run_checks()


def _ready_to_serve(*, socket_mode: bool) -> Runtime:
    """Runtime for a long-running bot: Slack accepts the tokens and the database is migrated, or one line says what is wrong."""
    from bot.db.session import upgrade

    rt = _runtime()
    _slack_accepts(rt, app_token=rt.settings.slack_app_token.get_secret_value() if socket_mode and rt.settings.slack_app_token else None)
    upgrade(rt.settings.database_url)
    _load_model(rt)
    return rt


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.serve import serve_http

    rt = _ready_to_serve(socket_mode=False)
    return serve_http(rt, args.host, rt.settings.port if args.port is None else args.port, with_scheduler=not args.no_scheduler)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.serve import run_socket_mode, serve_http

    rt = _ready_to_serve(socket_mode=get_settings().slack_app_token is not None)
    if rt.settings.slack_app_token is None:
        return serve_http(rt, "0.0.0.0", rt.settings.port, with_scheduler=True)
    return run_socket_mode(rt, rt.settings.slack_app_token.get_secret_value())


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, func: Callable[[argparse.Namespace], int], details: str = ""
) -> argparse.ArgumentParser:
    """A subcommand whose `--help` says what it does, not only its usage line."""
    parser = sub.add_parser(name, help=summary, description=f"{summary[0].upper()}{summary[1:]}." + (f" {details}" if details else ""))
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    from bot.classifier import commands as classifier_commands

    parser = argparse.ArgumentParser(
        prog="complaint-bot",
        description=__doc__,
        epilog="Start with `complaint-bot preview --sample` (no Slack needed), then `complaint-bot check`. `complaint-bot COMMAND --help` says more.",
    )
    add_common_options(parser, top=True)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('complaint-bot')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _command(
        sub, "run", "run the bot: Socket Mode if SLACK_APP_TOKEN is set, else HTTP", cmd_run,
        "Checks that Slack accepts the tokens, applies database migrations, then polls the sources on schedule, posts cards, "
        "sends reminders and the daily digest. HTTP mode listens on $PORT (default 3000) and needs SLACK_SIGNING_SECRET; "
        "Socket Mode also serves /healthz and the mentions webhook on $PORT. Stops cleanly on SIGTERM.",
    )

    serve = _command(sub, "serve", "run the bot in HTTP mode (POST /slack/events, POST /webhooks/mentions, GET /healthz)", cmd_serve)
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: 0.0.0.0, every interface)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on; 0 picks a free one (default: $PORT or 3000)")
    serve.add_argument("--no-scheduler", action="store_true", help="serve requests only; another replica polls")

    poll = _command(
        sub, "poll", "poll every source once and post the cards", cmd_poll,
        "Exits 1 when no source could be fetched or a Slack message could not be sent.",
    )
    poll.add_argument("--once", action="store_true", required=True, help="poll once and exit (required; `run` polls on schedule)")
    poll.add_argument("--dry-run", action="store_true", help="print the cards instead of posting; write nothing")

    preview = _command(sub, "preview", "poll and print cards in the terminal; no Slack needed, nothing stored", cmd_preview)
    preview.add_argument("--sample", action="store_true", help="use the bundled sample feed and config, fully offline")

    digest = _command(sub, "digest", "build the daily digest now and post it", cmd_digest)
    digest.add_argument("--dry-run", action="store_true", help="print it instead; write nothing")
    digest.add_argument("--force", action="store_true", help="post even if a digest for an overlapping 24 h is already in the channel")

    export = _command(sub, "export-labels", "write resolved and not-a-complaint cases as a labelled TSV for training", cmd_export_labels)
    export.add_argument("--out", type=Path, default=Path("labels/train.tsv"), help="where to write the TSV (default: labels/train.tsv)")

    _command(sub, "check", "validate the config, database, Slack tokens, channel access and each source", cmd_check,
             "Prints one line per check; every FAIL says why. Exits 1 if anything failed.")

    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    _command(db_sub, "upgrade", "apply migrations (alembic upgrade head)", cmd_db_upgrade)

    classifier_commands.register(sub, _model_locations)
    options_after_the_command(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, json_lines=args.log_format == "json")
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # here, where a closed pipe can still be caught, not at interpreter exit
        return code
    except BrokenPipeError:
        # `complaint-bot preview | head`: the reader has gone. Stop quietly, as other command-line tools do; point
        # stdout at /dev/null so the interpreter's last flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ConfigError, ModelError) as exc:
        print(f"complaint-bot: {exc}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:  # cannot be opened (unreachable, wrong password…) or not migrated
        from bot.db.session import connection_problem, schema_problem

        url = get_settings().database_url
        print(f"complaint-bot: DATABASE_URL: {schema_problem(url) or connection_problem(url, exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
