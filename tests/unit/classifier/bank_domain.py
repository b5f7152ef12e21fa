"""A team domain the shipped detector was never taught: mentions of a mobile bank ("Finch").

Two disjoint banks of wordings: `TRAIN` stands for what the team labelled, `HELD_OUT` for what it will
see next, written with other templates, other problems' phrasing and other chatter. Both mix complaints
(transfers stuck, cards declined, accounts frozen, fees) with neutral and happy bank chatter that uses
the same words ("transfer", "card", "pending", "fee"), which is what makes the domain hard for a
general sentiment model. Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Wordings:
    complaints: tuple[str, ...]
    chatter: tuple[str, ...]
    # What follows a complaint or a chatty remark ("and support has not replied"), each with its own words.
    complaint_tails: tuple[str, ...]
    chatter_tails: tuple[str, ...]
    openers: tuple[str, ...]
    closers_complaint: tuple[str, ...]
    closers_chatter: tuple[str, ...]
    days: tuple[str, ...]
    amounts: tuple[str, ...]
    names: tuple[str, ...]


TRAIN = Wordings(
    complaints=(
        "my transfer to {name} has been pending since {day}",
        "card declined at the supermarket although the balance is fine",
        "{brand} froze my account and nobody tells me why",
        "the app logs me out every time I try to pay",
        "charged a {amount} fee twice for the same transfer",
        "my salary still has not arrived in {brand}, it is {day} already",
        "the card got declined again at the petrol station with money on the account",
        "support chat just loops back to the bot, no human answers",
        "direct debit for my rent bounced even though I had {amount} in the account",
        "{brand} put my payment to {name} on hold for a review that never ends",
        "the exchange rate {brand} gave me was way worse than the one shown",
        "verification rejected my passport photo for the fifth time",
        "my savings pot disappeared from the app after the update",
        "still waiting for the refund of {amount} that {brand} promised on {day}",
        "the ATM kept my card and the app has no way to report it",
        "{brand} blocked my card while I was abroad, stuck without cash",
        "money left my account on {day} but {name} never received it",
        "the app crashes whenever I open the statements tab",
        "they closed my account with {amount} in it and ignore my emails",
        "the contactless payment failed three times in a row today",
    ),
    chatter=(
        "my new {brand} metal card arrived today",
        "moved my salary to {brand}, the setup took five minutes",
        "paid {name} back with an instant {brand} transfer",
        "the {brand} budgeting charts show I spend too much on coffee",
        "{brand} now supports Apple Pay in Portugal",
        "ordered a virtual card for online shopping",
        "the savings rate at {brand} went up this month",
        "does {brand} offer joint accounts?",
        "split the dinner bill with {name} in the app, so easy",
        "the {brand} card works fine abroad, no fees on {day}",
        "just opened a {brand} account for my side business",
        "set up a standing order of {amount} for my rent",
        "the new {brand} app icon looks nice",
        "{brand} sent my card in two days",
        "how do I change my PIN in {brand}?",
        "got {amount} cashback from {brand} this month",
        "transfer to {name} landed in seconds",
        "rounded up my card payments into a savings pot",
        "{brand} support sorted my address change in a minute",
        "checking my spending summary every {day} is a good habit",
        "froze my own card in the app after losing my wallet, unfroze it when I found it",
        "declined the overdraft offer in {brand}, don't need it",
        "the pending tab shows card payments before they settle",
        "a transfer over {amount} needs a second confirmation in {brand}",
        "blocked gambling payments on my card with one switch",
        "{brand} charges no fee for transfers under {amount}",
        "no monthly fee, no branch, just the app",
        "reported a lost card on {day}, the new one is on its way",
    ),
    complaint_tails=(
        "", "", "", " and the money is still stuck", " and it still says pending", " and the ticket is still open",
        " for the second time this week", " and the chat says wait 48 hours", " and now the rent is late",
        " and the status has not changed", " while {name} waits for the money", " and the app says contact support",
    ),
    chatter_tails=(
        "", "", "", " in two taps", " from the app", " on my phone", " and it took a minute",
        " like the app said it would", " and {name} got it straight away", " on {day}",
    ),
    openers=("", "", "Hey {brand}, ", "Ugh, ", "So ", "Update: ", "Honestly ", "@{brand}help "),
    closers_complaint=("", ".", ".", "!", " #fintech", ". Third time this month.", ". Any update?", " again."),
    closers_chatter=("", ".", ".", "!", " #fintech", ". First time this month.", ". Any tips?", " again."),
    days=("Monday", "Tuesday", "last week", "Friday", "the 3rd"),
    amounts=("£20", "£150", "€40", "£1,200", "$60"),
    names=("my landlord", "my sister", "Tom", "a friend", "the garage"),
)

HELD_OUT = Wordings(
    complaints=(
        "it is {day} and my transfer to {name} is still pending",
        "the card was declined at the pharmacy, and the app shows a healthy balance",
        "my {brand} account is frozen, no reason given",
        "{brand} logs me out in the middle of every payment",
        "a double fee on one transfer, {amount} each time",
        "my wages have still not arrived in {brand} since {day}",
        "card declined for the third time this week, yet there is money on it",
        "an hour in the support chat and nobody answered",
        "my gym direct debit bounced although I was {amount} in credit",
        "payment to {name} on hold for a review, a week now",
        "lost {amount} on the exchange rate, nothing like what the app showed",
        "verification fails every time I upload my driving licence",
        "all my savings pots disappeared after the {brand} update",
        "the refund of {amount} that {brand} promised never arrived",
        "cash machine kept my {brand} card and there is no way to report it in the app",
        "{brand} blocked my card on holiday without asking",
        "{name} never received the money that left my account on {day}",
        "the {brand} app crashes on the transactions screen",
        "{brand} closed my account and kept {amount}, my emails are ignored",
        "contactless keeps failing at every till",
        "still no transfer, {day} until now, and {brand} says nothing",
        "declined again at the checkout, {brand} please explain",
    ),
    chatter=(
        "unboxed my new {brand} card this morning",
        "switched my salary over to {brand}, painless",
        "sent {name} their share with a {brand} transfer, arrived instantly",
        "{brand} weekly insights say I eat out a lot",
        "{brand} added Google Pay",
        "made a virtual card for a one-off purchase",
        "interest on my {brand} savings went up",
        "can two people share a {brand} account?",
        "used {brand} to split the taxi with {name}",
        "paid in euros with the {brand} card on {day}, no fees",
        "opened a business account with {brand} yesterday",
        "scheduled a monthly transfer of {amount} to {name}",
        "{brand} has a new dark mode",
        "the replacement card arrived the next day",
        "where do I see my card PIN in {brand}?",
        "earned {amount} cashback with {brand}",
        "the transfer reached {name} almost immediately",
        "spare change from every card payment goes into my savings pot",
        "{brand} updated my phone number in a couple of minutes",
        "reviewing my {brand} spending report on {day}",
        "froze my card in the app while I looked for it, then unfroze it",
        "turned down the {brand} overdraft offer, not for me",
        "card payments show as pending until the shop settles them",
        "{brand} asks me to confirm any transfer over {amount}",
        "switched off online payments on my card until I need them",
        "sending {amount} abroad with {brand} has no fee",
        "no account fee and no queues, only the app",
        "told {brand} my card was stolen on {day}, a replacement is coming",
    ),
    complaint_tails=(
        "", "", "", " and the money has not moved", " and it is still on hold", " and the case is still open",
        " again", " and the chat says two more working days", " and my bills are now overdue",
        " and nothing has changed since", " and {name} is still waiting", " and the app tells me to call",
    ),
    chatter_tails=(
        "", "", "", " with one tap", " in the app", " from my phone", " in under a minute",
        " exactly as the app said", " and {name} had it at once", " on {day}",
    ),
    openers=("", "", "{brand}: ", "Well, ", "Right, ", "PSA ", "@{brand}_app ", "Me today: "),
    closers_complaint=("", ".", ".", "!", " #banking", ". Anyone else?", ". Day two.", " today."),
    closers_chatter=("", ".", ".", "!", " #banking", ". Anyone else?", ". Day two.", " today."),
    days=("Wednesday", "Sunday", "the 2nd", "Thursday", "the 15th"),
    amounts=("£35", "£500", "€90", "£2,000", "$25"),
    names=("my flatmate", "Mum", "Priya", "the plumber", "my brother"),
)


def _mention(rng: random.Random, wordings: Wordings, body: str, complaint: bool, brand: str) -> str:
    fill = {"brand": brand, "day": rng.choice(wordings.days), "amount": rng.choice(wordings.amounts), "name": rng.choice(wordings.names)}
    opener = rng.choice(wordings.openers).format(**fill)
    closer = rng.choice(wordings.closers_complaint if complaint else wordings.closers_chatter)
    tail = rng.choice(wordings.complaint_tails if complaint else wordings.chatter_tails)
    text = (body + tail).format(**fill)
    return opener + (text[0].upper() + text[1:] if not opener else text) + closer


def mentions(wordings: Wordings, count: int, *, seed: int, brand: str = "Finch", complaint_share: float = 0.5) -> list[tuple[str, int]]:
    """`count` distinct labelled mentions (text, 1 = complaint) built from `wordings`."""
    rng = random.Random(seed)
    rows: dict[str, int] = {}
    while len(rows) < count:
        complaint = rng.random() < complaint_share
        body = rng.choice(wordings.complaints if complaint else wordings.chatter)
        rows.setdefault(_mention(rng, wordings, body, complaint, brand), int(complaint))
    return list(rows.items())
