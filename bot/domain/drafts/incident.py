"""The follow-up an incident's fix owes each complainant: what they told us, what was wrong, that it is fixed. Pure.

Shaped by the medium like every draft (a short post within the network's limit, a plain
forum reply, a signed comment); when the team's fix note does not fit a short post whole,
the post says it is fixed without it rather than cutting the note mid-sentence.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.drafts.compose import first_that_fits, follow_up_opening, medium_of
from bot.domain.drafts.model import Draft, DraftInput
from bot.domain.drafts.post_length import LIMITS, post_length
from bot.domain.drafts.reflection import clean
from bot.domain.drafts.wording import TROLL_NOTE, greeting_name, mastodon_address, sign_off, write_to

FIX_NOTE_LIMIT = 400


def _fix_sentence(fix_note: str) -> str:
    """The team's note as one sentence ("" when there is none)."""
    note = clean(fix_note)[:FIX_NOTE_LIMIT].strip().rstrip(".!")
    if not note:
        return ""
    return note + "."


def fix_follow_up_draft(draft_input: DraftInput, *, fix_note: str) -> Draft:
    """Closing the loop in public once the incident behind this complaint is fixed."""
    if draft_input.troll:
        return Draft(text="", note=TROLL_NOTE, limit=LIMITS.get(draft_input.source_kind), checklist=(TROLL_NOTE,))
    tone, _, about = follow_up_opening(draft_input)
    fixed = {"warm": "We found the cause and it's fixed now", "formal": "We have found the cause and it is now fixed", "brief": "It's fixed now"}[tone]
    check = {
        "warm": f"Thank you for flagging it. If anything still isn't right, tell us {write_to(draft_input.contact)}.",
        "formal": f"Thank you for reporting it. If anything is still not as it should be, please contact us {write_to(draft_input.contact)}.",
        "brief": f"Thanks for flagging it; still a problem? Tell us {write_to(draft_input.contact)}.",
    }[tone]
    address = mastodon_address(draft_input.author) if draft_input.source_kind == "mastodon" else ""
    greeting = address or f"Hi {greeting_name(draft_input.author)}, "
    what = _fix_sentence(fix_note)
    with_note = f"{greeting}{about}. {fixed}: {what} {check}" if what else f"{greeting}{about}. {fixed}. {check}"
    if medium_of(draft_input.source_kind) == "long":
        with_note = "\n\n".join(p for p in (with_note, sign_off(draft_input)) if p)
    without_note = f"{greeting}{about}. {fixed}. {check}"
    shortest = f"{greeting}{fixed}. {check}"
    text, _ = first_that_fits([(with_note, []), (without_note, []), (shortest, [])], draft_input)
    draft = Draft(text=text, limit=LIMITS.get(draft_input.source_kind), length=post_length(text, draft_input.source_kind))
    checklist = (
        "Check the fix note says what changed in words the customer understands.",
        "Reply under their own post, so readers see the loop closed in public.",
    )
    return replace(draft, checklist=checklist)
