"""What kind of trouble the complaint is about, and the next step that fits it. Pure and deterministic.

The seeds' advice: a reply that could be pasted under any complaint is worse than none. So the
draft's middle is the situation's own: a lost order asks for the order number and offers to
re-send or refund; a crash asks for the app version and device and gives a way round it and
when the fix comes; rude staff gets an apology, is asked which store and when, and is offered
a call from that store's manager. Found in their words first; failing that, from the topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.drafts.model import DraftInput
from bot.domain.drafts.reflection import clean

# Only the start of a very long post is read: the situation shows early, and the patterns stay cheap.
READ_CHARS = 5000


@dataclass(frozen=True)
class Situation:
    key: str
    # Keys of details.DETAILS this situation needs.
    details: tuple[str, ...]
    # What we are doing about it now, said right after the apology.
    now: str
    # The next step we offer, once we have the details.
    offer: str
    # The next step in a few words, for a post on a network with a small limit.
    short: str
    # A reminder for whoever sends it: what to check or fill in first.
    check: str = ""


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


_GOODS = _words(r"orders?|parcels?|packages?|deliver(?:y|ies)|shipments?|items?|box|purchase|groceries|food|goods")
_FOUND: dict[str, tuple[re.Pattern[str], ...]] = {
    "rude_staff": (
        _words(r"rude|rudely|shouted|yelled|screamed|laughed at|dismissive|condescending|unprofessional|disrespectful|swore at|patroni[sz]ing|treated (?:me|us) like"),
    ),
    "lost_order": (
        _words(r"lost|missing|disappeared|stolen|no sign of|never (?:arrived|came|turned up|showed up|got delivered|delivered|received)|(?:didn't|did not|hasn't|has not|not) (?:arrive|arrived|come|turned up|been delivered)|where is my"),
        _GOODS,
    ),
    "damaged": (_words(r"damaged|crushed|smashed|cracked|dented|leaking|leaked|spilled|torn|arrived broken|broken on arrival"), _GOODS),
    "late_delivery": (_words(r"late|later|delayed|delay|still waiting|overdue|still not here|not here yet|taking forever|missed the delivery"), _GOODS),
    "wrong_charge": (
        _words(r"charged (?:me )?(?:[£$€]?\d[\d.,]* )?(?:twice|double|two times|three times|again|the wrong|too much|after)|double[- ]charged|overcharged|billed twice|extra charge|unauthori[sz]ed (?:charge|payment)"),
    ),
    "refund": (_words(r"refunds?"), _words(r"never|still|waiting|no|not|refused|denied|weeks|months|haven't|hasn't")),
    "cancel": (_words(r"cancel|cancelling|canceling|unsubscribe|subscription|membership"), _words(r"can't|cannot|couldn't|won't let|impossible|still|keeps?")),
    "crash": (
        _words(r"crash|crashes|crashed|crashing|freezes|freezing|froze|frozen|force clos\w*|keeps closing|won't (?:open|load|start)|black screen|white screen|blank screen"),
    ),
    "sign_in": (
        _words(r"log(?:s|ged)? (?:me )?(?:in|out)|login|locked out|sign(?:ed)? (?:me )?(?:in|out)|password|verification code|2fa|account (?:was |is |got )?(?:locked|suspended|disabled|hacked|closed|blocked)"),
    ),
    "outage": (
        _words(r"outage|(?:is|was|went|been|are) down|offline|can't connect|cannot connect|not loading|won't load|error (?:message|code)|500 error"),
    ),
    "faulty": (_words(r"faulty|defective|fell apart|broke (?:after|within|down)|stopped working|poor quality|cheaply made"),),
    "no_answer": (
        _words(
            r"(?:no|never got an?|still no|without an?) (?:reply|response|answer|callback)|never (?:answered|replied|responded|got back|called back)"
            r"|(?:didn't|don't|doesn't|won't) (?:answer|reply|respond|get back)|on hold|hung up|ignor(?:ed|ing|es) (?:my|me|us|our)|unanswered"
            r"|(?:no one|nobody) (?:answers|answered|replies|replied|responds|responded|got back)|waiting for (?:a )?(?:reply|response|answer)"
        ),
    ),
}

SITUATIONS = {
    "rude_staff": Situation(
        "rude_staff",
        ("when_where",),
        "That is not how we want anyone treated by our people.",
        "Once we know where and when, the manager there will call you personally to hear what happened and make it right.",
        "A manager will call you to make it right.",
        "Agree the manager's call with the store before the reply promises it.",
    ),
    "lost_order": Situation(
        "lost_order",
        ("order_number",),
        "A missing parcel is our problem to solve, and we're tracing it with the courier now.",
        "As soon as we find your order we'll either send a replacement at no cost or refund you in full, whichever you'd rather.",
        "We'll re-send it free or refund you in full, your choice.",
        "Check a re-send or full refund is within policy for this order.",
    ),
    "damaged": Situation(
        "damaged",
        ("order_number", "photo"),
        "Nothing should reach you in that state.",
        "A photo is all we need to send a replacement straight away, and there's no need to post the damaged one back.",
        "A photo is enough for us to send a replacement.",
    ),
    "late_delivery": Situation(
        "late_delivery",
        ("order_number", "promised_date"),
        "We're asking the courier exactly where it is right now.",
        "We'll tell you the day it will reach you, and if that's too late we'll cancel it and refund you.",
        "We'll tell you when it arrives, or refund it if that's too late.",
    ),
    "wrong_charge": Situation(
        "wrong_charge",
        ("order_number", "charge"),
        "Being charged wrongly is the last thing anyone needs.",
        "Anything we took in error goes back to your card, and we'll confirm the day the money lands.",
        "Anything taken in error goes straight back to your card.",
    ),
    "refund": Situation(
        "refund",
        ("returned_on", "order_number"),
        "A refund should never take this long.",
        "Our payments team will chase it today and confirm once the money is back with you.",
        "Our payments team will chase it and confirm once it's paid.",
    ),
    "cancel": Situation(
        "cancel",
        ("account_email", "charge"),
        "Leaving should be as easy as joining.",
        "We'll close the subscription for you ourselves and pay back anything charged after you asked to stop.",
        "We'll cancel it for you and repay later charges.",
    ),
    "crash": Situation(
        "crash",
        ("device", "steps"),
        "Our app team is on the crash now.",
        "Until the fix is out, updating to the latest version and restarting the phone gets most people past it, and we'll post here the day the fix ships.",
        "Updating usually gets past it; we'll post when the fix ships.",
        "If the team knows a better workaround or the fix's release date, put it in.",
    ),
    "sign_in": Situation(
        "sign_in",
        ("account_email",),
        "Being shut out of your own account is maddening.",
        "We'll check what's blocking the sign-in and get you back in today.",
        "We'll get you back in today.",
    ),
    "outage": Situation(
        "outage",
        ("symptoms",),
        "Our engineers are working on the fault right now.",
        "We'll post here the moment it's back, and say what went wrong.",
        "We'll post here the moment it's back.",
        "Check the status page says the same as this reply.",
    ),
    "faulty": Situation(
        "faulty",
        ("order_number",),
        "Something you paid for should last far longer than that.",
        "We'll repair or replace it under warranty, with the postage on us.",
        "We'll repair or replace it, postage on us.",
    ),
    "no_answer": Situation(
        "no_answer",
        ("ticket",),
        "Being left without an answer is exactly what should not happen.",
        "One named person from our team will take your case today and stay with it until it's settled.",
        "One person will take your case today and see it through.",
    ),
    # Nothing in their words says more than the topic does.
    "delivery": Situation(
        "delivery", ("order_number",), "We're looking into your delivery now.", "We'll track the order down and tell you what happens next.", "We'll track it down."
    ),
    "billing": Situation(
        "billing", ("order_number", "charge"), "We're going through your bill now.", "If anything on it is wrong, we'll correct it and pay back the difference.", "We'll correct anything wrong."
    ),
    "product": Situation(
        "product", ("device", "steps"), "We're looking into the problem now.", "We'll tell you what's causing it and how to get round it until it's fixed.", "We'll find the cause."
    ),
    "general": Situation("general", ("what_when",), "We're looking into it now.", "Once we know more, we'll tell you what we're doing about it.", ""),
}

_BY_TOPIC = {"delivery": "delivery", "billing": "billing", "product": "product", "account": "sign_in", "support": "no_answer", "staff": "rude_staff"}


def situations_of(draft_input: DraftInput) -> list[Situation]:
    """The complaint's situations, the most telling first; by topic when their words say nothing specific.

    Each one's details are asked for; the first one's next step is offered."""
    text = clean(f"{draft_input.title}\n{draft_input.text}"[:READ_CHARS])
    found = [SITUATIONS[key] for key, patterns in _FOUND.items() if all(pattern.search(text) for pattern in patterns)]
    if not found:
        found = [SITUATIONS[_BY_TOPIC[topic]] for topic in draft_input.topics if topic in _BY_TOPIC]
    return list(dict.fromkeys(found)) or [SITUATIONS["general"]]
