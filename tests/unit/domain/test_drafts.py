"""Reply drafts: they answer this complaint, in its medium, safely. Pure tests, texts of our own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.drafts import DraftInput, builtin_draft, draft_reply, follow_up_draft
from bot.domain.drafts.post_length import LIMITS, post_length, x_length
from bot.domain.drafts.reflection import reflect

LATE = DraftInput(
    author="ines",
    source_kind="mastodon",
    text="My order arrived late twice, and your support didn't answer my emails. Not impressed.",
    topics=("delivery", "support"),
    contact="help@acme.example",
)
APP = DraftInput(
    author="GrumpyGran",
    source_kind="bluesky",
    text="The Acme app logs me out every time I open the basket. Reinstalled twice, still broken.",
    topics=("product", "account"),
    brand=("Acme",),
    contact="help@acme.example",
)


# --- it answers this complaint ---------------------------------------------------------------------------------


def test_two_complaints_get_two_drafts_that_each_name_what_went_wrong() -> None:
    late, app = builtin_draft(LATE).text, builtin_draft(APP).text
    assert "I'm sorry your order arrived late twice and that our support didn't answer your emails." in late
    assert "our app logs you out every time you open the basket" in app  # "The Acme app": the reply speaks as the brand
    assert late != app
    assert not ({a.detail for a in builtin_draft(LATE).asked} & {a.detail for a in builtin_draft(APP).asked})


@pytest.mark.parametrize(
    "text,brand,expected",
    [
        ("My order arrived late twice and you never answered my emails", (), "your order arrived late twice and we never answered your emails"),
        ("I was charged twice for one order", (), "you were charged twice for one order"),
        ("Acme's outage took down our checkout for 4 hours", ("Acme",), "our outage took down your checkout for 4 hours"),
        ("Third week waiting for my #Acme refund.", ("Acme",), "third week waiting for your refund"),
        ("Acme has ignored my three emails", ("Acme",), "we have ignored your three emails"),
        ("MY PARCEL NEVER ARRIVED AND YOU KEPT MY MONEY", (), "your parcel never arrived and we kept your money"),
        ("lol my fucking order still hasn't shipped @acme_help https://acme.example/x", (), "your order still hasn't shipped"),
        ("The courier was rude and my parcel was left in the rain. Great job as always.", (), "the courier was rude and your parcel was left in the rain"),
    ],
)
def test_their_words_are_turned_to_ours(text: str, brand: tuple[str, ...], expected: str) -> None:
    reflection = reflect(text, brand=brand)
    assert reflection is not None and reflection.clause == expected


@pytest.mark.parametrize(
    "text",
    [
        "You idiots charged me twice",  # an insult: never echoed, even with a real problem in it
        "Your staff are clueless liars and my refund never came",
        "Thanks a lot for losing my parcel, great job",  # sarcasm echoed back reads as mockery
        "Your app is sh*t and crashes",  # disguised profanity
        "I love this shop",  # nothing went wrong
    ],
)
def test_abuse_sarcasm_and_praise_are_never_named_back(text: str) -> None:
    assert reflect(text) is None
    draft = builtin_draft(replace(LATE, text=text, topics=("billing",)))
    assert "I'm sorry about the problem with your bill." in draft.text


def test_link_labels_and_mentions_are_never_named_back() -> None:
    assert reflect("<https://evil.example/claim|my refund never arrived, claim it here>") is None
    assert reflect("[my refund never arrived](https://evil.example)") is None
    assert reflect("@acme_help my refund never arrived").clause == "your refund never arrived"


def test_the_evidence_passage_is_what_gets_named_back() -> None:
    text = "I have ordered from Acme for years. My parcel was thrown over the fence and arrived damaged. The driver never knocked."
    assert reflect(text, "The driver never knocked.").clause == "the driver never knocked"
    # No evidence given: the most complaint-like sentence.
    assert reflect(text, "").clause == "your parcel was thrown over the fence and arrived damaged"


# --- it asks only for what is missing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,topics,known,move_offline,asked,not_asked",
    [
        ("My parcel is lost.", ("delivery",), frozenset(), True, ["order_number"], []),
        ("Order #4471239 is lost.", ("delivery",), frozenset(), True, [], ["your order number"]),
        ("I was charged £40 twice on 3 May.", ("billing",), frozenset(), True, ["order_number"], ["the date and amount"]),
        ("The app crashes on my iPhone 15.", ("product",), frozenset(), True, ["steps"], ["your device model"]),
        ("The app crashes.", ("product",), frozenset({"device"}), True, ["steps"], ["the case already has it"]),
        ("I'm locked out of my account.", ("account",), frozenset(), True, ["account_email"], []),
        ("I'm locked out of my account.", ("account",), frozenset(), False, [], ["in public"]),
        ("Ticket 88812 has had no answer for a week.", ("support",), frozenset(), True, [], ["your ticket"]),
        ("Rude cashier at the Leeds store yesterday.", ("staff",), frozenset(), True, [], ["which store it was and roughly what time"]),
        ("Something is off with you lot.", (), frozenset(), True, ["what_when"], []),
    ],
)
def test_asks_only_for_the_details_the_case_lacks(text, topics, known, move_offline, asked, not_asked) -> None:  # type: ignore[no-untyped-def]
    draft = builtin_draft(DraftInput(author="sam", source_kind="rss", text=text, topics=topics, known=known, move_offline=move_offline))
    assert [a.detail for a in draft.asked] == asked
    assert all(a.why for a in draft.asked)
    assert len(draft.not_asked) == len(not_asked) and all(part in line for part, line in zip(not_asked, draft.not_asked, strict=True))
    assert all(any(a.wording in line for line in draft.checklist) for a in draft.asked)


# --- the medium shapes it --------------------------------------------------------------------------------------


def test_a_blog_post_gets_a_personal_signed_comment_inviting_them_back() -> None:
    blog = DraftInput(
        author="Jane Porter",
        source_kind="rss",
        title="The worst shopping trip of my year",
        text="We waited forty minutes at the counter and the cashier was rude to my mum.",
        topics=("staff",),
        contact="help@acme.example",
        signer_name="Dana Reyes",
        signer_role="Head of Customer Experience",
    )
    text = builtin_draft(blog).text
    assert text.startswith("Hi Jane,\n\n")
    assert text.endswith("\n\nDana Reyes, Head of Customer Experience")
    assert "another try" in text and "help@acme.example" in text
    assert "help@acme.example" in builtin_draft(replace(blog, tone="formal")).text
    assert builtin_draft(replace(blog, tone="formal")).text.startswith("Dear Jane Porter,")
    assert builtin_draft(replace(blog, tone="formal", author="")).text.startswith("Hello,\n\n"), "never 'Dear there'"
    unsigned = builtin_draft(replace(blog, signer_name="", signer_role=""))
    assert "Dana" not in unsigned.text and any("signer_name" in line for line in unsigned.checklist)


def test_a_review_is_invited_to_see_the_fix() -> None:
    review = DraftInput(author="GrumpyGran", source_kind="appstore", title="Hate the app", text="Checkout freezes every single time.", rating=1, topics=("product",))
    assert "When the fix is out" in builtin_draft(review).text


@pytest.mark.parametrize("kind", ["reddit", "hackernews"])
def test_forums_get_a_plain_voice(kind: str) -> None:
    text = builtin_draft(replace(LATE, source_kind=kind, offer_gesture=True)).text
    assert "I work on the support team here" in text and "Sorry your order arrived late twice" in text
    for marketing in ("!", "valued", "inconvenience", "we apologise", "Thank you for taking the time"):
        assert marketing.lower() not in text.lower()


def test_a_troll_gets_no_draft_but_a_note_on_why_not() -> None:
    draft = draft_reply(replace(LATE, troll=True), write=lambda prompt: "an LLM answer")
    assert draft.text == "" and "troll" in draft.note and draft.asked == ()
    assert follow_up_draft(replace(LATE, troll=True), days=30).text == ""


def test_mastodon_replies_mention_the_author_so_they_are_notified() -> None:
    assert builtin_draft(replace(LATE, author="ines@other.example")).text.startswith("@ines@other.example I'm sorry")
    assert not builtin_draft(replace(LATE, author="<!channel>")).text.startswith("@")


def test_tones_read_differently_and_drafts_are_deterministic() -> None:
    drafts = {tone: builtin_draft(replace(LATE, tone=tone)).text for tone in ("warm", "formal", "brief")}
    assert len(set(drafts.values())) == 3
    assert drafts["formal"].startswith("@ines We are sorry that your order")
    assert builtin_draft(LATE) == builtin_draft(LATE)


# --- counted as the network counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,text,length",
    [
        ("x", "Sorry!", 6),
        ("x", "See https://acme.example/a/very/long/path/to/the/status/page/for/today", 4 + 23),
        ("x", "See acme.example/help", 4 + 23),  # X links bare domains too
        ("x", "お詫び申し上げます", 18),  # CJK counts 2
        ("x", "Sorry 👨‍👩‍👧", 6 + 2),  # an emoji counts 2 however many code points
        ("x", "café", 4),
        ("mastodon", "@ines@other.example hi", len("@ines hi")),  # a mention counts without its domain
        ("mastodon", "See https://acme.example/a/very/long/path/to/the/status/page", 4 + 23),
        ("mastodon", "See acme.example/help", 21),  # Mastodon links only URLs with a scheme
        ("mastodon", "Sorry 👨‍👩‍👧", 7),
        ("bluesky", "Sorry 👨‍👩‍👧 e\u0301", 9),  # graphemes
    ],
)
def test_lengths_are_counted_the_way_each_network_counts(kind: str, text: str, length: int) -> None:
    assert post_length(text, kind) == length


BIG = DraftInput(
    author="山田太郎",
    source_kind="x",
    text="My parcel never arrived, the refund was refused, the app crashes when I pay, and support hung up on me twice.",
    topics=("delivery", "billing", "product", "support", "account", "staff"),
    offer_gesture=True,
    contact="https://help.acme.example/contact/customer-care/complaints/priority-queue",
)


@pytest.mark.parametrize("kind", ["x", "bluesky", "mastodon"])
@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_short_networks_get_a_reply_within_their_limit(kind: str, tone: str) -> None:
    draft = builtin_draft(replace(BIG, source_kind=kind, tone=tone))
    assert draft.limit == LIMITS[kind] and draft.length == post_length(draft.text, kind) <= LIMITS[kind]
    assert draft.text.count("?") <= 1 and draft.asked  # still asks, in one go
    assert all(a.wording in draft.text for a in draft.asked)
    left_out = [line for line in draft.not_asked if "no room within" in line]
    # What did not fit is on the checklist, to ask privately: together, all that a comment without a limit asks.
    unlimited = builtin_draft(replace(BIG, source_kind="rss", tone=tone)).asked
    assert len(unlimited) >= 4 and len(draft.asked) + len(left_out) == len(unlimited)


def test_x_limit_holds_where_plain_character_counting_would_let_it_through() -> None:
    # A name in kanji weighs 2 a character on X: some of these drafts are under 280 by len() but not as X counts.
    for padding in range(0, 120, 3):
        draft = builtin_draft(replace(BIG, author="山田太郎" * 10, contact=f"help{'x' * padding}@acme.example"))
        assert x_length(draft.text) <= 280, padding


# --- hostile input ---------------------------------------------------------------------------------------------

HOSTILE_TEXT = (
    "*URGENT* <!channel> <@U0ADMIN> @here my order never arrived <https://evil.example/phish|click for your refund> "
    "[free coupon](https://evil.example) ~strike~ `code` > quoted " + "A" * 10_000 + " " + "word " * 2_000
)


@pytest.mark.parametrize("kind", ["x", "bluesky", "mastodon", "reddit", "hackernews", "rss", "appstore", "webhook"])
@pytest.mark.parametrize("author", ["*<!channel>*", "<https://evil.example|Support>", "@here", "x" * 10_000, "_dana_ <@U0ADMIN>"])
def test_hostile_mentions_still_get_a_safe_draft_within_the_limit(kind: str, author: str) -> None:
    draft = builtin_draft(DraftInput(author=author, source_kind=kind, text=HOSTILE_TEXT, title="<!here> *title*", topics=("delivery",)))
    for forbidden in ("<", ">", "*", "`", "~", "@here", "@channel", "http", "evil", "coupon", "AAAA"):
        assert forbidden not in draft.text
        assert all(forbidden not in line for line in draft.checklist)
    assert "your order never arrived" in draft.text
    assert draft.length <= LIMITS.get(kind, 3000)


# --- follow up -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["mastodon", "bluesky", "x", "rss"])
def test_the_follow_up_is_a_short_check_in_within_the_limit(kind: str) -> None:
    draft = follow_up_draft(replace(LATE, source_kind=kind, signer_name="Dana Reyes", signer_role="Head of CX"), days=30)
    assert "a month ago you told us your order arrived late twice" in draft.text
    assert "still not right" in draft.text and draft.text != builtin_draft(replace(LATE, source_kind=kind)).text
    assert post_length(draft.text, kind) <= LIMITS.get(kind, 3000)
    assert draft.text.endswith("Dana Reyes, Head of CX") == (kind == "rss")
    assert "a couple of weeks ago" in follow_up_draft(replace(LATE, source_kind=kind), days=14).text


# --- an LLM may word it ----------------------------------------------------------------------------------------


def test_a_usable_llm_answer_words_the_draft_and_the_asks_stay() -> None:
    prompts: list[str] = []

    def write(prompt: str) -> str:
        prompts.append(prompt)
        return "@ines So sorry your order came late twice and our emails went unanswered. Send your ticket number to help@acme.example?"

    draft = draft_reply(LATE, write=write)
    assert draft.text.startswith("@ines So sorry") and draft.written_by == "the LLM"
    assert draft.asked == builtin_draft(LATE).asked and any("check every fact" in line for line in draft.checklist)
    assert "playbook" in prompts[0] and "at most 500 characters" in prompts[0] and builtin_draft(LATE).text in prompts[0]


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "x " * 400,  # over Mastodon's 500
        "Sorry! Claim your refund at https://evil.example",  # a link of its own
        "<!channel> sorry",
        "@here sorry about that",
        "*Sorry* about that",
    ],
)
def test_an_unusable_llm_answer_leaves_the_playbook_draft(answer: str) -> None:
    assert draft_reply(LATE, write=lambda prompt: answer) == builtin_draft(LATE)


def test_a_failing_llm_leaves_the_playbook_draft() -> None:
    def broken(prompt: str) -> str:
        raise TimeoutError("the model took too long")

    assert draft_reply(LATE, write=broken) == builtin_draft(LATE)


@pytest.mark.parametrize("text", ["a-" * 20_000, "x@" * 20_000, "a." * 20_000, "order 1" + "1" * 40_000, "sh*t" * 10_000])
def test_pathological_texts_still_get_a_draft(text: str) -> None:
    # Every pattern the drafter runs is linear in the text (a quadratic one made such texts take minutes).
    draft = builtin_draft(DraftInput(author="sam", source_kind="x", text=text, title=text, topics=("billing", "staff", "account")))
    assert draft.text.startswith("Hi sam, I'm sorry about the problem with your bill.") and draft.length <= 280
