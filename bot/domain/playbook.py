"""Reply drafts written from the reply playbook in DESIGN.md. Pure: no I/O.

The playbook: answer fast and show urgency; thank and acknowledge; apologise
where warranted; ask for every detail needed in one go; offer to continue in
private but close the loop in public; offer a gesture where policy allows;
never argue, delete or demand a retraction.
"""

from __future__ import annotations

from dataclasses import dataclass

TONES = ("warm", "formal", "brief")

# Sources where replies are short posts rather than comments on a blog or review.
SHORT_FORM = {"hackernews": 1500, "reddit": 3000, "mastodon": 500, "bluesky": 300, "x": 280}

_SPECIFICS = {
    "billing": "the order or invoice number and the date of the charge",
    "delivery": "your order number and the delivery postcode",
    "account": "the email address on the account (never your password)",
    "security": "the email address on the account (never your password) and when you first noticed it",
    "support": "your ticket or case number, if you have one",
    "product": "what you were trying to do, what happened instead, and the app version or device",
    "staff": "where and when it happened",
}
_DEFAULT_SPECIFICS = "what happened, when, and anything that would help us reproduce it"

_OPENINGS = {
    "warm": "Hi {name}, thank you for taking the time to tell us about this, and I'm sorry it happened.",
    "formal": "Hello {name}, thank you for your feedback. We apologise for the experience you describe.",
    "brief": "Hi {name}, sorry about this, and thanks for flagging it.",
}
_URGENCY = {
    "warm": "This isn't the experience we want anyone to have, and we're looking into it now.",
    "formal": "We are investigating this as a priority.",
    "brief": "We're on it.",
}


@dataclass(frozen=True)
class DraftRequest:
    author: str
    source_kind: str
    topics: tuple[str, ...] = ()
    tone: str = "warm"
    offer_gesture: bool = False
    move_offline: bool = True
    contact: str = "support"


def _specifics(topics: tuple[str, ...]) -> str:
    wanted = [_SPECIFICS[t] for t in topics if t in _SPECIFICS]
    return "; ".join(dict.fromkeys(wanted)) or _DEFAULT_SPECIFICS


def _display_name(author: str) -> str:
    name = author.strip().lstrip("@")
    return name if 0 < len(name) <= 40 else "there"


def draft_reply(request: DraftRequest) -> str:
    tone = request.tone if request.tone in TONES else "warm"
    lines = [_OPENINGS[tone].format(name=_display_name(request.author)), _URGENCY[tone]]
    ask = f"So we can fix it without going back and forth, could you send us {_specifics(request.topics)}?"
    if request.move_offline:
        ask += f" Message us at {request.contact} so we can keep your details private, and we'll follow up here once it's sorted."
    lines.append(ask)
    if request.offer_gesture:
        lines.append("We'd also like to make it up to you, so we'll include a credit for the trouble.")
    if tone != "brief":
        lines.append("Thanks for helping us get this right.")
    text = " ".join(lines) if request.source_kind in SHORT_FORM else "\n\n".join(lines)
    limit = SHORT_FORM.get(request.source_kind)
    if limit and len(text) > limit:
        # Short-form networks cut long posts: keep the essentials (apology, the ask).
        text = " ".join(lines[:1] + lines[2:3])[:limit]
    return text


CHECKLIST = (
    "Reply in public first; move details to a private channel, then close the loop in public.",
    "Never argue that they are wrong, delete the post or demand a retraction.",
    "A troll (abuse with no specifics) gets no reply: dismiss it instead.",
    "Ask yourself: isolated case or systemic problem? Escalate if it is bigger than this post.",
    "Taking days to fix? Post an update so they are not left waiting.",
)
