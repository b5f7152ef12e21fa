"""The generated training rows: deterministic, every slot filled, both labels, and never the behavioural suite's wording
(the suite measures whether the lessons generalise, so the training must not have read its sentences)."""

from __future__ import annotations

import re

from bot.classifier import augment
from bot.classifier import behaviour_cases as suite

SUITE_TEMPLATES = (
    *suite.CLEAR_COMPLAINTS, *suite.CLEAR_NON_COMPLAINTS, *suite.NEGATED_POSITIVES, *suite.FACTUAL_COMPLAINTS,
    *suite.SARCASTIC_COMPLAINTS, *suite.LONG_POST_COMPLAINTS, *suite.NEUTRAL_PARAGRAPHS, *suite.BRAND_IN_PASSING,
    *suite.REFERRED_COMPLAINTS, *suite.OTHERS_TO_BLAME, *suite.SOMEONE_ELSES_FAULT,
)


def _runs(template: str, length: int = 6) -> set[tuple[str, ...]]:
    """Every run of `length` words, each slot read as one word whatever fills it."""
    words = ["{}" if w.startswith("{") else w for w in re.findall(r"\{\w+\}|[a-z']+", template.lower())]
    return {tuple(words[i:i + length]) for i in range(len(words) - length + 1)}


def test_the_rows_are_the_same_for_a_seed_and_every_slot_is_filled() -> None:
    texts, labels = augment.generated_rows(13)
    assert (texts, labels) == augment.generated_rows(13)
    assert not [t for t in texts if "{" in t]
    assert set(labels) == {0, 1} and len(texts) == len(labels) == len(set(texts))


def test_no_template_shares_six_words_in_a_row_with_the_behavioural_suite() -> None:
    suite_runs = set().union(*map(_runs, SUITE_TEMPLATES))
    copied = [t for t in (*augment.COMPLAINTS, *augment.NON_COMPLAINTS) if _runs(t) & suite_runs]
    assert not copied
