"""Naming what went wrong in the person's own terms, safely. Pure and deterministic.

From the passage that weighed most (or, without one, the most complaint-like
sentence of the text) keep a short clause that says what happened, turn it
from their point of view to ours ("my order arrived late" -> "your order
arrived late", "you never answered" -> "we never answered"), and drop
whatever must not be echoed: links, @mentions, Slack and Markdown markup,
profanity, insults and anything aimed at people, sarcasm, shouting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WORDS = 18
MAX_WORDS_TWO_CLAUSES = 24
# Longer "words" are not prose (pasted tokens, runs of one character): dropped before anything is named back.
MAX_WORD_LENGTH = 24

# What went wrong: events and states a reply can name back.
_DESCRIBE = frozenset(
    """
    late later delayed delay never not no nothing nobody didn't doesn't don't won't wasn't weren't isn't aren't hasn't haven't
    can't cannot couldn't wouldn't still again twice waiting waited wait charged overcharged double billed refund refunded
    broken broke breaks crash crashes crashed crashing freezes froze frozen stuck lost missing wrong damaged cancelled canceled
    charges charging ignored ignoring rude hung failed fails failing error errors outage down locked hacked slow unusable leaked leaking stopped
    disappeared declined rejected refused lied cut faulty defective dead empty cold burnt expired removed deleted unanswered
    cracked crushed smashed dented torn
    """.split()
)
_RECURRING = re.compile(r"\b(?:every (?:single )?time|each time|over and over|no one|at all|any ?more)\b", re.IGNORECASE)
# Judgements rather than events: weak evidence of what went wrong.
_VERDICT = frozenset("worst terrible awful horrible unacceptable disappointed disappointing ridiculous joke shocking poor bad".split())
_FIRST_PERSON = frozenset("i i'm i've i'd i'll me my mine myself we we're we've we'd we'll us our ours ourselves".split())
_QUANTITY = re.compile(
    r"\b(\d+|twice|three|four|five|six|seven|eight|nine|ten|several|weeks?|days?|hours?|months?|times)\b", re.IGNORECASE
)
# Dropped in place: they add heat, not meaning.
_INTENSIFIERS = frozenset(
    "fucking fuckin freaking frickin bloody damn damned goddamn effing literally seriously honestly basically totally absolutely".split()
)
_INTERJECTIONS = frozenset("lol lmao rofl ugh smh wtf omg ffs jeez tbh fyi imo imho fml yikes wow yay hey hi hello so well also just".split())
# A clause holding one of these is not echoed at all: profanity, insults, accusations aimed at people.
_BLOCKED = frozenset(
    """
    fuck fucked fucker fuckers fucks shit shits shitty bullshit crap crappy piss pissed ass asses asshole assholes arse arsehole
    bastard bastards bitch bitches dick dicks prick pricks twat wanker wankers cunt cunts douche screw screwed sucks suck sucked
    idiot idiots idiotic moron morons moronic stupid dumb clown clowns loser losers scum trash garbage pathetic incompetent clueless
    liar liars lying lie lies thief thieves steal stole stealing crook crooks criminals fraudsters scam scammers scammed scamming
    hate hell die kys kill useless worthless disgusting
    """.split()
)
# Sarcasm: echoing it back reads as mockery.
_SARCASM = re.compile(r"\b(thanks a lot|thanks for nothing|great job|good job|well done|nice one|bravo|way to go|/s)\b", re.IGNORECASE)

_SLACK_MARKUP = re.compile(r"<[^>]*>")
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
# Bounded repeats keep these linear on a long run of characters without spaces.
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.(?:com|net|org|io|co|uk|de|fr|app|dev|example|shop|store)\b\S*",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")
_MENTION = re.compile(r"(?<![\w])[@＠]\w[\w.-]*(?:@[\w.-]+)?")
_NOT_PROSE = re.compile(r"[^\w\s.,;:!?'’\"()£$€%&/-]")
_OBFUSCATED = re.compile(r"\b\w*[*#$@!]+\w+\b|\b\w+[*]+")
_DISGUISED = "disguisedword"
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
# Parts of a sentence that may not be joined ("X but Y"); inside one, clauses split at commas.
_SEGMENTS = re.compile(r"\s*[;:!?()\"“”]\s*|\s+[-–—]+\s+|,?\s+(?:but|even though|though|although|however|whereas)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"\s+(?:because|which|so that|since|when|while|until|even though|and then|then|so)\s+.*$", re.IGNORECASE)

_CONJUNCTIONS = frozenset("and but so because when then that if after since while or".split())
_DETERMINERS = frozenset("a an the my your our their his her this that these those".split())
# Clause openings that make "I'm sorry <clause>" a sentence.
_SUBJECTS = frozenset(
    """
    your you you're you've you'd we we're we've our it it's its this that they they're their nobody no someone somebody everyone
    everything nothing the a an every he she his her there
    """.split()
)

# Their point of view -> ours, one pass (so "I" -> "you" is not turned back into "we").
_SWAP = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're", "im": "you're",
    "i've": "you've", "i'd": "you'd", "i'll": "you'll", "we": "you", "us": "you", "our": "your", "ours": "yours",
    "ourselves": "yourselves", "we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
    "your": "our", "yours": "ours", "yourself": "ourselves", "yourselves": "ourselves", "you're": "we're",
    "you've": "we've", "you'll": "we'll", "you'd": "we'd", "ur": "our",
}
_AGREEMENT = (
    (re.compile(r"\byou was\b"), "you were"), (re.compile(r"\byou wasn't\b"), "you weren't"), (re.compile(r"\byou am\b"), "you are"),
    (re.compile(r"\bwe was\b"), "we were"), (re.compile(r"\bwe wasn't\b"), "we weren't"), (re.compile(r"\bwe is\b"), "we are"),
    (re.compile(r"\bwe isn't\b"), "we aren't"), (re.compile(r"\bwe has\b"), "we have"), (re.compile(r"\bwe hasn't\b"), "we haven't"),
    (re.compile(r"\bwe does\b"), "we do"), (re.compile(r"\bwe doesn't\b"), "we don't"),
    (re.compile(r"\bwe (\w+)s\b(?= (?:me|you|us|my|your|our|the|it|to|a|an)\b)"), r"we \1"),
)


# The reply speaks as the brand: what the complaint says of "them" (the brand) comes back as "we/our/us".
_THIRD_PERSON = {
    "they": "we", "them": "us", "their": "our", "theirs": "ours", "themselves": "ourselves",
    "they're": "we're", "they've": "we've", "they'd": "we'd", "they'll": "we'll",
}
# Unless the clause names people "they" may mean instead ("the driver lost their temper"): then it is left as it is.
_PEOPLE = frozenset(
    """
    staff cashier cashiers driver drivers courier couriers employee employees worker workers people guy guys agent agents assistant
    assistants manager managers waiter waiters waitress clerk clerks guard guards rep reps technician technicians engineer engineers man
    woman lady kids children friend friends husband wife son daughter mum mom dad family neighbour neighbor parents
    """.split()
)
# "Acme support never answered": the brand used as an adjective is "our", not "we".
_BRAND_NOUNS = frozenset(
    """
    support app apps store stores shop shops staff team customer service services website site account accounts delivery deliveries
    driver drivers courier couriers product products subscription help helpline hotline chat agent agents employees manager managers
    update updates order orders box card plan checkout refund refunds warehouse branch branches phone email emails office offices
    """.split()
)
_COMPANY = ("this company", "that company", "the company")


@dataclass(frozen=True)
class Reflection:
    """What went wrong, in their words turned to ours; `sentence` tells whether "I'm sorry <clause>" reads as one."""

    clause: str
    sentence: bool


def clean(text: str) -> str:
    """The text without markup, links, @mentions, emoji or control characters; hashtags keep their word.

    What is taken out ends a sentence, so words on either side of a link or mention are never run together;
    a disguised swear word ("sh*t") is replaced by a marker that keeps its clause from being named back.
    """
    text = _SLACK_MARKUP.sub("\n", text or "")
    text = _MARKDOWN_LINK.sub("\n", text)
    text = EMAIL.sub("\n", text)
    text = _URL.sub("\n", text)
    text = _MENTION.sub("\n", text)
    text = _OBFUSCATED.sub(f" {_DISGUISED} ", text)
    text = text.replace("#", " ").replace("’", "'")
    text = re.sub(r"[*_~`>|]+", " ", text)
    text = _NOT_PROSE.sub(" ", text)
    text = re.sub(rf"\S{{{MAX_WORD_LENGTH + 1},}}", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _words(clause: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", clause)]


def _usable(clause: str, blocked: frozenset[str]) -> bool:
    words = set(_words(clause))
    return not (words & (_BLOCKED | blocked | {_DISGUISED})) and not _SARCASM.search(clause)


def _score(clause: str) -> float:
    words = _words(clause)
    describe = sum(w in _DESCRIBE or w.endswith("n't") for w in words) + len(_RECURRING.findall(clause))
    score = 2.0 * describe + 0.5 * sum(w in _VERDICT for w in words)
    score += 1.0 if _FIRST_PERSON & set(words) else 0.0
    score += 1.0 if _QUANTITY.search(clause) else 0.0
    return score if describe else 0.0


def _trim(clause: str) -> str:
    words = clause.split()
    while words and words[0].lower().strip(",.") in _INTERJECTIONS | _CONJUNCTIONS:
        words = words[1:]
    clause = " ".join(w for w in words if w.lower() not in _INTENSIFIERS)
    if len(clause.split()) > MAX_WORDS:
        clause = _TRAILING.sub("", clause)
    return clause.strip(" .,;:'\"-")


def _candidates(text: str, blocked: frozenset[str]) -> list[tuple[float, tuple[int, int], int, str]]:
    """(score, (sentence, segment), position, clause) for every clause worth naming back."""
    found = []
    for number, sentence in enumerate(s for s in _SENTENCES.split(text) if s.strip()):
        for part, segment in enumerate(_SEGMENTS.split(sentence)):
            for position, raw in enumerate((segment or "").split(",")):
                clause = _trim(raw)
                size = len(clause.split())
                if 3 <= size <= MAX_WORDS and _usable(clause, blocked) and (score := _score(clause)) > 0:
                    found.append((score - 0.01 * size, (number, part), position, clause))
    return found


def _opens_clause(text: str, start: int) -> bool:
    """Whether the word at `start` begins a clause (subject position): first, or after a comma or conjunction."""
    before = text[:start].rstrip()
    if not before or before.endswith(","):
        return True
    last = re.search(r"[A-Za-z']+$", before)
    return last is not None and last.group(0).lower() in _CONJUNCTIONS


def _turn(clause: str, brand: tuple[str, ...], proper: set[str]) -> str:
    """Their point of view to ours, the brand to "we/us/our"; their case kept except at the start and when shouting."""
    letters = [c for c in clause if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        clause = clause.lower()
    third_person = not (_PEOPLE & set(_words(clause)))
    nouns = "|".join(sorted(_BRAND_NOUNS))
    for term in sorted(brand, key=len, reverse=True) + list(_COMPANY):
        name = re.escape(term)
        clause = re.sub(rf"(?<!\w){name}'s\b", "BRANDOWNS", clause, flags=re.IGNORECASE)
        # "the Acme app" -> "our app"; "my Acme refund" -> "my refund"; "an Acme kettle" -> "a kettle"
        clause = re.sub(rf"\b(?:the|their|this|that) {name}(?!\w)\s*", "BRANDOWNS ", clause, flags=re.IGNORECASE)
        clause = re.sub(rf"\b(?:a|an) {name}\s+(?=[aeiou])", "an ", clause, flags=re.IGNORECASE)
        clause = re.sub(rf"\b(?:a|an) {name}\s+", "a ", clause, flags=re.IGNORECASE)
        clause = re.sub(rf"\b({'|'.join(_DETERMINERS)}) {name}(?!\w)\s*", r"\1 ", clause, flags=re.IGNORECASE)
        clause = re.sub(rf"\b(new|old|latest|first|second|last|cheap|expensive|premium|replacement) {name}\s+(?=[a-z])", r"\1 ", clause, flags=re.IGNORECASE)
        clause = re.sub(rf"(?<!\w){name} (?=(?:{nouns})\b)", "BRANDOWNS ", clause, flags=re.IGNORECASE)
        clause = re.sub(rf"(?<!\w){name}(?!\w)", "BRANDNAME", clause, flags=re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if word == "BRANDOWNS":
            return "our"
        if word == "BRANDNAME" or lower == "you":
            return "we" if _opens_clause(match.string, match.start()) else "us"
        if third_person and lower in _THIRD_PERSON:
            return _THIRD_PERSON[lower]
        return _SWAP.get(lower, word)

    text = re.sub(r"[A-Za-z]+(?:'[A-Za-z]+)?", swap, clause)
    for pattern, replacement in _AGREEMENT:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\s+", " ", text).strip()
    first = text.split(" ", 1)[0]
    if first and first[0].isupper() and not first.isupper() and first not in proper:
        text = first[0].lower() + text[1:]
    return text


def _reads_as_sentence(clause: str) -> bool:
    words = clause.lower().split()
    return bool(words) and (words[0] in _SUBJECTS or words[:2] == ["no", "one"])


def _proper_nouns(text: str) -> set[str]:
    """Words written with a capital in mid-sentence: names to keep capitalised."""
    return set(re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", text))


def reflect(text: str, evidence: str = "", *, title: str = "", brand: tuple[str, ...] = (), blocked: tuple[str, ...] = ()) -> Reflection | None:
    """What went wrong in their terms, or None when nothing safe and specific can be named back."""
    stop = frozenset(w.lower() for w in blocked)
    body = clean(text)
    candidates = _candidates(clean(evidence), stop) if evidence.strip() else []
    if not candidates:
        candidates = _candidates(body, stop) or [(s - 0.5, n, p, c) for s, n, p, c in _candidates(clean(title), stop)]
    if not candidates:
        return None
    proper = _proper_nouns(body)
    best = max(candidates, key=lambda c: (c[0], -c[1][0], -c[1][1], -c[2]))
    first = _turn(best[3], brand, proper)
    sentence = _reads_as_sentence(first)
    # A second clause from the same run of the sentence ("X, and Y"), never across a "but".
    partners = [c for c in candidates if c[1] == best[1] and c[2] != best[2] and c[0] >= 2]
    if sentence and partners:
        partner = max(partners, key=lambda c: c[0])
        second = _turn(partner[3], brand, proper)
        if _reads_as_sentence(second) and len(first.split()) + len(second.split()) <= MAX_WORDS_TWO_CLAUSES:
            ordered = (first, second) if best[2] < partner[2] else (second, first)
            return Reflection(f"{ordered[0]} and that {ordered[1]}", sentence=True)
    return Reflection(first, sentence=sentence)
