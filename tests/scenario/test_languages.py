"""Mentions in other languages through the real app: identified, stored with their language, routed unscored or set
aside as [classifier] other_languages says, named on the card, in the reply modal, in the stats and the digest."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from bot.classifier import Classification
from bot.db.models import MentionRecord
from bot.db.session import session_scope
from bot.runtime import Runtime
from message_blocks.ids import Action, View
from tests.conftest import TEST_CONFIG, BotClient, Clock
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.test_core_loop import AGENT, CHANNEL, click, opened_view
from tests.scenario.test_team import reply_to
from tests.scenario.test_webhook import send

JAPANESE = "Acmeの配達が三日も遅れています。サポートに電話しても誰も出ません。本当に最悪です。"
SPANISH = "Acme me cobró dos veces el pedido y nadie contesta mis correos. Quiero mi dinero ya, es una vergüenza."
ENGLISH = "Acme charged me twice for one order and support keeps closing my ticket. Terrible service, I want a refund."


def mention(number: int, text: str) -> dict[str, str]:
    return {"id": f"lang-{number}", "source": "brand24", "url": f"https://forum.example.com/t/{number}", "text": text, "author": f"user{number}"}


def ingested(runtime: Runtime) -> dict[str, tuple[str | None, bool, int | None]]:
    """Each stored mention's number (as `mention` gave it) -> (language, unscored, case id)."""
    with session_scope(runtime.sessions) as session:
        rows = session.execute(select(MentionRecord.url, MentionRecord.language, MentionRecord.unscored, MentionRecord.case_id))
        return {int(url.rsplit("/", 1)[1]): (language, unscored, case) for url, language, unscored, case in rows}


class Negative:
    """A detector that reads `supported_languages` and finds every mention negative: what happens to a mention depends
    here on its language alone, not on the scores of whichever model ships."""

    name = "negative"

    def __init__(self, languages: frozenset[str]) -> None:
        self.supported_languages = languages

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        return Classification(0.9, ("negative by design",))


def reads(runtime: Runtime, *languages: str) -> None:
    runtime.classifier = Negative(frozenset(languages))


def test_route_posts_an_unscored_card_that_names_the_language(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    reads(runtime, "en", "es")
    assert send(bot, clock, mention(1, JAPANESE)).json()["result"] == "new_case"
    assert send(bot, clock, mention(2, SPANISH)).json()["result"] == "new_case"
    assert send(bot, clock, mention(3, ENGLISH)).json()["result"] == "new_case"
    # Unjudgeable and not naming the brand: the webhook's sender matched it, but nobody judged this one: no card.
    assert send(bot, clock, mention(4, "配達が三日も遅れています。サポートに電話しても誰も出ません。")).json()["result"] == "set_aside"

    cards = wait_for(lambda: (found := slack.channel_messages(CHANNEL)) and len(found) == 3 and found)
    # Each webhook's card is delivered by its own drain: they may reach Slack in any order.
    by_mention = {number: next(card for card in cards if f"forum.example.com/t/{number}" in json.dumps(card["blocks"])) for number in (1, 2, 3)}
    japanese, spanish, english = (json.dumps(by_mention[number]["blocks"], ensure_ascii=False) for number in (1, 2, 3))
    assert "not scored: Japanese — please judge" in japanese and "negativity" not in japanese
    assert "not scored: Japanese" in by_mention[1]["text"]
    assert "Spanish" in spanish and "negativity" in spanish and "not scored" not in spanish
    assert "negativity" in english and "English" not in english
    stored = ingested(runtime)
    assert stored[1][:2] == ("ja", True) and stored[2][:2] == ("es", False) and stored[3][:2] == ("en", False)
    assert stored[4] == ("ja", True, None)

    click(bot, AGENT, Action.DRAFT, stored[2][2])
    modal = json.dumps(opened_view(slack, View.DRAFT), ensure_ascii=False)
    assert "This mention is in Spanish: reply in Spanish too." in modal

    clock.advance(minutes=1)
    stats = json.dumps(reply_to(bot, slack, "stats 7d")["blocks"], ensure_ascii=False)
    assert "*New by language:* English 1, Spanish 1, Japanese 1" in stats
    assert "*Set aside, not posted* (1 mention in languages the detector cannot judge): Japanese 1" in stats


@pytest.mark.parametrize("config_text", [TEST_CONFIG + '\n[classifier]\nother_languages = "skip"\n'])
def test_skip_stores_without_a_card_and_the_digest_counts_it(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    reads(runtime, "en")
    assert send(bot, clock, mention(1, JAPANESE)).json()["result"] == "set_aside"
    assert send(bot, clock, mention(2, ENGLISH)).json()["result"] == "new_case"
    assert len(wait_for(lambda: slack.channel_messages(CHANNEL))) == 1
    assert ingested(runtime)[1] == ("ja", True, None)

    clock.advance(hours=1)
    digest = json.dumps(reply_to(bot, slack, "digest")["blocks"], ensure_ascii=False)
    assert "*Set aside, not posted* (1 mention in languages the detector cannot judge): Japanese 1" in digest
    # One English case and nothing else in another language: no breakdown of the new cases to show.
    assert "New by language" not in digest
