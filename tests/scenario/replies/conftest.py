"""Replies end to end: mentions polled from local Mastodon, Bluesky and Reddit stand-ins, drafted and published from Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.db.models import Case, MentionRecord, ReplyDraft
from bot.db.session import session_scope
from bot.flows.poll import poll
from bot.runtime import Runtime
from message_blocks.ids import Action, Field, View, case_value
from tests import fake_network
from tests.conftest import BotClient
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.slack_requests import block_action, view_submission

CHANNEL = "C0TRIAGE01"
AGENT, OTHER = "U0AGENT001", "U0AGENT002"
MASTO_TOKEN = "masto-secret-123"

CONFIG = """
[brand]
terms = ["Acme", "acme.com"]

[slack]
channel = "C0TRIAGE01"
managers = ["U0MANAGER1"]
post_interval_seconds = 0

[playbook]
contact = "help@acme.example"
signer_name = "Dana Reyes"
signer_role = "Head of Customer Care"
{playbook_extra}

[classifier]
llm_base_url = "{llm_url}"
llm_timeout_seconds = 5

[[sources]]
kind = "mastodon"
name = "masto"
instance = "https://social.example"
hashtag = "acme"
access_token_env = "MASTO_TOKEN"
base_url = "{url}"
allow_private_network = true
lookback_hours = 1000000

[[sources]]
kind = "bluesky"
name = "bsky"
query = "acme"
handle = "acme-watch.bsky.social"
base_url = "{url}"
allow_private_network = true
lookback_hours = 1000000

[[sources]]
kind = "reddit"
name = "reddit"
query = "acme"
user_agent = "web:acme-complaints:1.0 (by /u/acme_support)"
client_id = "app-id"
username = "acme_support"
base_url = "{url}"
allow_private_network = true
lookback_hours = 1000000
"""


@pytest.fixture(scope="session")
def network_server() -> Iterator[fake_network.FakeNetwork]:
    network, server = fake_network.start()
    yield network
    server.shutdown()


@pytest.fixture
def network(network_server: fake_network.FakeNetwork) -> fake_network.FakeNetwork:
    network_server.reset()
    return network_server


@pytest.fixture
def playbook_extra() -> str:
    return ""


@pytest.fixture
def llm_url() -> str:
    return "http://127.0.0.1:9/v1"


@pytest.fixture
def config_text(network: fake_network.FakeNetwork, playbook_extra: str, llm_url: str) -> str:
    return CONFIG.format(url=network.url, playbook_extra=playbook_extra, llm_url=llm_url)


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from sources.bluesky_session import SESSIONS

    monkeypatch.setenv("MASTO_TOKEN", MASTO_TOKEN)
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "client-secret-1")
    monkeypatch.setenv("REDDIT_PASSWORD", "hunter2-password")
    SESSIONS.clear()
    yield
    SESSIONS.clear()


def poll_all(runtime: Runtime) -> None:
    poll(runtime)
    runtime.drainer.drain()


def case_from(runtime: Runtime, kind: str) -> Case:
    with session_scope(runtime.sessions) as session:
        return session.scalars(select(Case).join(MentionRecord, MentionRecord.case_id == Case.id).where(MentionRecord.source_kind == kind)).one()


def drafts_of(runtime: Runtime, case_id: int) -> list[ReplyDraft]:
    with session_scope(runtime.sessions) as session:
        return list(session.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)))


def open_draft_modal(bot: BotClient, slack: FakeSlack, case: Case, user: str = AGENT) -> dict:
    before = len(slack.calls_to("views.open"))
    bot.interact(block_action(user_id=user, action_id=Action.DRAFT.value, value=case_value(case.id), message_ts=case.message_ts or ""))
    return wait_for(lambda: slack.calls_to("views.open")[before:])[0].args["view"]


def draft_block(view: dict) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id", "").startswith(Field.DRAFT_TEXT.value))


def submit_draft(bot: BotClient, modal: dict, text: str, user: str = AGENT):  # type: ignore[no-untyped-def]
    values = {
        Field.DRAFT_TONE.value: {Field.DRAFT_TONE.value: {"type": "radio_buttons", "selected_option": {"value": "warm"}}},
        Field.DRAFT_OPTIONS.value: {Field.DRAFT_OPTIONS.value: {"type": "checkboxes", "selected_options": [{"value": "offline"}]}},
        draft_block(modal)["block_id"]: {Field.DRAFT_TEXT.value: {"type": "plain_text_input", "value": text}},
    }
    assert modal["callback_id"] == View.DRAFT
    return bot.interact(view_submission(user_id=user, view=modal, values=values))


def saved_draft_message(bot: BotClient, slack: FakeSlack, case: Case, text: str | None = None) -> dict:
    """Draft reply -> the modal -> Save (with `text` as edited, else as prefilled): the draft's message in the card's thread."""
    modal = open_draft_modal(bot, slack, case)
    before = len(slack.thread(CHANNEL, case.message_ts or ""))
    assert submit_draft(bot, modal, text or draft_block(modal)["element"]["initial_value"]).status_code == 200
    return wait_for(lambda: slack.thread(CHANNEL, case.message_ts or "")[before:])[0]


def buttons(message: dict) -> dict[str, dict]:
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    return {element["action_id"]: element for element in actions["elements"]}


def click_publish(bot: BotClient, user: str, button: dict, *, channel_id: str = CHANNEL, message_ts: str = "1700000000.000001", headers: dict | None = None):  # type: ignore[no-untyped-def]
    payload = block_action(user_id=user, action_id=Action.PUBLISH_REPLY.value, value=button["value"], channel_id=channel_id, message_ts=message_ts)
    from tests.slack_requests import interactive_body

    response = bot.post(interactive_body(payload), "application/x-www-form-urlencoded", headers=headers)
    assert response.status_code == 200
    return response
