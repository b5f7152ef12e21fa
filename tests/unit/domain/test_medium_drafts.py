"""Drafts shaped by the new media: a Play Store reply within 350 characters, an issue comment, a forum post, a review reply."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.drafts import DraftInput, builtin_draft, follow_up_draft
from bot.domain.drafts.compose import medium_of

PLAY = DraftInput(
    author="Rachel Greene",
    source_kind="googleplay",
    title="Crashes at checkout",
    text="Every time I tap Pay the app closes. Lost two orders this week, and support only sends the FAQ.\n\nApp 4.2.1 on Samsung Galaxy A5(2017), Android 14",
    topics=("product", "support"),
    rating=1,
    contact="help@acme.example",
    offer_gesture=True,
)


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_a_google_play_reply_fits_the_stores_350_characters(tone: str) -> None:
    draft = builtin_draft(replace(PLAY, tone=tone))
    assert 0 < len(draft.text) <= 350 and draft.limit == 350
    assert "Google Play counts this reply as" in " ".join(draft.checklist)
    assert len(follow_up_draft(PLAY, days=30).text) <= 350


def test_a_play_review_that_names_its_device_is_not_asked_for_it() -> None:
    assert "device" not in {a.detail for a in builtin_draft(PLAY).asked}


@pytest.mark.parametrize("kind", ["github", "discourse", "stackexchange"])
def test_developer_communities_get_a_plain_first_person_post(kind: str) -> None:
    draft = builtin_draft(DraftInput(author="tobias-k", source_kind=kind, text="acme login loops forever since 5.0", topics=("product",)))
    assert medium_of(kind) == "forum" and draft.text.startswith("Hi tobias-k, I work on the support team here.")
    assert "report back in this thread" in draft.text


def test_a_trustpilot_review_gets_a_signed_reply_that_invites_them_back() -> None:
    review = DraftInput(author="Margaret O.", source_kind="trustpilot", text="Charged twice for order AC-55123, no refund.", topics=("billing",),
                        rating=1, signer_name="Dana Reyes", signer_role="Head of Customer Care")
    draft = builtin_draft(review)
    assert medium_of("trustpilot") == "long" and draft.text.rstrip().endswith("Head of Customer Care")
