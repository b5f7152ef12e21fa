"""Issue 21's rough edges, each now one clear line or simply working."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import build_parser, main
from bot.config import parse_config
from bot.db.session import connection_problem, display_url
from bot.domain.commands import HELP_LINES
from bot.runtime import Runtime
from bot.serve import Stopper
from bot.settings import ConfigError, get_settings
from bot.web import endpoints
from message_blocks.terminal import render
from tests.conftest import FIXTURES, TEST_CONFIG
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.processes import FeedServer, bot_env, free_port, write_config
from tests.scenario.test_admin import ROOT, admin, one_line_error  # noqa: F401 (admin is a fixture)

TRANSFORMERS_INSTALLED = any((Path(p) / "transformers").is_dir() for p in sys.path if p)


def test_brand_terms_may_come_before_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_parser().parse_args(["classify", "--brand", "Acme,acme.com", "--brand", "@acme", "my text"]).brand == ["Acme", "acme.com", "@acme"]
    assert main(["classify", "--brand", "Acme", "the Acme app lost all my files"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(": the Acme app lost all my files")


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`complaint-bot preview --sample | head`: the pipe is closed before the bot writes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "preview", "--sample"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert process.returncode == 1


@pytest.mark.skipif(TRANSFORMERS_INSTALLED, reason="transformers is installed here")
def test_the_transformers_backend_without_transformers_is_refused_at_check_start_and_classify(
    admin: Path, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    needs = "classifier.backend: the transformers backend needs the transformers package, which is not installed: pip install transformers torch"
    with pytest.raises(ConfigError, match=needs):
        parse_config(TEST_CONFIG + '\n[classifier]\nbackend = "transformers"\n', "bot.toml")
    config = admin / "complaint-bot.toml"
    config.write_text(config.read_text() + '\n[classifier]\nbackend = "transformers"\n')
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == [f"FAIL configuration: {config}: {needs}"]
    assert one_line_error(capsys, "run") == f"complaint-bot: {config}: {needs}"
    assert main(["classify", "--backend", "transformers", "text"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "complaint-bot classify: --backend transformers: the transformers backend needs the transformers package, which is not installed: "
        "pip install transformers torch"
    ]
    assert main(["eval", "--behaviour", "--backend", "transformers"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "complaint-bot eval: --backend transformers: the transformers backend needs the transformers package, which is not installed: "
        "pip install transformers torch"
    ]


def test_an_unmigrated_database_says_run_db_upgrade_and_check_creates_no_file(admin: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    database = admin / "bot.db"
    assert main(["check"]) == 1
    assert f"FAIL database (DATABASE_URL): sqlite:///{database} does not exist yet: run `complaint-bot db upgrade`" in capsys.readouterr().out
    assert not database.exists()
    database.touch()  # an empty file: what a connection leaves behind
    for command in (["digest", "--dry-run"], ["export-labels", "--out", str(admin / "labels.tsv")], ["poll", "--once", "--dry-run"]):
        assert one_line_error(capsys, *command) == (
            f"complaint-bot: DATABASE_URL: the database at sqlite:///{database} has no tables yet: "
            "run `complaint-bot db upgrade` (`run` applies migrations itself)"
        ), command


def test_db_upgrade_says_what_it_applied(admin: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert main(["db", "upgrade"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[0] == "applied 0001: initial schema" and first[-1] == f"sqlite:///{admin / 'bot.db'} is up to date"
    assert len(first) == 1 + len(list((ROOT / "alembic" / "versions").glob("0*.py")))
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"sqlite:///{admin / 'bot.db'} is up to date (nothing to apply)"]


def test_check_fails_when_http_mode_has_no_signing_secret(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    get_settings.cache_clear()
    assert main(["check"]) == 1
    assert (
        "FAIL Slack signing secret (SLACK_SIGNING_SECRET): not set; without SLACK_APP_TOKEN `run` serves HTTP, which needs it to verify Slack's requests"
        in capsys.readouterr().out.splitlines()
    )


def test_cli_output_shows_times_in_the_configured_zone(admin: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    config = admin / "complaint-bot.toml"
    config.write_text(config.read_text() + '\n[schedule]\ntimezone = "America/New_York"\n')
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["digest", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert " EST" in out and "UTC" not in out, out
    # 2026-11-21 09:12 UTC, as the terminal shows Slack's <!date> in New York and with no zone configured.
    date = [{"type": "context", "elements": [{"type": "mrkdwn", "text": "published <!date^1795252320^{date_short} {time}|2026-11-21 09:12 UTC>"}]}]
    assert "published 2026-11-21 04:12 EST" in render(date, zone=ZoneInfo("America/New_York"))
    assert "published 2026-11-21 09:12 UTC" in render(date)


@pytest.mark.parametrize("argv", [["-v", "check"], ["check", "-v"], ["db", "upgrade", "--verbose"], ["classify", "text", "-v"]])
def test_verbose_and_log_format_work_before_or_after_the_command(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.verbose is True and args.log_format == "text"
    assert build_parser().parse_args(["check"]).verbose is False
    assert build_parser().parse_args(["poll", "--once", "--log-format", "json"]).log_format == "json"


def test_json_logs_are_one_object_per_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "COMPLAINT_BOT_CONFIG": str(tmp_path / "missing.toml")}
    (tmp_path / ".env").write_text("SLACK_API_URL=http://127.0.0.1:9/api/\nnot a setting\n")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "check", "--log-format", "json"], cwd=tmp_path, env=env, capture_output=True, text=True)
    (line,) = [json.loads(line) for line in done.stderr.splitlines()]
    assert line["level"] == "WARNING" and line["message"] == f"{tmp_path / '.env'} line 2: not NAME=value, ignored"
    assert {"time", "logger"} <= line.keys()


def test_a_malformed_env_file_is_named_in_the_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SLACK_API_URL=http://127.0.0.1:9/api/\n\nexport = oops = no\nPORT=3001\n")
    get_settings.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert get_settings().port == 3001
    finally:
        get_settings.cache_clear()
    assert [r.getMessage() for r in caplog.records] == [f"{tmp_path / '.env'} line 3: not NAME=value, ignored"]


def test_the_start_up_line_lists_the_webhook_only_when_it_is_on(runtime: Runtime) -> None:
    assert endpoints(runtime, slack_over_http=True) == "POST /slack/events, POST /webhooks/mentions, GET /healthz, GET /metrics"
    off = Runtime.build(runtime.settings.model_copy(update={"complaint_bot_webhook_secret": None}), runtime.config)
    assert endpoints(off, slack_over_http=False) == "GET /healthz, GET /metrics"


def test_a_second_signal_while_stopping_only_says_so() -> None:
    closed: list[int] = []
    stop = Stopper(lambda: closed.append(1))
    stop(signal.SIGTERM, None)
    stop(signal.SIGTERM, None)
    assert closed == [1]


def test_the_health_check_follows_the_port_even_port_zero_and_two_sigterms_stop_cleanly(runtime: Runtime, slack: FakeSlack, tmp_path: Path) -> None:
    # A slow feed: the first poll is still running when the signals come, so the shutdown waits for it.
    feed = FeedServer((FIXTURES / "feeds" / "acme-alerts.xml").read_bytes(), delay_seconds=2)
    feed_server = feed.start()
    config = write_config(tmp_path / "bot.toml", feed.url)
    port_file = tmp_path / "port"
    env = {**bot_env(config=config, database_url=runtime.settings.database_url, slack_url=slack.url), "PORT": "0", "COMPLAINT_BOT_PORT_FILE": str(port_file)}
    health = [sys.executable, "-m", "bot.healthcheck"]
    assert subprocess.run(health, env={**env, "PORT": str(free_port())}, capture_output=True).returncode == 1  # nothing listens yet
    log = tmp_path / "bot.log"
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "listening on" in log.read_text(), timeout=30)
        port = int(port_file.read_text())
        assert f"listening on http://127.0.0.1:{port} (POST /slack/events, GET /healthz, GET /metrics)" in log.read_text()
        assert subprocess.run(health, env=env, capture_output=True).returncode == 0
        wait_for(lambda: feed.requests, timeout=30)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        feed_server.shutdown()
    output = log.read_text()
    assert "Traceback" not in output and "SchedulerNotRunningError" not in output, output


def test_the_manifest_matches_the_bot() -> None:
    manifest = (ROOT / "slack-manifest.yml").read_text()
    # Nothing answers a DM: people can read what the bot sent there, not write to it.
    assert re.search(r"^ +messages_tab_read_only_enabled: true$", manifest, re.MULTILINE)
    (hint,) = re.findall(r'^ +usage_hint: "([^"]*)"$', manifest, re.MULTILINE)
    for usage, _ in HELP_LINES:
        for alternative in usage.split(" / "):
            assert alternative in hint, alternative


def test_a_database_url_is_shown_one_way_with_the_password_hidden() -> None:
    for given in ("postgresql://bot:s3cret@db.example.com:5432/bot", "postgresql+psycopg://bot:s3cret@db.example.com:5432/bot"):
        assert display_url(given) == "postgresql://bot:***@db.example.com:5432/bot"
        assert connection_problem(given, OSError("refused")) == "cannot open postgresql://bot:***@db.example.com:5432/bot: refused"
