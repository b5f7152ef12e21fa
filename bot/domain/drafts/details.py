"""The details a complaint's situations need, and which of them its post (or the case) already gives."""

from __future__ import annotations

import re

from bot.domain.drafts.model import Ask, DraftInput
from bot.domain.drafts.reflection import EMAIL
from bot.domain.drafts.situations import Situation

# detail -> (how we ask for it, why we need it, whether it is private: asked only in private)
DETAILS: dict[str, tuple[str, str, bool]] = {
    "order_number": ("your order number", "to find the order", False),
    "charge": ("the date and amount of the charge", "to trace the payment", False),
    "ticket": ("your ticket or case number (if you have one)", "to pick up where the conversation stopped", False),
    "account_email": ("the email address on your account (never your password)", "to find the account", True),
    "device": ("your device model and app version", "to reproduce the problem", False),
    "steps": ("a note of what you were doing when it went wrong", "to reproduce the problem", False),
    "when_where": ("which store it was and roughly what time", "to find out who was working and put it right", False),
    "photo": ("a photo of the damage", "to replace it without a return", False),
    "symptoms": ("when it started and what you see on screen", "to find the fault", False),
    "what_when": ("what happened and when", "to look into it properly", False),
    "returned_on": ("the day you sent it back", "to trace the refund", False),
    "promised_date": ("the delivery date you were promised", "to hold the courier to it", False),
}


DATE_PATTERN = (
    r"yesterday|today|last (?:night|week)|this morning|on (?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}|\d{1,2}/\d{1,2}"
)


_PLACES = "[Ss]tore|[Ss]hop|[Bb]ranch|[Rr]estaurant|[Oo]utlet|[Ss]tation|[Dd]epot|[Cc]ounter|[Aa]irport|[Dd]esk"
# A detail is present when each of its patterns is found (searched one at a time: linear on long texts).
PRESENT = {
    "order_number": (re.compile(r"\b(?:order|booking|purchase|reservation)\s*(?:no\.?|number|num|id|#)?\s*[:#]?\s*[A-Z0-9-]{0,20}\d[A-Z0-9-]{3,}|#\s?\d{5,}", re.IGNORECASE),),
    "charge": (re.compile(r"[£$€]\s?\d|\d\s?(?:usd|eur|gbp|dollars|pounds|euros)\b", re.IGNORECASE), re.compile(rf"\b(?:{DATE_PATTERN})\b", re.IGNORECASE)),
    "ticket": (re.compile(r"\b(?:ticket|case|reference|ref)\s*(?:no\.?|number|id|#)?\s*[:#]?\s*[A-Z0-9-]{0,20}\d[A-Z0-9-]{2,}", re.IGNORECASE),),
    "account_email": (EMAIL,),
    "device": (re.compile(r"\b(?:iphone|ipad|android|pixel|galaxy|ios\s?\d+|macos|windows\s?\d+|version\s?\d|v\d+\.\d+)\b", re.IGNORECASE),),
    "steps": (re.compile(r"\b(?:when i|every time i|whenever i|after i|while i|trying to|tried to)\b", re.IGNORECASE),),
    "when_where": (
        re.compile(rf"\b(?:{DATE_PATTERN}|\d{{1,2}}(?::\d\d)?\s?(?:am|pm))\b", re.IGNORECASE),
        # A place they name ("the Leeds store", "the shop on King Street"), not just "the store".
        re.compile(rf"\b(?:{_PLACES}) (?:on|in|at|near|by) [A-Z0-9]|\b[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:{_PLACES})\b"),
    ),
}
# When a post gives one part of a two-part detail, only the other is asked: the wording when only that pattern is missing.
PARTLY = {
    "charge": ("the amount of the charge", "the date of the charge"),
    "when_where": ("roughly what time it was", "which store it was"),
}


def details_to_ask(draft_input: DraftInput, situations: list[Situation]) -> tuple[list[Ask], list[str]]:
    """What to ask for (every detail the situations need that the case lacks) and what was left out, with why."""
    wanted = [d for s in situations for d in s.details]
    have = f"{draft_input.title}\n{draft_input.text}"
    for term in draft_input.brand:  # "the Acme store" names no store
        have = re.sub(rf"(?<!\w){re.escape(term)}(?!\w) *", "", have, flags=re.IGNORECASE)
    asks, not_asked = [], []
    for detail in dict.fromkeys(wanted):
        wording, why, private = DETAILS[detail]
        found = [bool(pattern.search(have)) for pattern in PRESENT.get(detail, ())]
        if detail in draft_input.known:
            not_asked.append(f"Not asked for {wording}: the case already has it.")
        elif found and all(found):
            not_asked.append(f"Not asked for {wording}: their post already gives it.")
        elif detail in PARTLY and found.count(False) == 1:
            asks.append(Ask(detail, PARTLY[detail][found.index(False)], why))
        elif private and not draft_input.move_offline:
            not_asked.append(f"Not asked for {wording} in public: ask for it once you are talking privately.")
        else:
            asks.append(Ask(detail, wording, why))
    return asks, not_asked
