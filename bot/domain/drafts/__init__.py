"""Reply drafts that answer this complaint, shaped by where it was written. Pure: no I/O.

The playbook (DESIGN.md, from the articles in seeds/): answer fast and show
urgency; thank and acknowledge; apologise where warranted, naming what went
wrong in the person's own terms; ask for every detail still missing in one
go; offer to continue in private but close the loop in public; offer a
gesture where policy allows; never argue, delete or demand a retraction;
leave trolls alone; follow up later to check the fix held.

The reply speaks as the brand: what the complaint says of the brand ("Acme
lost my order", "their support", "the Acme app") comes back as "we", "our
support", "our app". And it is not boilerplate: the kind of trouble
(situations.py: a lost order, a crash, rude staff, a wrong charge…) decides
what is asked and which next step is offered, so unrelated complaints get
drafts that share under half their words (tests/unit/domain/test_draft_voice.py).

The medium shapes the reply: a blog post or review gets a personal comment
that a senior person can sign, with an invitation to come back and see the
fix; Mastodon, Bluesky and X get one short post within the network's limit as
the network counts it; Reddit and Hacker News get a plain, non-marketing voice.

An optional writer (an LLM behind `write`) may word the draft instead; on any
error, or an answer that is empty, too long or carries markup, the built-in
draft stands.
"""

from bot.domain.drafts.compose import builtin_draft, follow_up_draft
from bot.domain.drafts.model import TONES, Ask, Draft, DraftInput
from bot.domain.drafts.writer import draft_reply, llm_prompt

__all__ = ["TONES", "Ask", "Draft", "DraftInput", "builtin_draft", "draft_reply", "follow_up_draft", "llm_prompt"]
