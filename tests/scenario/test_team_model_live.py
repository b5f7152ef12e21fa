"""A running bot scores with the model `complaint-bot model use` chose, without a restart: a mention of the team's
domain that the shipped model lets through becomes a case once the team's model is in use, and stops again
after rolling back to the shipped model."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest

from bot.classifier.linear import LinearClassifier
from bot.classifier.models import read_model, use, use_shipped
from bot.classifier.teach import teach
from bot.classifier.tsv import write_labelled
from bot.runtime import Runtime
from tests.conftest import TEST_CONFIG, BotClient, Clock
from tests.helpers import wait_for
from tests.scenario.test_webhook import send
from tests.unit.classifier.bank_domain import HELD_OUT, TRAIN, mentions

ATTEMPTS = count()


@pytest.fixture
def config_text(tmp_path: Path) -> str:
    return TEST_CONFIG.replace("[playbook]", f'[classifier]\nmodels_dir = "{tmp_path / "models"}"\n\n[playbook]')


def result_for(bot: BotClient, clock: Clock, text: str) -> str:
    n = next(ATTEMPTS)
    payload = {"id": f"bank-{n}", "source": "brand24", "url": f"https://bank.example/{n}", "title": "", "text": text, "author": f"user{n}"}
    response = send(bot, clock, payload)
    assert response.status_code in (200, 202), response.text
    return str(response.json()["result"])


def test_model_use_reaches_a_running_bot_and_rolls_back(tmp_path: Path, runtime: Runtime, bot: BotClient, clock: Clock) -> None:
    write_labelled(mentions(TRAIN, 300, seed=21, brand="Acme"), tmp_path / "labels" / "train.tsv")
    model = teach(tmp_path / "labels", tmp_path / "trained" / "team.npz").path
    shipped, team = LinearClassifier(), read_model(model)[0]
    brand = ["Acme", "acme.com"]
    let_through = [
        t for t, label in mentions(HELD_OUT, 300, seed=22, brand="Acme")
        if label and shipped.classify(t, brand_terms=brand).score < 0.5 <= team.classify(t, brand_terms=brand).score
    ]
    # Two unlike mentions: once the first is a case, its near-duplicates join it whatever they score.
    first = let_through[0]
    second = next(t for t in let_through if len(set(t.split()) & set(first.split())) < len(set(first.split())) / 3)
    assert result_for(bot, clock, first) == "stored"

    use(tmp_path / "models", model)
    # The bot looks at the pointer at most every few seconds, and loads the new model beside the old one.
    wait_for(lambda: result_for(bot, clock, first) in ("new_case", "joined"), timeout=15)

    use_shipped(tmp_path / "models")
    # Mentions keep arriving (each batch looks up the model) until the bot says it scores with the shipped one again.
    wait_for(lambda: bool(result_for(bot, clock, "Acme opened a new office in Leeds")) and runtime.models.path is None, timeout=15)
    assert result_for(bot, clock, second) == "stored"
