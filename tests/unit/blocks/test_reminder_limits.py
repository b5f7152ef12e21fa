"""A grouped reminder of 20 long lines: Slack's 3,000-character section limit is kept by splitting between lines, never cutting one."""

from dataclasses import replace

from message_blocks.reminders import MAX_REMINDED, unclaimed_blocks, unsnoozed_blocks
from tests.unit.blocks.test_card import CASE, _valid

SECTION_TEXT_LIMIT = 3000  # Slack's, from ../shared/reference: written out here so raising the builders' constant fails this test


def _long_cases() -> list:
    return [
        replace(
            CASE,
            case_id=1000 + n,
            title=f"Case {n}: " + "the parcel never arrived and nobody answers " * 6,
            url=f"https://forum.example/t/{n}/" + "a-very-long-thread-slug-" * 15,
            channel_id="C0TRIAGE01",
            message_ts=f"1700000000.{n:06d}",
        )
        for n in range(MAX_REMINDED)
    ]


def test_twenty_long_lines_stay_within_the_section_limit_and_whole() -> None:
    cases = _long_cases()
    for blocks in (unclaimed_blocks(cases, 30), unsnoozed_blocks(cases)):
        texts = [block["text"]["text"] for block in blocks if block["type"] == "section"]
        assert sum(len(t) for t in texts) > 3 * SECTION_TEXT_LIMIT  # the input really needs several sections
        assert max(len(t) for t in texts) <= SECTION_TEXT_LIMIT
        shown = "\n".join(texts)
        for case in cases:  # every line whole: its case number and its card's link are both there
            assert f"*#{case.case_id}*" in shown and f"message_ts={case.message_ts}|Open the card>" in shown
        _valid(blocks)
