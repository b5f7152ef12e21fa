"""Composing the draft for the medium: a short post within the network's limit, a plain forum reply, or a signed comment."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.drafts.details import details_to_ask
from bot.domain.drafts.model import FORUMS, MAX_DRAFT, TONES, Ask, Draft, DraftInput
from bot.domain.drafts.post_length import LIMITS, NETWORK_NAMES, post_length
from bot.domain.drafts.reflection import Reflection, reflect
from bot.domain.drafts.situations import Situation, situations_of
from bot.domain.drafts.wording import (
    ABOUT,
    COME_BACK,
    GESTURE,
    THANKS,
    THANKS_SHORT,
    TROLL_NOTE,
    ask_sentence,
    greeting_name,
    listed,
    mastodon_address,
    send_to,
    sign_off,
    sorry_sentence,
    write_to,
)


def medium_of(source_kind: str) -> str:
    if source_kind in LIMITS:
        return "short"
    if source_kind in FORUMS:
        return "forum"
    return "long"


Written = tuple[str, list[Ask]]  # a draft's text and the asks it makes


def first_that_fits(candidates: list[Written], draft_input: DraftInput) -> Written:
    """The first (fullest) candidate within the network's limit, as the network counts it."""
    limit = LIMITS.get(draft_input.source_kind, MAX_DRAFT)
    for text, asks in candidates:
        if post_length(text, draft_input.source_kind) <= limit:
            return text, asks
    words = candidates[-1][0].split()
    while words and post_length(" ".join(words) + "…", draft_input.source_kind) > limit:
        words.pop()
    return " ".join(words) + "…", []


def _short(draft_input: DraftInput, tone: str, reflection: Reflection | None, asks: list[Ask], situation: Situation) -> Written:
    address = mastodon_address(draft_input.author) if draft_input.source_kind == "mastodon" else ""
    name = greeting_name(draft_input.author)
    greeting = address or {"warm": f"Hi {name}, ", "formal": f"Hello {name}. ", "brief": ""}[tone]
    apology = sorry_sentence(reflection, draft_input, tone)
    generic = sorry_sentence(None, draft_input, tone)
    gesture = GESTURE[tone] if draft_input.offer_gesture else ""

    def post(apology: str, asking: list[Ask], *parts: str) -> Written:
        sentences = [apology, *parts[:1], ask_sentence(asking, draft_input, tone, short=True), *parts[1:]]
        return (greeting + " ".join(p for p in sentences if p)).strip(), asking

    step = situation.short
    candidates = [
        post(apology, asks, situation.now, step, gesture, THANKS_SHORT[tone]),
        post(apology, asks, "", step, gesture),
        post(apology, asks[:2], "", step, gesture),
        post(apology, asks[:1], "", step),
        post(apology, asks[:1], ""),
        post(generic, asks[:1], ""),
        ((greeting + generic + (f" Please write to us {write_to(draft_input.contact)}." if draft_input.move_offline else "")).strip(), []),
    ]
    return first_that_fits(candidates, draft_input)


def _forum(draft_input: DraftInput, tone: str, reflection: Reflection | None, asks: list[Ask], situation: Situation) -> Written:
    """Plain words, no marketing: who is answering, what went wrong, what is needed, what happens next."""
    apology = sorry_sentence(reflection, draft_input, tone).replace("We are sorry", "Sorry").replace("I'm sorry", "Sorry")
    lines = [f"Hi {greeting_name(draft_input.author)}, I work on the support team here. {apology} {situation.now}"]
    if asks:
        details = listed([a.wording for a in asks])
        how = f"send {details} {send_to(draft_input.contact)}" if draft_input.move_offline else f"can reply with {details}"
        lines.append(f"If you {how}, I'll look into it myself and report back in this thread. {situation.offer}")
    else:
        lines.append(situation.offer)
    if draft_input.offer_gesture:
        lines.append("We'll also put a credit on your account for the trouble.")
    return first_that_fits([("\n\n".join(lines), asks)], draft_input)


def _long(draft_input: DraftInput, tone: str, reflection: Reflection | None, asks: list[Ask], situation: Situation) -> Written:
    """A personal comment on a blog post or review, signed where a signer is configured."""
    name, full_name = greeting_name(draft_input.author), greeting_name(draft_input.author, full=True)
    # "Dear there" reads as a mail merge gone wrong: without a name, the formal comment opens with "Hello".
    formal = f"Dear {full_name}," if full_name != "there" else "Hello,"
    greeting = {"warm": f"Hi {name},", "formal": formal, "brief": f"Hi {name},"}[tone]
    first = [sorry_sentence(reflection, draft_input, tone), situation.now]
    if tone != "brief":
        first.append(THANKS[tone])
    paragraphs = [greeting, " ".join(first), ask_sentence(asks, draft_input, tone, short=False, then=situation.offer)]
    if draft_input.offer_gesture:
        paragraphs.append(GESTURE[tone])
    if tone != "brief":
        paragraphs.append(COME_BACK["review" if draft_input.rating is not None or draft_input.source_kind == "appstore" else "other"])
    if signed := sign_off(draft_input):
        paragraphs.append(signed)
    return first_that_fits([("\n\n".join(p for p in paragraphs if p), asks)], draft_input)


