"""`complaint-bot`: run the bot, poll once, preview, check, migrate, evaluate."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from bot.settings import AppConfig, ConfigError, Settings, get_settings, load_config

log = logging.getLogger("complaint-bot")


def _load() -> tuple[Settings, AppConfig]:
    settings = get_settings()
    return settings, load_config(settings.complaint_bot_config)


def _runtime(require_token: bool = True):  # type: ignore[no-untyped-def]
    from bot.runtime import Runtime

    settings, config = _load()
    if require_token and settings.slack_bot_token is None:
        raise ConfigError("environment: SLACK_BOT_TOKEN is required to talk to Slack")
    return Runtime.build(settings, config)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade

    upgrade(get_settings().database_url)
    print("database is up to date")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    from sqlalchemy import inspect

    from bot.db.session import upgrade
    from bot.pipeline import Pipeline
    from message_blocks.card import case_card
    from message_blocks.terminal import render

    rt = _runtime(require_token=not args.dry_run)
    if not args.dry_run:
        upgrade(rt.settings.database_url)
    elif not inspect(rt.engine).has_table("source_states"):
        raise ConfigError(f"the database at {rt.engine.url.render_as_string(hide_password=True)} is empty: run `complaint-bot db upgrade` first")
    report = Pipeline(rt).poll(dry_run=args.dry_run)
    for source in report.sources:
        status = f"error: {source.error}" if source.error else (
            f"{source.fetched} fetched, {source.relevant} about the brand, {source.duplicates} seen before, "
            f"{source.negative} negative ({source.joined} joined an existing case)"
        )
        print(f"{source.name}: {status}")
    if args.dry_run:
        for view in report.previews:
            print(render(case_card(view)))
        print(f"{len(report.previews)} card(s) would be posted; nothing was written.")
        return 0
    drained = rt.drainer.drain()
    print(f"{report.new_cases} new case(s); {drained.sent} Slack message(s) sent, {drained.failed} failed (kept for retry)")
    return 1 if drained.failed else 0


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.preview import preview

    return preview(sample=args.sample)


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade
    from bot.reports import build_digest, post_digest
    from message_blocks.digest import digest_blocks
    from message_blocks.terminal import render

    rt = _runtime(require_token=not args.dry_run)
    if args.dry_run:
        print(render(digest_blocks(build_digest(rt, end=rt.clock()))))
        return 0
    upgrade(rt.settings.database_url)
    post_digest(rt, end=rt.clock())
    print("digest posted")
    return 0


def cmd_export_labels(args: argparse.Namespace) -> int:
    from bot.db.session import session_scope
    from bot.labels import labelled_cases, write_tsv

    rt = _runtime(require_token=False)
    with session_scope(rt.sessions) as session:
        rows = labelled_cases(session)
    write_tsv(rows, args.out)
    complaints = sum(label for _, label in rows)
    print(f"wrote {len(rows)} labelled mentions to {args.out} ({complaints} complaints, {len(rows) - complaints} false alarms)")
    print(f"re-train with them: complaint-bot train --add {args.out.parent}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.check import run_checks

    return run_checks()


def _serve_http(rt, host: str, port: int, with_scheduler: bool) -> int:  # type: ignore[no-untyped-def]
    from bot.app import build_app, listener_threads
    from bot.scheduler import start_scheduler
    from bot.web import WebApp, make_server, run_until_closed

    if rt.settings.slack_signing_secret is None:
        raise ConfigError("environment: SLACK_SIGNING_SECRET is required in HTTP mode")
    # Hand the GIL over more often than every 5 ms, so a request thread waiting to ack is not
    # stuck behind the work threads; interactive latency matters more here than raw throughput.
    sys.setswitchinterval(0.001)
    listeners = listener_threads()
    try:
        server = make_server(WebApp(rt, build_app(rt, executor=listeners)), host, port)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    scheduler = start_scheduler(rt) if with_scheduler else None

    def stop(signum: int, frame: object) -> None:
        log.info("signal %s: finishing in-flight work and stopping", signum)
        if scheduler is not None:
            threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}).start()
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on http://%s:%s (POST /slack/events, GET /healthz)", host, server.effective_port)
    run_until_closed(server)
    # Clicks already acknowledged finish their work; anything unsent stays in the outbox.
    listeners.shutdown(wait=True)
    rt.work.shutdown(wait=True)
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade

    rt = _runtime()
    upgrade(rt.settings.database_url)
    return _serve_http(rt, args.host, rt.settings.port if args.port is None else args.port, not args.no_scheduler)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.db.session import upgrade

    rt = _runtime()
    upgrade(rt.settings.database_url)
    if rt.settings.slack_app_token is None:
        return _serve_http(rt, "0.0.0.0", rt.settings.port, with_scheduler=True)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app
    from bot.scheduler import start_scheduler
    from bot.web import WebApp, make_server, run_until_closed

    # Slack talks over the socket; HTTP still serves /healthz and the mentions webhook.
    server = make_server(WebApp(rt, bolt=None), "0.0.0.0", rt.settings.port)
    threading.Thread(target=run_until_closed, args=(server,), daemon=True, name="http").start()
    scheduler = start_scheduler(rt)
    handler = SocketModeHandler(build_app(rt), rt.settings.slack_app_token.get_secret_value())
    signal.signal(signal.SIGTERM, lambda signum, frame: handler.close())
    log.info("Socket Mode; /healthz and /webhooks/mentions on port %s", server.effective_port)
    try:
        handler.start()
    finally:
        rt.work.shutdown(wait=True)
        scheduler.shutdown(wait=True)
        server.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    from bot.classifier import commands as classifier_commands

    parser = argparse.ArgumentParser(prog="complaint-bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)").set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="run the bot in HTTP mode")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 3000")
    serve.add_argument("--no-scheduler", action="store_true", help="serve requests only; another replica polls")
    serve.set_defaults(func=cmd_serve)

    poll = sub.add_parser("poll", help="poll every source once and post the cards")
    poll.add_argument("--once", action="store_true", required=True, help="poll once and exit (the only mode)")
    poll.add_argument("--dry-run", action="store_true", help="print the cards instead of posting; write nothing")
    poll.set_defaults(func=cmd_poll)

    preview = sub.add_parser("preview", help="poll and print cards in the terminal; no Slack needed")
    preview.add_argument("--sample", action="store_true", help="use the bundled sample feeds, fully offline")
    preview.set_defaults(func=cmd_preview)

    digest = sub.add_parser("digest", help="build the daily digest now and post it")
    digest.add_argument("--dry-run", action="store_true", help="print it instead; write nothing")
    digest.set_defaults(func=cmd_digest)

    export = sub.add_parser("export-labels", help="write resolved and not-a-complaint cases as a labelled TSV for training")
    export.add_argument("--out", type=Path, default=Path("labels/train.tsv"))
    export.set_defaults(func=cmd_export_labels)

    sub.add_parser("check", help="validate config, Slack access and source reachability").set_defaults(func=cmd_check)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations (alembic upgrade head)").set_defaults(func=cmd_db_upgrade)

    classifier_commands.register(sub)
    return parser


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO, query string included: source URLs can carry keys.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"complaint-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
