"""What a draft is made from and what it is: the inputs, the details asked for, the result."""

from __future__ import annotations

from dataclasses import dataclass, field

TONES = ("warm", "formal", "brief")


TOPICS = ("billing", "delivery", "support", "product", "staff", "account")


FORUMS = frozenset({"reddit", "hackernews", "youtube", "stackexchange", "discourse", "github"})


# A pasted draft must fit Slack's text input.
MAX_DRAFT = 3000


@dataclass(frozen=True)
class DraftInput:
    author: str
    source_kind: str
    text: str
    title: str = ""
    # The passage the detector weighed most; "" lets the drafter pick the most complaint-like sentence.
    evidence: str = ""
    topics: tuple[str, ...] = ()
    troll: bool = False
    rating: int | None = None
    tone: str = "warm"
    offer_gesture: bool = False
    move_offline: bool = True
    # Where to continue privately: an address, a DM handle, a form URL (from [playbook] contact).
    contact: str = "our support team"
    # Who signs a personal comment on a blog post or review.
    signer_name: str = ""
    signer_role: str = ""
    # Details the case already has (keys of DETAILS), e.g. {"device"} for an App Store review with its app version.
    known: frozenset[str] = frozenset()
    # Brand terms: "Acme's outage" is named back as "our outage".
    brand: tuple[str, ...] = ()
    # The complaint's language by its English name when it is not English ("Spanish"): a writer replies in it.
    language: str = ""


@dataclass(frozen=True)
class Ask:
    detail: str  # a key of DETAILS
    wording: str
    why: str


@dataclass(frozen=True)
class Draft:
    # Empty when no reply should be sent (a troll); `note` says why.
    text: str
    asked: tuple[Ask, ...] = ()
    # For the checklist: details not asked for, and why not.
    not_asked: tuple[str, ...] = ()
    note: str = ""
    # The network's limit and the draft's length as the network counts it (None where there is no limit).
    limit: int | None = None
    length: int = 0
    written_by: str = "playbook"
    checklist: tuple[str, ...] = field(default_factory=tuple)
    # What the sender must check or fill in first, for this kind of trouble (kept when an LLM words the draft).
    checks: tuple[str, ...] = ()