def _checklist(draft_input: DraftInput, draft: Draft, checks: tuple[str, ...]) -> tuple[str, ...]:
    lines = [f"Asked for {a.wording}: {a.why}." for a in draft.asked] + list(draft.not_asked) + list(checks)
    if draft.limit:
        network = NETWORK_NAMES.get(draft_input.source_kind, draft_input.source_kind)
        lines.append(f"{network} counts this reply as {draft.length} of {draft.limit} characters.")
    if medium_of(draft_input.source_kind) == "long" and not draft_input.signer_name:
        lines.append("A comment signed by a senior person carries weight: set signer_name and signer_role under [playbook].")
    if draft_input.offer_gesture:
        lines.append("A gesture is offered: check the policy allows it before sending.")
    if draft.written_by != "playbook":
        lines.append(f"Worded by {draft.written_by}: check every fact before saving.")
    lines += [
        "Reply in public first; take details private, then close the loop in public.",
        "Never argue, delete the post or ask for a retraction.",
        "Isolated case or systemic problem? Escalate if it is bigger than this post.",
    ]
    return tuple(lines)


def finished(
    draft_input: DraftInput, text: str, asks: list[Ask], not_asked: list[str], written_by: str = "playbook", checks: tuple[str, ...] = ()
) -> Draft:
    limit = LIMITS.get(draft_input.source_kind)
    draft = Draft(
        text=text,
        asked=tuple(asks),
        not_asked=tuple(not_asked),
        limit=limit,
        length=post_length(text, draft_input.source_kind),
        written_by=written_by,
    )
    return replace(draft, checklist=_checklist(draft_input, draft, checks), checks=checks)


def builtin_draft(draft_input: DraftInput) -> Draft:
    """The playbook's own draft for this complaint and medium."""
    if draft_input.troll:
        return Draft(text="", note=TROLL_NOTE, limit=LIMITS.get(draft_input.source_kind), checklist=(TROLL_NOTE,))
    tone = draft_input.tone if draft_input.tone in TONES else "warm"
    reflection = reflect(draft_input.text, draft_input.evidence, title=draft_input.title, brand=draft_input.brand)
    situations = situations_of(draft_input)
    asks, not_asked = details_to_ask(draft_input, situations)
    build = {"short": _short, "forum": _forum, "long": _long}[medium_of(draft_input.source_kind)]
    text, asked = build(draft_input, tone, reflection, asks, situations[0])
    limit = LIMITS.get(draft_input.source_kind)
    left_out = [f"Not asked for {a.wording}: no room within {limit} characters; ask once you talk privately." for a in asks if a not in asked]
    return finished(draft_input, text, asked, not_asked + left_out, checks=tuple(s.check for s in situations[:2] if s.check))


def _period(days: int) -> str:
    if days <= 9:
        return "a week" if days >= 6 else f"{days} days"
    if days <= 20:
        return "a couple of weeks"
    return "a month" if days <= 45 else f"{days} days"


def follow_up_opening(draft_input: DraftInput) -> tuple[str, str | None, str]:
    """The tone a follow-up is written in, the complaint's topic, and what it recalls of it ("you told us …")."""
    tone = draft_input.tone if draft_input.tone in TONES else "warm"
    reflection = reflect(draft_input.text, draft_input.evidence, title=draft_input.title, brand=draft_input.brand)
    topic = next((t for t in draft_input.topics if t in ABOUT), None)
    about = f"you told us {reflection.clause}" if reflection and reflection.sentence else f"you told us about {ABOUT.get(topic or '', 'a problem with us')}"
    return tone, topic, about


def follow_up_draft(draft_input: DraftInput, *, days: int) -> Draft:
    """A short check-in for the follow-up reminder: did the fix hold?"""
    if draft_input.troll:
        return Draft(text="", note=TROLL_NOTE, limit=LIMITS.get(draft_input.source_kind), checklist=(TROLL_NOTE,))
    tone, topic, about = follow_up_opening(draft_input)
    where = write_to(draft_input.contact)
    check = {
        "warm": "Is everything working as it should now? If anything's still not right, tell us",
        "formal": "We would like to check that everything is now as it should be. If not, please contact us",
        "brief": "All good now? If not, tell us",
    }[tone]
    address = mastodon_address(draft_input.author) if draft_input.source_kind == "mastodon" else ""
    greeting = address or f"Hi {greeting_name(draft_input.author)}, "
    fuller = f"{greeting}{_period(days)} ago {about}. {check} {where}."
    if medium_of(draft_input.source_kind) == "long":
        come_back = "If you have a moment to try us again, we'd love to hear whether it's better."
        fuller = "\n\n".join(p for p in (fuller, come_back, sign_off(draft_input)) if p)
    shorter = f"{greeting}checking back about {ABOUT.get(topic or '', 'the problem you had')}. {check} {where}."
    text, _ = first_that_fits([(fuller, []), (shorter, [])], draft_input)
    draft = Draft(text=text, limit=LIMITS.get(draft_input.source_kind), length=post_length(text, draft_input.source_kind))
    checklist = (
        "Check the fix held before sending; if it did not, reopen the case instead.",
        "Reply in the same thread as the first answer, so readers see the loop closed.",
    )
    return replace(draft, checklist=checklist)
