"""The one error path: our refusals are explained and not logged; anything else is logged under the reference the person is shown."""

from __future__ import annotations

import logging
import re

import pytest

from bot.runtime import Runtime
from bot.services import cases
from message_blocks.ids import Action
from tests.conftest import BotClient
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.test_core_loop import AGENT, CHANNEL, click, poll, the_case
from tests.slack_requests import block_action


def _told(slack: FakeSlack) -> str:
    return wait_for(lambda: [c.args["text"] for c in slack.calls_to("chat.postEphemeral") if c.args["user"] == AGENT])[0]


def test_an_unexpected_error_is_logged_under_the_reference_the_person_is_shown(
    runtime: Runtime, slack: FakeSlack, bot: BotClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll(runtime)
    case = the_case(runtime)

    def broken_claim(**_: object) -> None:
        int("not a number")  # a bug deep in a service: a ValueError we never meant to raise

    monkeypatch.setattr(cases, "claim", broken_claim)
    with caplog.at_level(logging.ERROR, logger="bot.flows.errors"):
        click(bot, AGENT, Action.CLAIM, case.id)
        told = _told(slack)

    reference = re.search(r"something went wrong on my side \(ref ([0-9a-f]{6})\)", told)
    assert reference is not None, told
    assert "did not make sense" not in told and "not a number" not in told
    (logged,) = [r for r in caplog.records if r.name == "bot.flows.errors"]
    assert f"(ref {reference.group(1)})" in logged.getMessage()
    assert f"action {Action.CLAIM.value} by {AGENT}" in logged.getMessage()
    assert logged.exc_info is not None and isinstance(logged.exc_info[1], ValueError)


def test_our_own_refusal_is_explained_and_not_logged(runtime: Runtime, slack: FakeSlack, bot: BotClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.flows.errors"):
        assert bot.interact(block_action(user_id=AGENT, action_id=Action.CLAIM.value, value='{"case_id": "one"}', channel_id=CHANNEL)).status_code == 200
        told = _told(slack)

    assert told.startswith("That request did not make sense to me: not a case reference")
    assert [r for r in caplog.records if r.name == "bot.flows.errors"] == []
