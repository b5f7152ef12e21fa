# TEMP stand-in (uncommitted)
from dataclasses import dataclass
@dataclass(frozen=True)
class Triage:
    severity: str
    topics: tuple
    troll: bool
    reasons: tuple = ()
def assess(text, *, score, reach, rating, config, author_recent_negative=0):
    topics = tuple(t for t, words in config.topics.items() if any(w in text.lower() for w in words))
    return Triage("high" if "refund" in text.lower() else "low", topics, False)
