"""The optional LLM writer ([playbook] writer = "llm"): the modal opens with the playbook's draft, the LLM's wording follows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from bot.runtime import Runtime
from tests.conftest import BotClient
from tests.fake_network import FakeNetwork
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.replies.conftest import case_from, draft_block, open_draft_modal, poll_all
from tests.unit.domain.test_llm_writer import WORDED, ChatCompletions


@pytest.fixture
def chat_server() -> Iterator[str]:
    ChatCompletions.behaviour, ChatCompletions.requests = "answer", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


@pytest.fixture
def llm_url(chat_server: str) -> str:
    return chat_server


@pytest.fixture
def playbook_extra() -> str:
    return 'writer = "llm"'


def test_the_llm_words_the_draft_after_the_modal_opened(runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork) -> None:
    poll_all(runtime)
    case = case_from(runtime, "mastodon")

    opened = open_draft_modal(bot, slack, case)
    assert "The writer is rewording this draft" in json.dumps(opened["blocks"])
    assert draft_block(opened)["element"]["initial_value"].startswith("@ines I'm sorry")

    updated = wait_for(lambda: slack.calls_to("views.update"))[0].args
    assert updated["hash"] == "h1"  # the hash views.open answered: a person's own change in between wins
    assert draft_block(updated["view"])["element"]["initial_value"] == WORDED
    assert draft_block(updated["view"])["block_id"].endswith("-worded")
    assert "Worded by the LLM" in json.dumps(updated["view"]["blocks"]) and "rewording" not in json.dumps(updated["view"]["blocks"])
    assert "Third week waiting" in ChatCompletions.requests[0]["body"]["messages"][0]["content"]


def test_a_person_who_changed_options_meanwhile_keeps_their_choice(
    runtime: Runtime, bot: BotClient, slack: FakeSlack, network: FakeNetwork, caplog: pytest.LogCaptureFixture
) -> None:
    poll_all(runtime)
    slack.fail("views.update", error="hash_conflict")

    open_draft_modal(bot, slack, case_from(runtime, "mastodon"))

    wait_for(lambda: slack.calls_to("views.update"))
    runtime.work.shutdown(wait=True)
    # Their redraft stands: the stale wording is dropped quietly, with no error for them or in the log.
    assert len(slack.calls_to("views.update")) == 1 and slack.calls_to("chat.postEphemeral") == []
    assert [r.message for r in caplog.records if r.name == "bot.flows.drafting"] == []
