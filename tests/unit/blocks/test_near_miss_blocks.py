"""The near misses posted after the digest: pure blocks, within Slack's limits, safe with hostile text."""

import json

from bot.domain.views import NearMiss
from message_blocks.ids import Action, parse_mention_value
from message_blocks.near_misses import EXCERPT_CHARS, near_miss_blocks, near_miss_text
from tests.unit.blocks.test_card import _valid

MISS = NearMiss(
    mention_id=41, source="acme-forum", score=0.4321, threshold=0.5, url="https://forum.example/t/41",
    title="Acme router again", excerpt="Oh great, the Acme router needs another reboot. My favourite hobby.",
)


def test_each_near_miss_shows_its_link_excerpt_score_and_a_report_button() -> None:
    blocks = near_miss_blocks([MISS])
    assert blocks[0]["text"]["text"].startswith("*Just under the line*")
    assert blocks[1] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "<https://forum.example/t/41|Acme router again>\n&gt; Oh great, the Acme router needs another reboot. My favourite hobby."},
        "accessory": {
            "type": "button", "text": {"type": "plain_text", "text": "Report as complaint"},
            "action_id": Action.REPORT_NEAR_MISS.value, "value": '{"mention_id": 41}',
        },
    }
    assert blocks[2]["elements"][0]["text"] == "acme-forum · scored 0.43, flagged from 0.5"
    assert parse_mention_value(blocks[1]["accessory"]["value"]) == 41
    assert near_miss_text([MISS, MISS]) == "2 mentions scored just under the line: report any the detector missed."
    _valid(blocks)


def test_hostile_and_long_text_is_escaped_and_cut_within_limits() -> None:
    hostile = NearMiss(
        mention_id=7, source="<!channel> feed", score=0.3, threshold=0.45, url="javascript:alert(1)",
        title="<@U0BOSS> <!here> click", excerpt="x" * 5000 + " <!channel>",
    )
    blocks = near_miss_blocks([hostile] * 10)
    shown = json.dumps(blocks)
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown and "javascript:" not in shown
    assert all(len(b["text"]["text"]) <= EXCERPT_CHARS + 200 for b in blocks[1::2])
    assert len(blocks) == 21
    _valid(blocks)
