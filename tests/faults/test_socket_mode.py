"""`complaint-bot run` in Socket Mode, as a real process against a local Socket Mode server."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.db.models import Case, OutboxMessage
from bot.db.session import session_scope
from bot.runtime import Runtime
from message_blocks.ids import Action, case_value
from tests.fake_slack import FakeSlack
from tests.fake_socket_mode import FakeSocketMode
from tests.helpers import wait_for
from tests.processes import FEEDS, FeedServer, bot_env, cpu_seconds, free_port, start_bot, write_config
from tests.slack_requests import block_action

CHANNEL = "C0TRIAGE01"
AGENT = "U0AGENT001"


@dataclass
class RunningBot:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def health(self) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def socket_mode(slack: FakeSlack) -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    slack.socket_mode_url = server.url
    yield server
    server.stop()


@pytest.fixture
def bot_config(tmp_path: Path) -> Iterator[Path]:
    feed = FeedServer((FEEDS / "acme-alerts.xml").read_bytes())
    http = feed.start()
    yield write_config(tmp_path / "bot.toml", feed.url, extra_slack="socket_grace_seconds = 1")
    http.shutdown()


@pytest.fixture
def running(runtime: Runtime, slack: FakeSlack, socket_mode: FakeSocketMode, bot_config: Path, tmp_path: Path) -> Iterator[RunningBot]:
    port = free_port()
    env = bot_env(config=bot_config, database_url=runtime.settings.database_url, slack_url=slack.url)
    env.update(SLACK_APP_TOKEN="xapp-1-A0APP00001-test", PORT=str(port))
    log = tmp_path / "bot.log"
    bot = RunningBot(start_bot("run", env=env, log=log), port, log)
    try:
        wait_for(lambda: socket_mode.handshakes, timeout=30)
        wait_for(lambda: slack.channel_messages(CHANNEL), timeout=30)  # the first poll posted its card
        yield bot
    finally:
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait(timeout=10)


def click(socket_mode: FakeSocketMode, action: Action, case_id: int) -> str:
    envelope_id = str(uuid.uuid4())
    payload = block_action(user_id=AGENT, action_id=action.value, value=case_value(case_id))
    socket_mode.send({"envelope_id": envelope_id, "payload": payload, "type": "interactive", "accepts_response_payload": False})
    return envelope_id


def the_case(runtime: Runtime) -> Case:
    with session_scope(runtime.sessions) as session:
        return session.scalars(select(Case)).one()


def test_sigterm_stops_within_ten_seconds_after_finishing_acknowledged_work(
    runtime: Runtime, slack: FakeSlack, socket_mode: FakeSocketMode, running: RunningBot
) -> None:
    slack.delay("conversations.members", 3, after=False)  # the claim's work is still going when SIGTERM comes
    envelope = click(socket_mode, Action.CLAIM, the_case(runtime).id)
    wait_for(lambda: socket_mode.ack_for(envelope), timeout=10)
    running.process.send_signal(signal.SIGTERM)
    try:
        running.process.wait(timeout=10)  # `docker stop` sends SIGKILL after 10 s
    except subprocess.TimeoutExpired:
        pytest.fail("SIGTERM did not stop `run` in Socket Mode within 10 s\n" + running.output()[-3000:])
    assert running.process.returncode == 0, running.output()[-3000:]

    case = the_case(runtime)
    assert (case.status, case.assignee) == ("claimed", AGENT)
    with session_scope(runtime.sessions) as session:  # the card update and thread note: sent, or waiting for the next start
        assert sorted(session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind != "post_card"))) == ["thread_note", "update_card"]


@pytest.mark.parametrize("death", ["cut", "go_silent"])
def test_a_dead_connection_is_replaced_within_15_seconds_without_spinning(
    runtime: Runtime, socket_mode: FakeSocketMode, running: RunningBot, death: str
) -> None:
    time.sleep(1)  # start-up work (the first poll) is over
    cpu_before, started = cpu_seconds(running.process.pid), time.monotonic()
    getattr(socket_mode, death)()  # no close frame: the TCP connection drops, or the peer just goes quiet
    try:
        wait_for(lambda: socket_mode.handshakes >= 2, timeout=15)
    except AssertionError:
        pytest.fail(f"no new connection 15 s after the old one died ({death})\n" + running.output()[-3000:])
    busy = (cpu_seconds(running.process.pid) - cpu_before) / (time.monotonic() - started)
    assert busy < 0.25, f"the bot used {busy:.0%} of a core while its connection was dead"

    envelope = click(socket_mode, Action.CLAIM, the_case(runtime).id)
    wait_for(lambda: socket_mode.ack_for(envelope), timeout=10)
    wait_for(lambda: the_case(runtime).status == "claimed", timeout=10)


def test_healthz_reports_the_slack_connection(socket_mode: FakeSocketMode, running: RunningBot) -> None:
    wait_for(lambda: running.health().json().get("slack_connected"), timeout=10)
    assert running.health().status_code == 200

    socket_mode.refusing = True  # Slack cannot be reached: every reconnect fails
    socket_mode.cut()
    # Down longer than socket_grace_seconds (1 s here): unhealthy.
    unhealthy = wait_for(lambda: (r := running.health()).status_code == 503 and r, timeout=20)
    assert unhealthy.json()["ok"] is False and "Socket Mode" in unhealthy.json()["error"]

    socket_mode.refusing = False
    wait_for(lambda: running.health().status_code == 200, timeout=20)
    assert running.health().json() == {"ok": True, "slack_connected": True}
