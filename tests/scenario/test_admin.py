"""The admin's first hour: start-up mistakes are one line naming the setting, commands say what they did."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import build_parser, configure_logging, main
from bot.db.session import display_url
from bot.settings import Settings, get_settings
from tests.conftest import POSTGRES_URL, TEST_CONFIG
from tests.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
# A closed port on loopback: the source fails at once, without the internet.
DEAD_FEED = "http://127.0.0.1:9/acme.xml"


@pytest.fixture
def admin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, slack: FakeSlack) -> Iterator[Path]:
    """A fresh install in tmp_path, configured through the environment as an admin would."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "COMPLAINT_BOT_", "DATABASE_URL", "PORT")):
            monkeypatch.delenv(name)
    config = tmp_path / "complaint-bot.toml"
    config.write_text(TEST_CONFIG.replace("https://feeds.example.com/acme.xml", DEAD_FEED))
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("COMPLAINT_BOT_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret")
    monkeypatch.setenv("SLACK_API_URL", slack.url)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Runs the command, which must fail with exactly one line on stderr (no traceback), and returns it."""
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("notaurl", "complaint-bot: environment: DATABASE_URL: not a database URL; use sqlite:///path/to/file.db or postgresql://"),
        ("mysql://bot:pw@db.example.com/bot", "complaint-bot: environment: DATABASE_URL: mysql:// is not supported; use sqlite:///"),
        ("sqlite:////nonexistent/folder/bot.db", "complaint-bot: DATABASE_URL: cannot open sqlite:////nonexistent/folder/bot.db: the folder /nonexistent/folder does not exist"),
        ("postgresql://bot:secret@127.0.0.1:9/bot", "complaint-bot: DATABASE_URL: cannot open postgresql://bot:***@127.0.0.1:9/bot: connection failed"),
    ],
)
def test_database_url_mistakes_are_one_line(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, expected: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    for command in (["poll", "--once"], ["db", "upgrade"]):
        get_settings.cache_clear()
        line = one_line_error(capsys, *command)
        assert line.startswith(expected) and "secret" not in line


def test_a_sqlite_file_under_a_file_is_one_line(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (admin / "not-a-folder").write_text("")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{admin}/not-a-folder/bot.db")
    assert one_line_error(capsys, "db", "upgrade").endswith(f"{admin}/not-a-folder is not a folder")


def test_a_sqlite_file_in_a_read_only_folder_is_one_line(admin: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="complaint-bot-ro-"))
    folder.chmod(0o555)
    command = [sys.executable, "-m", "bot.cli", "db", "upgrade"]
    if os.geteuid() == 0:  # root writes anywhere: drop the capability that lets it
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a folder read-only for this process")
        command = ["setpriv", "--bounding-set=-dac_override", *command]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bot.db", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, timeout=60)
    folder.chmod(0o755)
    folder.rmdir()
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"complaint-bot: DATABASE_URL: cannot open sqlite:///{folder}/bot.db: "
        f"the folder {folder} is not writable by this user (SQLite writes its journal beside the file)"
    )


def test_postgres_urls_from_heroku_style_hosts_work(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert Settings(database_url="postgres://bot:p%40ss@db.example.com:5432/bot", _env_file=None).database_url == "postgresql://bot:p%40ss@db.example.com:5432/bot"
    if not POSTGRES_URL:
        pytest.skip("set COMPLAINT_BOT_TEST_POSTGRES_URL to run against PostgreSQL")
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL.replace("postgresql://", "postgres://", 1))
    get_settings.cache_clear()
    assert main(["db", "upgrade"]) == 0
    # Shown one way, as SQLAlchemy's postgresql:// (the password, if any, hidden).
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"{display_url(POSTGRES_URL)} is up to date")


def test_a_config_path_that_is_a_folder_is_one_line(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (admin / "mounted.toml").mkdir()  # what `docker run -v missing.toml:/config/…` leaves behind
    monkeypatch.setenv("COMPLAINT_BOT_CONFIG", str(admin / "mounted.toml"))
    assert one_line_error(capsys, "run") == (
        f"complaint-bot: config file {admin}/mounted.toml is a folder, not a file (in Docker: the file to mount was missing on the host)"
    )


@pytest.mark.parametrize("variable, value", [("SLACK_BOT_TOKEN", "xoxb-…"), ("SLACK_APP_TOKEN", "xapp-…"), ("SLACK_SIGNING_SECRET", "séCret")])
def test_pasted_placeholders_and_non_ascii_secrets_are_refused(
    admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert one_line_error(capsys, "run") == (
        f"complaint-bot: environment: {variable}: contains spaces or non-ASCII characters "
        "(a placeholder like xoxb-… pasted from the docs?): paste the real value"
    )


@pytest.mark.parametrize("variable, method", [("SLACK_BOT_TOKEN", "auth.test"), ("SLACK_APP_TOKEN", "apps.connections.open")])
def test_a_token_slack_rejects_stops_start_up_with_one_line(admin: Path, slack: FakeSlack, variable: str, method: str) -> None:
    slack.fail(method, error="invalid_auth", times=100)
    # In a child process: were the check missing, the bot would start (and keep retrying Slack) instead of stopping.
    env = {**os.environ, "SLACK_APP_TOKEN": "xapp-1-test", "PORT": "0", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, cwd=admin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"`run` started with a {variable} Slack refuses: {process.communicate()[1][-500:]}")
    assert (process.returncode, err) == (2, f"complaint-bot: environment: {variable}: invalid_auth: Slack does not accept it: copy it again from the app's settings\n")
    assert not (admin / "bot.db").exists(), "nothing is started (not even migrations) with a token Slack refuses"


@pytest.mark.parametrize("command", [["poll", "--once"], ["digest"]])
def test_commands_that_post_check_the_token_first(admin: Path, capsys: pytest.CaptureFixture[str], slack: FakeSlack, command: list[str]) -> None:
    slack.fail("auth.test", error="token_revoked")
    assert one_line_error(capsys, *command) == "complaint-bot: environment: SLACK_BOT_TOKEN: token_revoked: it was revoked: reinstall the app and copy the new token"


def test_slack_out_of_reach_stops_run_but_not_a_poll(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    assert one_line_error(capsys, "run").startswith("complaint-bot: cannot reach Slack at http://127.0.0.1:9/api/: ")
    assert main(["poll", "--once"]) == 1  # the poll ran; its cards (none here) would wait in the outbox
    assert capsys.readouterr().out.startswith(f"acme-alerts: failed: could not fetch {DEAD_FEED}")


def test_port_zero_means_any_free_port(admin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "0")
    assert get_settings().port == 0


def test_check_says_why_each_failure_failed(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], slack: FakeSlack) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/folder/bot.db")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    slack.fail("auth.test", error="invalid_auth")
    slack.fail("apps.connections.open", error="token_revoked")
    assert main(["check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ok   configuration:")
    assert lines[1:] == [
        "FAIL database (DATABASE_URL): cannot open sqlite:////nonexistent/folder/bot.db: the folder /nonexistent/folder does not exist "
        "(create it, or point DATABASE_URL elsewhere)",
        "FAIL Slack bot token (SLACK_BOT_TOKEN): invalid_auth: Slack does not accept it: copy it again from the app's settings",
        "FAIL Slack app token (SLACK_APP_TOKEN): token_revoked: it was revoked: reinstall the app and copy the new token",
        f"FAIL source acme-alerts: could not fetch {DEAD_FEED}: ConnectError",
    ]
    assert [c.headers["authorization"] for c in slack.calls_to("apps.connections.open")] == ["Bearer xapp-1-test"]


def test_check_passes_the_app_token_that_slack_accepts(admin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    main(["check"])
    assert "ok   Slack app token (SLACK_APP_TOKEN): Socket Mode can connect" in capsys.readouterr().out.splitlines()


def test_poll_once_says_what_happened_to_each_source_and_fails_when_nothing_was_fetched(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["poll", "--once"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"acme-alerts: failed: could not fetch {DEAD_FEED}: ConnectError", "0 new cases; 0 Slack messages sent, 0 failed (kept for retry)"]
    assert err.strip() == "complaint-bot: nothing could be fetched from any source"
    assert main(["poll", "--once"]) == 1  # the second failure in a row backs off
    capsys.readouterr()
    assert main(["poll", "--once"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(rf"acme-alerts: skipped: backing off until (\d{{4}}-\d\d-\d\d )?\d\d:\d\d UTC after: could not fetch {re.escape(DEAD_FEED)}: ConnectError", first), first
    assert main(["poll", "--once", "--dry-run"]) == 1
    assert "SourceReport(" not in capsys.readouterr().out


def test_every_command_and_option_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    undocumented = []
    for group in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for name, command in group.choices.items():
            if not command.description:
                undocumented.append(name)
            undocumented += [f"{name} {a.option_strings or a.dest}" for a in command._actions if not a.help and a.dest != "db_command"]
    assert undocumented == []
    with pytest.raises(SystemExit):
        main(["--version"])
    assert re.fullmatch(r"complaint-bot \d+\.\d+\.\d+\n", capsys.readouterr().out)
    assert "--classifier" not in {o for a in parser._subparsers._group_actions[0].choices["eval"]._actions for o in a.option_strings}  # type: ignore[union-attr]


def test_logs_are_quiet_unless_verbose() -> None:
    chatty = [logging.getLogger(name) for name in ("apscheduler.executors.default", "apscheduler.scheduler", "slack_bolt.App")]
    root_level = logging.getLogger().level
    try:
        configure_logging(verbose=False)
        assert not any(logger.isEnabledFor(logging.INFO) for logger in chatty)
        assert logging.getLogger("bot.flows.poll").isEnabledFor(logging.INFO)  # the one line per poll
        configure_logging(verbose=True)
        assert all(logger.isEnabledFor(logging.INFO) for logger in chatty)
    finally:
        logging.getLogger().setLevel(root_level)
        for name in ("apscheduler", "slack_sdk", "slack_sdk.web", "slack_bolt", "waitress.queue", "httpx", "httpcore", "alembic"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_bolt_does_not_warn_about_the_token_on_every_start(runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    from bot.app import build_app

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")  # Bolt reads it itself, beside our client
    with caplog.at_level(logging.INFO):
        build_app(runtime)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_scheduled_poll_logs_one_line_with_its_counts(runtime, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from bot.flows.poll import enabled_sources, poll_and_post
    from tests.conftest import FIXTURES, feed_transport

    http = httpx.Client(transport=feed_transport({"https://feeds.example.com/acme.xml": FIXTURES / "feeds" / "acme-alerts.xml"}))
    with caplog.at_level(logging.INFO):
        poll_and_post(runtime, enabled_sources(runtime, http))
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert ours == ["poll: 1 of 1 source read, 3 items, 2 about the brand, 1 new case"]
