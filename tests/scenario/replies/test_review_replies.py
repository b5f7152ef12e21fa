"""Store and review-site replies end to end: a 1-star Google Play review and a 1-star Trustpilot review, drafted for their
medium in Slack and published once through the store's own reply API (local stand-ins, a locally made service-account key)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.runtime import Runtime
from message_blocks.ids import Action
from tests.conftest import BotClient
from tests.fake_network import Answer, FakeNetwork
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.replies.conftest import (
    AGENT,
    OTHER,
    buttons,
    case_from,
    click_publish,
    draft_block,
    open_draft_modal,
    poll_all,
    saved_draft_message,
)

RACHEL = "gp:AOqpTOFmAVORqfWGcaqfF39ftwFjGkjecjvCXnC-NS1dJ3MnW7CSmMmREIqGQb1kWnzTCo3GRE0LBo8ax7Ab4bvDHwCXmkE"
PLAY_REPLY = f"/androidpublisher/v3/applications/com.acme.shop/reviews/gp%3A{RACHEL[3:]}:reply"
TRUSTPILOT_REPLY = "/v1/private/reviews/6740a1b2c3d4e5f601234567/reply"

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

[[sources]]
kind = "googleplay"
name = "play"
package_name = "com.acme.shop"
base_url = "{url}"
allow_private_network = true
lookback_hours = 1000000

[[sources]]
kind = "trustpilot"
name = "trustpilot"
business_unit_id = "5f1e2d3c4b5a69788796a5b4"
reply_token_env = "TRUSTPILOT_REPLY_TOKEN"
business_user_id = "5e00000000000000000000aa"
max_pages = 1
base_url = "{url}"
allow_private_network = true
lookback_hours = 1000000
"""


@pytest.fixture
def config_text(network: FakeNetwork) -> str:
    return CONFIG.format(url=network.url)


@pytest.fixture(autouse=True)
def store_credentials(network: FakeNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from sources.google_api import TOKENS

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    key_file = tmp_path / "play-key.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "private_key": pem, "client_email": "complaints@acme-play.iam.gserviceaccount.com", "token_uri": f"{network.url}/token",
    }), encoding="utf-8")
    monkeypatch.setenv("GOOGLE_PLAY_CREDENTIALS_FILE", str(key_file))
    monkeypatch.setenv("TRUSTPILOT_API_KEY", "tp-key-1234")
    monkeypatch.setenv("TRUSTPILOT_REPLY_TOKEN", "tp-token-5678")
    TOKENS.clear()
    yield
    TOKENS.clear()


def test_a_play_review_gets_a_reply_within_350_characters_published_once(runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork) -> None:
    poll_all(runtime)
    case = case_from(runtime, "googleplay")
    assert case.mention.rating == 1 and "App 4.2.1 on Samsung Galaxy A5(2017), Android 14" in case.mention.text
    prefilled = draft_block(open_draft_modal(bot, slack, case))["element"]["initial_value"]
    assert 0 < len(prefilled) <= 350 and "device model" not in prefilled
    publish_button = buttons(saved_draft_message(bot, slack, case, prefilled))[Action.PUBLISH_REPLY]
    network.answer(PLAY_REPLY, Answer(delay=0.5))  # slow: the second click lands mid-publication
    start = threading.Barrier(2)

    def click(user: str) -> None:
        start.wait()
        click_publish(bot, user, publish_button)

    clickers = [threading.Thread(target=click, args=(user,)) for user in (AGENT, OTHER)]
    for thread in clickers:
        thread.start()
    for thread in clickers:
        thread.join()
    published = wait_for(lambda: (c := case_from(runtime, "googleplay")).reply_url and c)
    assert unquote(published.reply_url).endswith(f"reviewId={RACHEL}")
    [sent] = network.seen("POST", PLAY_REPLY)
    assert sent.json() == {"replyText": prefilled}
    assert len(network.seen("POST", "/token")) == 1, "the poll's token is reused for the reply"


def test_a_trustpilot_review_gets_a_signed_company_reply(runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork) -> None:
    poll_all(runtime)
    case = case_from(runtime, "trustpilot")
    assert case.mention.url == "https://www.trustpilot.com/reviews/6740a1b2c3d4e5f601234567" and case.mention.rating == 1
    prefilled = draft_block(open_draft_modal(bot, slack, case))["element"]["initial_value"]
    assert "Dana Reyes" in prefilled
    click_publish(bot, AGENT, buttons(saved_draft_message(bot, slack, case, prefilled))[Action.PUBLISH_REPLY])
    wait_for(lambda: case_from(runtime, "trustpilot").reply_url == "https://www.trustpilot.com/reviews/6740a1b2c3d4e5f601234567")
    [sent] = network.seen("POST", TRUSTPILOT_REPLY)
    assert sent.json() == {"authorBusinessUserId": "5e00000000000000000000aa", "message": prefilled}
    assert sent.headers["authorization"] == "Bearer tp-token-5678"
