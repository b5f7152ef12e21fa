"""The playbook in words: apologies, thanks, asks and sign-offs per tone, and how people are addressed."""

from __future__ import annotations

import re

from bot.domain.drafts.model import Ask, DraftInput
from bot.domain.drafts.reflection import Reflection, clean

# Said when nothing safe and specific can be named back from their words.
ABOUT = {
    "delivery": "the trouble with your delivery",
    "billing": "the problem with your bill",
    "support": "how long it has taken us to help",
    "product": "the problem you ran into",
    "staff": "how you were treated",
    "account": "the trouble with your account",
}


SORRY = {
    "warm": ("I'm sorry {clause}.", "I'm sorry about this: {clause}.", "I'm sorry about {about}."),
    "formal": ("We are sorry that {clause}.", "We are sorry to read this: {clause}.", "We are sorry about {about}."),
    "brief": ("Sorry {clause}.", "Sorry about this: {clause}.", "Sorry about {about}."),
}


THANKS = {
    "warm": "Thank you for writing this up.",
    "formal": "Thank you for your detailed feedback.",
    "brief": "Thanks for flagging it.",
}


THANKS_SHORT = {"warm": "Thanks for telling us.", "formal": "Thank you for letting us know.", "brief": ""}


GESTURE = {
    "warm": "We'd also like to make up for the trouble with a credit on your account.",
    "formal": "We would also like to offer you a credit for the inconvenience.",
    "brief": "We'll add a credit for the trouble.",
}


COME_BACK = {
    "review": "When the fix is out, tell us whether it works for you.",
    "other": "We'd value another try from you once it's sorted.",
}


TROLL_NOTE = (
    "No draft: this reads as abuse without a specific problem (the troll signal). A reply tends to feed it and shows "
    "nothing to other readers; dismiss the case as a troll. If there is a real issue underneath, write to it by hand."
)


def greeting_name(author: str, *, full: bool = False) -> str:
    """A name to greet (a person's first name unless `full`): plain words only, else "there"."""
    name = author.strip().lstrip("@")
    if "." in name and " " not in name:  # a Bluesky handle: mara.bsky.social -> mara
        name = name.split(".", 1)[0]
    words = name.split()
    plain = re.fullmatch(r"[\w' -]{1,40}", name) and any(c.isalpha() for c in name) and len(words) <= 4
    if not plain or name.lower() in ("here", "channel", "everyone"):
        return "there"
    return name if full or len(words) == 1 else words[0]


def mastodon_address(author: str) -> str:
    """Mastodon notifies the author only when a reply mentions them: @user or @user@their.instance."""
    acct = author.strip().lstrip("@")
    if acct.lower() in ("here", "channel", "everyone"):
        return ""
    return f"@{acct} " if re.fullmatch(r"[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?", acct) else ""


def listed(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    # "a, b and c"; a comma before the last "and" when an item has an "and" of its own.
    last = ", and " if any(" and " in item for item in items) else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def send_to(contact: str) -> str:
    """Where to send details: "to help@acme.example", "through acme.example/help", "to our support team"."""
    contact = contact.strip()
    if not contact:
        return "by direct message"
    return f"through {contact}" if "/" in contact or re.fullmatch(r"[\w-]+(\.[\w-]+)+", contact) else f"to {contact}"


def write_to(contact: str) -> str:
    """Where to write: "at help@acme.example", "at acme.example/help", "through our support team"."""
    contact = contact.strip()
    if not contact:
        return "by direct message"
    return f"at {contact}" if re.search(r"[@./]", contact) else f"through {contact}"


def sorry_sentence(reflection: Reflection | None, draft_input: DraftInput, tone: str) -> str:
    sentence, fragment, about = SORRY[tone]
    if reflection and reflection.sentence:
        return sentence.format(clause=reflection.clause)
    if reflection:
        return fragment.format(clause=reflection.clause)
    topic = next((t for t in draft_input.topics if t in ABOUT), None)
    if topic:
        return about.format(about=ABOUT[topic])
    if draft_input.rating is not None and draft_input.rating <= 2:
        return about.format(about="the app letting you down")
    return about.format(about="what happened")


def ask_sentence(asks: list[Ask], draft_input: DraftInput, tone: str, *, short: bool, then: str = "") -> str:
    """The details asked for in one go, then (`then`) the next step we offer once we have them."""
    where = send_to(draft_input.contact)
    if not asks:
        anything = f"If there's anything more we should know, write to us {write_to(draft_input.contact)}." if draft_input.move_offline else ""
        return " ".join(part for part in (then, anything) if part)
    details = listed([a.wording for a in asks])
    if not draft_input.move_offline:
        asking = f"Could you reply here with {details}?" if tone != "formal" else f"Could you please reply here with {details}?"
        return " ".join(part for part in (asking, then) if part)
    if short:
        return f"Could you send {details} {where}?"
    # Everything at once, and why: the first detail's reason ("to trace the payment") tells them what it is for.
    opener = {"warm": "Could you send us", "formal": "Could you please send us", "brief": "Could you send us"}[tone]
    why = {"warm": f", so we can {asks[0].why.removeprefix('to ')}", "formal": f", so that we can {asks[0].why.removeprefix('to ')}", "brief": ""}[tone]
    return f"{opener} {details} {where}{why}? {then}".strip()


def sign_off(draft_input: DraftInput) -> str:
    name, role = clean(draft_input.signer_name), clean(draft_input.signer_role)
    return f"{name}, {role}" if name and role else name
