"""Languages in the digest, `/complaint stats`, the reply modal and the LLM writer's prompt."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.drafts import DraftInput, builtin_draft, llm_prompt
from bot.domain.views import DraftOptions, DraftShown, PeriodNumbers
from message_blocks.digest import language_lines, stats_blocks
from message_blocks.modals import draft_modal
from tests.unit.blocks.test_card import CASE

END = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PERIOD = PeriodNumbers(start=END - timedelta(days=1), end=END, new=6)


def test_volume_by_language_is_shown_when_some_of_it_is_not_english() -> None:
    assert language_lines(replace(PERIOD, languages=(("en", 5), (None, 1)))) == ""
    mixed = replace(PERIOD, languages=(("en", 3), ("es", 2), (None, 1)))
    assert language_lines(mixed) == "*New by language:* English 3, Spanish 2, undetermined 1"
    aside = replace(PERIOD, set_aside=(("ja", 2), ("ko", 1)))
    assert language_lines(aside) == "*Set aside, not posted* (3 mentions in languages the detector cannot judge): Japanese 2, Korean 1"
    assert "Japanese 2" in str(stats_blocks(7, aside, PERIOD))


def test_the_reply_modal_asks_for_a_reply_in_the_mentions_language() -> None:
    shown = DraftShown("Thank you for telling us…")
    spanish = str(draft_modal(replace(CASE, language="es"), shown, DraftOptions()))
    assert "This mention is in Spanish: reply in Spanish too." in spanish and "The draft below is in English" in spanish
    worded = str(draft_modal(replace(CASE, language="es"), replace(shown, written_by="the LLM"), DraftOptions()))
    assert "The draft below was written in Spanish" in worded
    assert "reply in" not in str(draft_modal(replace(CASE, language="en"), shown, DraftOptions()))


def test_the_llm_writer_is_asked_to_write_in_the_complaints_language() -> None:
    spanish = DraftInput(author="ana", source_kind="mastodon", text="Acme me cobró dos veces", language="Spanish")
    assert "write the whole reply in Spanish" in llm_prompt(spanish, builtin_draft(spanish))
    english = replace(spanish, language="")
    assert "Language:" not in llm_prompt(english, builtin_draft(english))
