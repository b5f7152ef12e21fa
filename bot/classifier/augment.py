"""Generated training rows for what the public sets rarely show: plain factual complaints, sarcasm, negated
praise and negated complaints, and the neutral look-alikes of each (release notes, plain reports of events, brand news
such as launches, prices, renewals and arrivals: text written to or about a brand with nothing wrong in it), and
paragraphs of everyday life, the neutral part of a blog post, which use the words of complaints (hours, waited, lost,
refused) with no one wronged.

Its own templates, fillers and wordings: the behavioural suite (behaviour_cases.py) is written separately and
never trained on, so it measures whether these lessons generalise rather than whether they were memorised.
Every complaint pattern has a non-complaint twin of the same shape, so the model learns the difference, not
the shape. Deterministic (seeded).
"""

from __future__ import annotations

import random
from itertools import product

SLOTS: dict[str, tuple[str, ...]] = {
    "co": ("Contoso", "Northwind", "Fabrikam", "Tailspin", "Umbra Energy", "the bank", "my insurer", "the council"),
    "thing": ("fridge", "tablet", "sofa", "boiler", "TV", "parcel", "bike", "camera", "modem", "oven"),
    "span": ("a fortnight", "nine days", "since March", "two months", "since last week", "eleven days"),
    "when": ("on Saturday", "this morning", "last night", "yesterday", "at 8am"),
    "plan": ("contract", "subscription", "membership", "home insurance", "phone plan", "energy tariff"),
    "price": ("£12", "$30", "€8.50", "£240", "$15.99"),
    "place": ("Bristol", "Austin", "Valencia", "Gdansk", "Nairobi", "Glasgow"),
    "who": ("my sister", "Tom", "our neighbour", "my partner", "Grandad", "Maya"),
}
COMPLAINTS = (
    # Plain facts that are complaints.
    "Stayed home {when} waiting for {co} to deliver the {thing}, it never showed up",
    "{co} promised a callback {span} ago. Still nothing",
    "Paid {co} for a {thing} {span} ago and have received nothing but excuses",
    "The {thing} from {co} stopped working after one week and they will not replace it",
    "{co} cancelled my appointment {when} with no warning, second time now",
    "Been trying to reach {co} {span} about the {thing}, every call drops after an hour in the queue",
    "{co} debited my account again for a {thing} I returned {span} ago",
    "Engineer from {co} left {when} and the {thing} is still leaking",
    "{co} delivered a {thing} with a smashed door and expect me to cover the postage back",
    "Four emails to {co} about the missing {thing} and not one reply",
    # Sarcasm: praise words around a bad experience.
    "What a fantastic way to spend my day off, on hold with {co} {when}",
    "Really loving the {co} app logging me out every five minutes",
    "Cheers {co} for losing my {thing}, top notch work as usual",
    "Way to go {co}, the {thing} arrived in pieces. Stellar packaging",
    "Couldn't be happier that {co} charged me twice for one {thing}. Truly world class",
    "Amazing how {co} manages to break the {thing} every single update. Bravo",
    "Perfect, just perfect. {co} lost the {thing} again",
    "10/10 experience, {co} kept me waiting {span} for a {thing} that never came",
    "Gotta love {co}, {span} and still no {thing}",
    "Another outstanding day with {co}: no {thing}, no refund, no reply",
    "Oh wonderful, {co} wiped my {thing} settings overnight. Lovely stuff",
    "Just what I wanted {when}: {co} sending the wrong {thing} for the third time",
    "Love it when {co} reboots the {thing} in the middle of a call. Marvellous",
    "As usual {co} is nowhere to be seen, {span} without a working {thing}. Splendid",
    "Oh joy, {co} raised the price again and the {thing} still drops out",
    "So glad {co} made me wait {span} for a {thing} that arrived broken",
    "Great job {co}, the {thing} caught fire {when}",
    "Just perfect, the {co} {thing} froze halfway through a payment {when}. Amazing",
    "Wow thanks {co}, a {thing} with no charger and no manual. Genius",
    "Yay, {co} lost my booking for the {thing} again. Best company ever",
    "Five stars to {co} for teaching me patience, {span} waiting for my {thing}",
    "Well done {co}, you managed to lose a whole {thing}",
    "Superb customer care from {co}: hung up on me twice {when}",
    "Thrilled that {co} doubled my bill {when}. Exactly what I wanted",
    "Can't thank {co} enough for breaking my {thing} on day one",
    # Negated praise.
    "The {thing} from {co} is not good at all",
    "Not happy with {co}, the {thing} is not what they advertised",
    "{co} support wasn't helpful in the slightest",
    "Would not recommend {co}, the {thing} doesn't even turn on",
    "The {thing} {co} sent is not working and they are not answering",
    "Not impressed, {co} still hasn't sorted the {thing}",
    "Not one bit happy with the {co} {thing}, it keeps shutting down",
    "Never any help from {co} about the {thing}, {span} of excuses",
    "No answer from {co} in {span} about my {thing}",
    "Nothing works on the {thing} {co} sent {when}",
    "I was not pleased, {co} scratched the {thing} during the install",
    # The twins of announcements, renewals and arrivals: the same news, with something gone wrong.
    "{co} puts the {plan} up to {price} a month, the second rise this year",
    "Renewed my {plan} with {co} {when} and they billed {price} more than quoted",
    "The {thing} from {co} turned up {when} with the box crushed and parts missing",
    "Switched our office to {co} {span} ago and the {thing} has dropped out every day since",
    "{co} launched in {place} {span} ago and I still cannot get an installation date",
    "Upgraded to the {co} {plan} and lost half my channels",
    "Collected the {thing} from the {co} shop {when} and it will not even switch on",
    "Signed up for the {co} {plan} {when} and the first bill is already wrong",
    # Negated praise and unmet expectations, said at length.
    "Not once in {span} has {co} called me back about the {thing}",
    "The {thing} from {co} hasn't worked a single day since {when}",
    "My hopes for {co} were low and the {thing} still managed to let me down",
    "Had my doubts about {co} and sadly the {thing} proved me right, dead in {span}",
    "Nobody from {co} has been in touch about the {thing} in {span}",
    "Have yet to receive the {thing} {co} promised {span} ago",
    # Sarcasm: a bad experience, then a line of praise it does not mean.
    "{co} wiped every setting on my {thing} overnight. Top engineering",
    "The {co} {thing} froze again halfway through a call. Quality stuff",
    "Another {price} fee from {co} for absolutely nothing. Made my day",
    "{co} disconnected my {plan} {when} without a word. Magnificent",
    "My {thing} from {co} gave up after {span}. Built to last, clearly",
    "Spent all of {when} listening to the {co} hold music. Loving life",
    "{price} every month to {co} for a {plan} that drops out each evening. Bargain",
    "Impressive, {co} lost the {thing} and then lost the complaint about it",
    "What a treat, the {co} {thing} has to be reset every single morning",
    "{co} charged me {price} to fix the {thing} they broke. Class act",
    "Ten out of ten to {co} for sending the {thing} to the wrong town again",
    "Delighted to spend my {when} chasing {co} about a {thing} they never sent",
    "Brilliant news, {co} has moved my delivery for the fourth time. Wonderful stuff",
    "Nice of {co} to double my {plan} price without telling me. Very generous",
    "Always a pleasure when the {co} {thing} restarts mid-download. Stellar",
    # A paragraph of everyday life with a complaint about the company in it: the twins of the stories below.
    "Spent the weekend in the garden with {who}, which was the good part. The {thing} {co} delivered for it came bent and nobody there will answer about a replacement.",
    "Moving house is nearly done, no thanks to {co}. They pushed the {plan} start date back twice and we have had no internet for {span}.",
    "The kids' football season ended {when} and I missed the final, stuck on hold to {co} about a {thing} that never arrived.",
    "Planning the summer trip to {place} with {who}, except {co} took {price} for the tickets and the booking has vanished from my account.",
    "Baking bread has become a weekend habit, but the {co} oven we bought {span} ago already heats unevenly and their engineer has failed to turn up twice.",
    "Our team moved offices {span} ago and {co} still has not connected the {plan}. Every promised date comes and goes without a call.",
    "Ran my first 10k in {place} {when}, then came home to find {co} had charged me {price} for a {plan} I cancelled.",
    "Finally sat down to relax after a long week and the {co} {thing} refused to turn on again. Third time this month.",
)
NON_COMPLAINTS = (
    # Plain facts that are not complaints (same shapes as above).
    "Stayed home {when} so {co} could deliver the {thing}, all done in ten minutes",
    "{co} called back within the hour as promised",
    "Paid {co} for a {thing} {span} ago and it has worked perfectly since",
    "The {thing} from {co} needed a firmware update and now it runs fine",
    "{co} moved my appointment to {when} at my request",
    "Rang {co} {when} about the {thing}, sorted on the first call",
    "{co} refunded the {thing} I returned, right on time",
    "Engineer from {co} came {when} and the {thing} is fixed",
    # Release notes and news: "fixed", "crash", "bug" without anyone hurt.
    "{co} changelog: fixed a bug where the {thing} screen froze, improved battery life",
    "Version 4.2 of the {co} app resolves an issue with login errors and adds dark mode",
    "{co} announces new {thing} line, available {when} in stores",
    "{co} patched the outage reported {when}, all services running normally",
    "{co} update 3.1 resolves a freeze on startup and a login error on the {thing}",
    "Patch notes: bug fixes for the {co} {thing} app, sync errors addressed",
    "New {co} firmware for the {thing} fixes the overheating bug",
    "The known issue with the {co} {thing} has been resolved, thanks for your patience",
    # Negated complaints.
    "No problems at all with the {thing} from {co}",
    "Not a single issue with {co} in {span}",
    "The {thing} from {co} is not bad, better than I expected",
    "{co} never let me down, the {thing} still works like new",
    "{co} did a good job, nothing is wrong with the {thing}",
    "Can't complain about {co}, quick and friendly",
    "The {co} engineer was never late, not once in {span}",
    "Nobody at {co} was rude, they sorted the {thing} {when}",
    "I don't regret buying the {thing} from {co} at all",
    "No hassle with {co}, the {thing} came {when}",
    "Setting up the {thing} wasn't a nightmare after all, thanks {co}",
    "Nothing broken, nothing missing, the {thing} from {co} arrived {when}",
    "Not unhappy with the {thing}, {co} kept their word",
    "Didn't have to chase {co} once about the {thing}",
    "The {co} {thing} was not expensive at all and it is still going strong",
    "Wasn't awful like people said, the {co} {thing} does the job",
    "Never had any trouble with {co} in {span}",
    "No issues whatsoever with the {co} {thing}",
    "Not one problem with the {thing} since {co} installed it {when}",
    "I was not disappointed by {co}, the {thing} is solid",
    "Nothing to complain about, {co} sorted the {thing} {when}",
    "The {thing} from {co} is not too bad, it does the job",
    # Sarcasm markers around sincere praise: the marker alone is not a complaint, what happened decides.
    "Oh wonderful, {co} fixed my {thing} {when}. Lovely stuff",
    "Just what I wanted {when}: a new {thing} from {co}",
    "Love it when {co} delivers the {thing} a day early",
    "As usual {co} sorted the {thing} in minutes. Splendid",
    "Oh joy, the {thing} from {co} arrived {when}",
    "So glad I chose {co}, the {thing} works perfectly after {span}",
    "Great job {co}, the {thing} was installed {when}",
    "Just perfect, the {co} {thing} was set up in minutes {when}. Amazing",
    "Wow thanks {co}, a free {thing} upgrade. Genius",
    "Yay, {co} found my booking for the {thing}. Best company ever",
    # Sincere praise.
    "Fantastic service from {co} {when}, the {thing} was set up in minutes",
    "Really loving the new {thing} from {co}",
    "Well done {co}, the {thing} arrived {when} as promised",
    "Superb customer care from {co} {when}, sorted in minutes",
    "Thrilled with my new {thing} from {co}. Exactly what I wanted",
    "Can't thank {co} enough for fixing my {thing} so fast",
    "Five stars to {co}, the {thing} was delivered {when}",
    "Gotta love {co}, {thing} delivered {when} and set up in minutes",
    # Announcements, prices, renewals, arrivals and plans: brand news with nothing wrong in it.
    "{co} opens its first shop in {place} next month",
    "{co} is launching the {thing} in {place} this spring, prices from {price}",
    "{co} are recruiting engineers in {place}, applications close {when}",
    "Extended my {plan} with {co} for another twelve months",
    "Renewed my {plan} with {co} {when}, same price as last year",
    "The {thing} from {co} turned up {when}, unboxing it tonight",
    "Switched our office to {co} {span} ago, no issues so far",
    "Upgraded to the {co} {plan}, {price} a month with more included",
    "Collected the {thing} from the {co} shop {when}, installing it later",
    "Signed up for the {co} {plan} {when}, first bill is {price}",
    "Booked a {co} engineer for {when} to fit the new {thing}",
    "The {co} {plan} rolls out across {place} from next week",
    "Our school has run on {co} for {span} without a hitch",
    "Thinking of moving my {plan} to {co}, has anyone here used them?",
    "Paid the {co} bill {when}, all settled for the year",
    "{co} sponsors the {place} marathon again this year",
    "Testing the new {co} {thing} at work this week, first impressions tomorrow",
    "{co} has published its prices for the {plan}: {price} a month",
    # Negated complaints said at length, and low expectations met.
    "Not once in {span} have I had to ring {co} about the {thing}",
    "The {thing} from {co} hasn't given me a day of trouble since {when}",
    "{co} has not missed a single delivery slot in {span}",
    "My hopes for {co} were low, yet the {thing} has turned out excellent",
    "Had my doubts about {co}, yet the {thing} works a treat",
    "Not a moment's hassle from the {co} {thing} in {span}",
    "The {co} {thing} hasn't failed me once, not even in the cold",
    "I have yet to find a fault with the {thing} {co} sent",
    "The {co} app has not crashed on me once this year",
    "Never needed their helpline, the {co} {thing} has simply worked for {span}",
    "Zero trouble with the {co} {plan} in {span}",
    # Praise after good news, the sincere twins of the sarcasm above.
    "{co} kept every setting on my {thing} through the update. Top engineering",
    "The {co} {thing} has not dropped a call in {span}. Quality stuff",
    "{co} waived the {price} fee {when} without me asking. Made my day",
    "My {thing} from {co} is still going strong after {span}. Built to last",
    "{price} every month to {co} for a {plan} that never drops. Bargain",
    "{co} replaced the {thing} the same day. Class act",
    "Delighted with the {thing}, {co} delivered it {when}",
    "Always a pleasure dealing with {co}, the {thing} was swapped {when}",
    # Everyday life at a paragraph's length, in words complaints also use (waited, hours, lost, refused, still):
    # the neutral paragraphs of a blog post, which say nothing against anyone.
    "Spent the weekend in the garden with {who}. The tomatoes took weeks to ripen this year, but we finally picked the first bowl and the beans are still coming.",
    "{who} started guitar lessons {span}. The first weeks were slow and the whole street must know the same three chords by now, but it is coming along.",
    "The kids' football season ended {when}. We lost more games than we won, nobody minded, and the coach took the whole team out for pizza afterwards.",
    "Moving house is nearly done. We waited {span} for the keys, packed for days, and {who} still insists on labelling every single box by hand.",
    "Ran my first 10k in {place} {when}. The last two kilometres were hard going and I was slower than I hoped, but I finished and will try again in spring.",
    "Baking bread has become a weekend habit. The first loaves came out flat and dense, and it took {who} and me a dozen tries to get a crust worth keeping.",
    "The choir rehearses every Thursday now the concert is close. Hours on the same four bars, a conductor who misses nothing, and still the best part of my week.",
    "Planning the summer trip to {place} with {who}. The train takes eleven hours each way, which we decided is part of the holiday rather than the cost of it.",
    "Our team moved offices {span}. Everyone is still learning which door their badge opens and where the good chairs ended up.",
    "The dog next door barks at the postman every morning at eight sharp. {who} says it beats an alarm clock, and honestly that is fair.",
    "Finished the last chapter of a very long novel {when}. Nine hundred pages, three family trees and an ending I did not see coming.",
    "Half term was a blur of museums, rain and board games. {who} won every round of cards and has refused a rematch ever since.",
)


def _fill(template: str, rng: random.Random, count: int) -> list[str]:
    names = [n for n in SLOTS if "{" + n + "}" in template]
    combos = list(product(*(SLOTS[n] for n in names)))
    rng.shuffle(combos)
    return [template.format(**dict(zip(names, combo))) for combo in combos[:count]]


def generated_rows(seed: int, per_template: int = 16) -> tuple[list[str], list[int]]:
    """Texts and labels (1 complaint, 0 not), `per_template` of each template, shuffled."""
    rng = random.Random(seed)
    rows = [(text, label) for label, templates in ((1, COMPLAINTS), (0, NON_COMPLAINTS)) for t in templates for text in _fill(t, rng, per_template)]
    rng.shuffle(rows)
    return [t for t, _ in rows], [y for _, y in rows]
