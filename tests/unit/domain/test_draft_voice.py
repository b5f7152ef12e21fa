"""Drafts speak as the brand and answer this complaint, not any complaint. Pure tests, texts of our own."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.domain.drafts import DraftInput, builtin_draft

BRAND = ("Acme",)


def draft(text: str, topics: tuple[str, ...] = (), *, kind: str = "rss", tone: str = "warm", author: str = "Mara") -> str:
    return builtin_draft(DraftInput(author=author, source_kind=kind, text=text, topics=topics, brand=BRAND, tone=tone)).text


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


# --- the brand is "we" -----------------------------------------------------------------------------------------


def test_the_brands_support_is_our_support() -> None:
    text = draft("Acme lost my order twice and their support never answered any of my three emails", ("delivery", "support"))
    assert "we lost your order twice and our support never answered any of your three emails" in text


@pytest.mark.parametrize(
    "complaint",
    [
        "Acme lost my order twice and their support never answered any of my three emails",
        "Ordered from Acme last month. They lost my parcel and their tracking page is useless.",
        "Acme support ignored my three emails about the refund they promised",
        "The Acme app crashes every time I open the settings page",
        "This company charged me twice and they refused to give it back",
        "I emailed Acme three times and they never replied to me",
        "Acme's website has been down all morning and their status page says nothing",
    ],
)
@pytest.mark.parametrize("kind", ["rss", "mastodon", "reddit"])
def test_nothing_said_of_the_brand_comes_back_in_the_third_person(complaint: str, kind: str) -> None:
    text = draft(complaint, kind=kind)
    assert not {"acme", "acme's", "they", "their", "them", "theirs", "they're", "company"} & words(text), text


def test_they_who_are_people_stay_they() -> None:
    assert "our driver lost their temper" in draft("The Acme driver lost their temper and shouted at me", ("delivery", "staff"))


# --- not boilerplate -------------------------------------------------------------------------------------------

UNRELATED = [
    ("Acme lost my order twice and their support never answered any of my three emails", ("delivery", "support")),
    ("The Acme app crashes every time I open the settings page.", ("product",)),
    ("The cashier at the Acme store on King Street was incredibly rude to me and my daughter.", ("staff",)),
    ("Acme charged me twice for the same order and I can't get anyone to fix it.", ("billing",)),
    ("My Acme parcel is a week late and the tracking hasn't moved since Monday.", ("delivery",)),
    ("I've been locked out of my Acme account for three days, the password reset email never comes.", ("account",)),
    ("Still waiting for my Acme refund after six weeks. Returned the jacket in March.", ("billing",)),
    ("Tried to cancel my Acme subscription and they still took another payment this month.", ("billing", "account")),
    ("My new Acme kettle arrived with a cracked lid, the box was crushed.", ("delivery", "product")),
    ("Acme website has been down all morning, can't check out at all.", ("product",)),
    ("My Acme headphones stopped working after two weeks. Cheaply made.", ("product",)),
    ("Sent three emails to Acme support about my warranty claim, no reply at all.", ("support",)),
]


@pytest.mark.parametrize("kind", ["rss", "appstore", "reddit", "mastodon", "x"])
@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_unrelated_complaints_get_drafts_sharing_under_half_their_words(kind: str, tone: str) -> None:
    drafts = [draft(text, topics, kind=kind, tone=tone, author="Sam") for text, topics in UNRELATED]
    shared = {
        (first, second): len(words(a) & words(b)) / len(words(a) | words(b))
        for (first, a), (second, b) in itertools.combinations(enumerate(drafts), 2)
    }
    worst = max(shared, key=shared.__getitem__)
    assert shared[worst] < 0.5, (shared[worst], drafts[worst[0]], drafts[worst[1]])


# --- the next step fits the trouble ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "mastodon"])
def test_a_lost_order_asks_for_the_order_number_and_offers_to_resend_or_refund(kind: str) -> None:
    text = draft("Acme lost my order and nobody can tell me where it is", ("delivery",), kind=kind)
    assert "your order number" in text and re.search(r"replacement|re-send", text) and "refund you in full" in text


@pytest.mark.parametrize("kind", ["rss", "mastodon"])
def test_a_crash_asks_for_device_and_version_and_gives_a_way_round_and_when_it_is_fixed(kind: str) -> None:
    text = draft("The Acme app crashes every time I open the settings page", ("product",), kind=kind)
    assert "your device model and app version" in text
    assert "Updating" in text or "updating" in text
    assert "when the fix ships" in text or "the day the fix ships" in text


def test_rude_staff_get_an_apology_are_asked_store_and_time_and_offered_a_managers_call() -> None:
    text = draft("The staff at the Acme store were so rude to my mum, shouted at her in front of everyone", ("staff",))
    assert "I'm sorry" in text and "which store it was and roughly what time" in text and "the manager there will call you" in text


@pytest.mark.parametrize(
    "complaint,topics,expected",
    [
        ("Acme charged me twice for one order", ("billing",), ["the date and amount of the charge", "goes back to your card"]),
        ("My Acme parcel is four days late and still not here", ("delivery",), ["the delivery date you were promised", "courier"]),
        ("I'm locked out of my Acme account, the password reset never arrives", ("account",), ["the email address on your account", "back in"]),
        ("Still no refund from Acme six weeks after I sent the coat back", ("billing",), ["the day you sent it back", "payments team"]),
        ("My Acme order arrived crushed and the vase inside is smashed", ("delivery",), ["a photo of the damage", "replacement"]),
        ("Can't cancel my Acme subscription, it keeps charging me", ("billing",), ["close the subscription", "pay back"]),
    ],
)
def test_each_kind_of_trouble_gets_its_own_next_step(complaint: str, topics: tuple[str, ...], expected: list[str]) -> None:
    text = draft(complaint, topics)
    assert all(part in text for part in expected), text


@pytest.mark.parametrize(
    "complaint,asked",
    [
        ("The cashier at the Acme store on King Street was rude to me", "roughly what time it was"),
        ("The cashier at the Leeds Acme store was rude to me yesterday at 5pm", None),
        ("A cashier was rude to me yesterday", "which store it was"),
        ("The cashier at the Acme store was rude to me", "which store it was and roughly what time"),
        ("Acme charged me £40 twice for one order", "the date of the charge"),
    ],
)
def test_a_post_that_gives_half_a_detail_is_asked_only_for_the_other_half(complaint: str, asked: str | None) -> None:
    wordings = [a.wording for a in builtin_draft(DraftInput(author="Sam", source_kind="rss", text=complaint, brand=BRAND)).asked]
    assert (asked in wordings) if asked else not [w for w in wordings if "store" in w or "time" in w], wordings
