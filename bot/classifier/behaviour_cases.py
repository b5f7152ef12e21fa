"""The behavioural suite's own cases: templates x fillers, written for these tests. Pure data and a generator.

Kept apart from the training augmentation (bot/classifier/augment.py), which uses different templates and
wordings: the suite measures how the detector generalises, so nothing here is ever trained on.
"""

from __future__ import annotations

import random
from itertools import product
from string import Formatter

BRANDS = ("Acme", "Globex", "Initech", "Hooli", "Vandelay", "Stark Mobile")
FILLERS: dict[str, tuple[str, ...]] = {
    "brand": BRANDS,
    "product": ("router", "kettle", "phone", "laptop", "washing machine", "headphones", "smart meter", "printer"),
    "service": ("broadband", "delivery service", "customer support", "mobile plan", "banking app", "streaming service"),
    "days": ("three", "four", "five", "six", "ten"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "city": ("Leeds", "Lyon", "Denver", "Porto", "Osaka", "Cork"),
    "person": ("Sam", "Priya", "Tomasz", "Aisha", "Jonas", "Mei"),
    "amount": ("£40", "$85", "€120", "£19.99", "$310"),
    "order": ("#48213", "#A-99310", "number 55120", "#7741-B", "#300218"),
}

CLEAR_COMPLAINTS = (
    "{brand} charged me twice for my {product} and still refuses to refund the {amount}.",
    "My {brand} {product} gave me an electric shock when I plugged it in. This is dangerous.",
    "The {brand} {product} broke after two days and support just keeps closing my ticket.",
    "Order {order} from {brand} never arrived and nobody answers my emails. Awful service.",
    "The {brand} agent was incredibly rude to me on the phone and hung up twice.",
    "Still waiting on my refund from {brand}, {days} weeks now. Absolutely unacceptable.",
    "{brand} {service} has been down for {days} days and they keep lying about a fix.",
    "The new {brand} update made my {product} useless, it crashes constantly. Terrible.",
    "Worst experience ever with {brand} {service}, lost my order and blamed me for it.",
    "{brand} overcharged me {amount} and the billing team ignores every complaint I send.",
    "{brand} lost my {product} in the post and now refuses any responsibility. Disgraceful.",
    "Cancelled my {brand} {service} {days} times and they still charge me {amount}. Scam.",
    "The {brand} {product} overheats and smells of burning plastic. Really scary.",
    "{brand} support promised a callback {days} times. Never happened. Useless.",
    "Appalling, {brand} sent a broken {product} and wants me to pay for the return.",
    "Furious with {brand}: order {order} was cancelled without notice and my money is gone.",
    "Not only did {brand} lose my {product}, they charged me {amount} for it.",
)
CLEAR_NON_COMPLAINTS = (
    "Picked up a new {product} from {brand} in {city} today, really happy with it!",
    "{brand} announces its new {product} range, in shops from {weekday}.",
    "Thanks {brand}, the {service} team sorted my question in five minutes. Brilliant.",
    "Does anyone know if the {brand} {product} comes in black?",
    "{brand} release notes: fixed a crash when opening settings, faster sync for large folders.",
    "Meeting {person} at the {brand} store in {city} on {weekday} to look at the {product}.",
    "Love my {brand} {product}, best purchase this year.",
    "{brand} {service} now available in {city}, starting at {amount} a month.",
    "Great chat with {person} from {brand} about their plans for the {product}.",
    "Order {order} from {brand} arrived a day early and well packed. Thank you!",
    "The {brand} {product} I ordered on {weekday} came today, setting it up now.",
    "{brand} is hiring support staff in {city}, apply by {weekday}.",
    "Comparing the {brand} {product} with a cheaper one, any tips?",
    "Just renewed my {brand} {service} for another year.",
    "{person} says the {brand} store in {city} opens at nine on {weekday}.",
    "Our team moved to the {brand} {service} last month and it has been smooth.",
    "Cannot wait to try the {brand} {service} in {city} next week.",
)
NEGATED_POSITIVES = (
    "Honestly the {brand} {product} is not bad at all.",
    "No complaints about the {brand} {service} so far.",
    "Never had a single problem with my {brand} {product}.",
    "The {brand} {service} was not slow at all today, nice surprise.",
    "Can't fault the {brand} team, nothing went wrong with order {order}.",
    "The {brand} {product} isn't terrible like the reviews said, it works fine.",
    "Not disappointed with {brand} this time, the {product} arrived in one piece.",
    "I have no issues with the {brand} {service}, it just works.",
    "Nothing wrong with the {brand} {product} so far, it does what it says.",
    "I was not expecting much from {brand}, but the {service} has been fine.",
    "Never once had to call {brand} about my {service} in {days} years.",
    "Not a single issue with order {order} from {brand}, it came on {weekday} like they said.",
    "Can't complain about {brand}, the {product} is still as good as the day I bought it.",
    "The {brand} {service} wasn't down once this month.",
    "Don't understand the bad reviews, my {brand} {product} has never caused me a moment's bother.",
    "No problems at all setting up the {brand} {product} in {city}.",
)
FACTUAL_COMPLAINTS = (
    "Took the day off for the {brand} engineer to fix my {product}. Nobody came.",
    "Ordered a {product} from {brand} on {weekday}. Tracking has said 'out for delivery' for {days} days.",
    "Third call to {brand} this week about my {service}. Each time I am told someone will call back.",
    "{brand} took {amount} from my account for order {order}. The order was cancelled a month ago.",
    "Booked a {brand} {service} installation for {weekday}, waited in all day, no one turned up and no message.",
    "My {brand} {product} was sent for repair {days} weeks ago and I have heard nothing since.",
    "{brand} says my {product} is out of warranty. I bought it {days} months ago.",
    "The {brand} {product} I paid {amount} for arrived with a cracked screen and the box was open.",
    "Called {brand} {days} times about my {service}. The line goes dead after the hold music.",
    "{brand} sent me a {product} with someone else's name on the box and the wrong charger.",
    "My {brand} {service} bill went from {amount} to double that this month with no letter.",
    "The {brand} engineer came on {weekday}, looked at the {product} for five minutes and left. It still does not turn on.",
    "Returned the {product} to {brand} {days} weeks ago. The {amount} has not come back to my card.",
    "Asked {brand} in {city} to close my account in March. They are still taking {amount} a month.",
    "{brand} moved the delivery of order {order} three times and now says it was delivered. It was not.",
    "The {brand} {product} lasted {days} days before the screen went black.",
)
SARCASTIC_COMPLAINTS = (
    "Oh great, {brand} deleted all my photos again... Fantastic job guys.",
    "Thanks {brand} for cancelling my order {order} without telling me. Just what I needed.",
    "Love how the {brand} {product} dies every time I actually need it. Really impressive.",
    "Wow, only {days} hours on hold with {brand} today. Such amazing customer service.",
    "Brilliant, another {amount} charge from {brand} for nothing. Keep it up.",
    "So glad I paid extra for {brand} express delivery so my {product} could arrive a week late.",
    "Nice one {brand}, the {service} is down again right before my deadline. Perfect timing as always.",
    "Yeah, thanks {brand}, your update bricked my {product}. Great work.",
    "Wow {brand}, {days} weeks to answer one email. Lightning fast, as ever.",
    "Great, the {brand} {product} needs another reboot. My favourite hobby.",
    "Thank you {brand} for the surprise {amount} fee. Exactly how I wanted to start my {weekday}.",
    "Five stars to {brand} for losing order {order} twice. Impressive consistency.",
    "Really appreciate {brand} cutting off my {service} mid-call. Lovely touch.",
    "Fantastic, {brand} support closed my ticket again without reading it. Top service.",
    "Nothing says we value you like {brand} keeping me on hold for {days} hours.",
    "Love paying {amount} a month for a {brand} {service} that works one day in three.",
)
# Something else went wrong (the weather, a queue, a delay, a landlord) and the brand is mentioned in passing, kindly
# or neutrally: #18 asks for negativity about the brand, not about the weather or the queue.
SOMEONE_ELSES_FAULT = (
    "Stuck in the rain for an hour waiting for the bus, at least my {brand} {product} kept me sane.",
    "Flight delayed {days} hours, so I'm catching up on shows with the {brand} {service}.",
    "Terrible traffic on the way to {city} today. Listening to podcasts on my {brand} {product} to stay calm.",
    "Worst week at work in ages. The only thing that went right was the {brand} {product} arriving early.",
    "My landlord still hasn't fixed the heating, so I'm working from a café in {city} with the {brand} {product}.",
    "Lost my keys, missed the train and spilt coffee on my shirt. The {brand} {service} was the one thing that worked today.",
    "The referee was a disgrace tonight. Watched it on the {brand} {service} in perfect quality, sadly.",
    "So tired of this heatwave. The {brand} {product} is the only reason I got any sleep.",
    "Our team lost again on {weekday}. At least the {brand} {service} stream never dropped.",
    "Sat in a two-hour queue at the passport office with nothing but my {brand} {product} for company.",
    "The council still hasn't collected our bins. Spent {weekday} evening on the {brand} {service} instead of fuming.",
    "Awful cold this week, spent {weekday} in bed watching films on the {brand} {service}.",
    "Hospital waiting room for {days} hours. Grateful the {brand} {product} battery lasted.",
    "The roadworks outside our flat start at seven every morning. Thank goodness for my {brand} {product}.",
    "Rained for the whole holiday in {city}. The photos from the {brand} {product} still came out lovely.",
    "Train cancelled, replacement bus an hour late, {person} furious. Booked the taxi home through the {brand} {service} in a minute.",
)
NEUTRAL_PARAGRAPHS = (
    "This weekend I finally cleared out the garage. Most of the boxes held old school books and a surprising "
    "number of extension cables, which went to the recycling centre on Saturday morning.",
    "We have been cooking more at home lately. {person} found a recipe for a slow lentil stew with cumin and "
    "lemon, and it has become the standard Tuesday dinner in our house.",
    "The walk along the river in {city} is lovely in autumn. We usually start at the old bridge, follow the "
    "towpath past the allotments and stop for tea at the kiosk by the lock.",
    "Work has been busy with the end of the quarter. Most days are spreadsheets and planning meetings, and I have "
    "started blocking an hour each afternoon to answer email in one go.",
    "I have been reading a history of the railways, which is longer than I expected. The chapters on how the "
    "timetables were drawn up by hand are the most interesting part so far.",
    "Our cat has discovered the radiator shelf and now spends most evenings there. {person} bought her a small "
    "cushion for it, which she ignored for a week and now refuses to leave.",
)
LONG_POST_COMPLAINTS = (
    "Then there is {brand}. Took the day off on {weekday} for their engineer to fix the {service}, and nobody "
    "came. Two more calls, two more promised visits, and still no engineer and no apology.",
    "The low point was {brand}. They charged me {amount} twice for order {order}, refused a refund and closed my "
    "complaint without reading it. I have never been treated this badly by a company.",
    "Meanwhile my {brand} {product} stopped working for the third time this month. Support keeps telling me to "
    "restart it, and the replacement they promised {days} weeks ago never arrived.",
    "One thing made the week worse: {brand} cut off my {service} by mistake and it took {days} days and endless "
    "calls to get it back. Nobody there seemed to care.",
)
# A post that names the brand in passing, then complains about it a paragraph or two later as "they", as people write.
BRAND_IN_PASSING = (
    "We switched our broadband and phones to {brand} in the spring, mostly for the price.",
    "I have been a {brand} customer for about three years now, since we moved to {city}.",
    "A few weeks ago I ordered a new {product} from {brand}.",
    "At work we moved our accounts over to {brand} last autumn.",
)
REFERRED_COMPLAINTS = (
    "Since then they have charged me twice for the same month, and nobody answers my emails about it.",
    "The {product} they sent stopped working after a week, and their support keeps closing my ticket without a word.",
    "Their engineer was booked for {weekday}. I took the day off, nobody came and nobody called either.",
    "They cancelled the order without telling me and still have not refunded the {amount}.",
    "Every call to their helpline drops after forty minutes on hold, and the chat just sends me back to the phone.",
    "Their app has logged me out every day this week and the reset link never arrives.",
)
# Complaints about someone else, who is "they" too: a post that names the brand in passing and then complains about
# the neighbours is not a complaint about the brand. In the last two, "they" is in the first sentence, after its own
# antecedent: the passages' reading of "they" takes them for the brand.
OTHERS_TO_BLAME = (
    "Our neighbours are renovating. They started drilling at seven again this morning and left rubble all over the pavement.",
    "The builders we hired for the kitchen have vanished. They took the deposit in May and have not answered a call since.",
    "My in-laws stayed for the week. They complained about the spare bed every night and left the heating on full.",
    "The council closed our road for roadworks. They gave us two days' notice and the diversion adds twenty minutes each way.",
    "When the removal men finally turned up they dropped the mirror on the stairs and blamed the banister.",
    "The people upstairs had a party until three, and they never answer the door when we knock about the noise.",
)
# Appended to a case; its score must not go down.
FURIOUS = "I am furious."
# Neutral additions for INV tests: none of them carries sentiment.
LINKS = ("https://example.com/support/ticket/4411", "https://www.example.org/news/2024/11/update.html", "http://shop.example.net/p?id=88")
SHORT_LINKS = ("bit.ly/3xYz9Qa", "https://t.co/Ab12Cd34", "tinyurl.com/y6k2p8m", "goo.gl/maps/Q1w2E3")
HANDLES = ("@AcmeHelp", "@sam_k", "@GlobexSupport", "@newsdesk", "@priya_travels")
# Topic tags: a tag that names a complaint channel (#CustomerService) is a signal in this domain, not noise.
HASHTAGS = ("#weekend", "#Monday", "#tech", "#TravelTuesday", "#homeoffice", "#Leeds")
EMOJI = ("📦", "📱", "☕", "🏠", "🚗", "💻", "📅")
MARKUP = ("<b>{}</b>", "**{}**", "<p>{}</p>", "_{}_", "<https://example.com/x|{}>", "> {}", "[{}](https://example.com)")
# How a message to a company opens and closes. The last three closings are requests no cleaning removes: they measure
# what a sign-off the detector does not know does.
GREETINGS = ("Hi,", "Hello team,", "Dear customer service,", "Hey guys,", "Good morning,", "Hi there,")
SIGN_OFFS = ("Thanks.", "Thank you!", "Thanks in advance.", "Cheers", "Kind regards, Sam", "🙏", "Many thanks, Priya",
             "Looking forward to your reply.", "Hope you can help.", "Appreciate any help.")


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name]


def fill(templates: tuple[str, ...], rng: random.Random, count: int) -> list[str]:
    """Up to `count` distinct texts: every template in turn, each with fillers drawn from all combinations."""
    per_template = [list(product(*(FILLERS[s] for s in dict.fromkeys(_slots(t))))) for t in templates]
    for combos in per_template:
        rng.shuffle(combos)
    found: list[str] = []
    for i in range(max(len(c) for c in per_template)):
        for template, combos in zip(templates, per_template):
            if i < len(combos) and len(found) < count:
                found.append(template.format(**dict(zip(dict.fromkeys(_slots(template)), combos[i]))))
    return found


def long_posts(rng: random.Random, count: int, *, complaint: bool = True) -> list[tuple[str, str]]:
    """(post, brand): 3-5 neutral paragraphs with one complaint paragraph about the brand in the middle: a blog's own
    complaint paragraph, or one of the clear or plainly worded factual complaints (a complaint the detector finds on
    its own must not be lost inside a post). Without `complaint`, the paragraph about the brand is a clear
    non-complaint: a post that must not be flagged, so that catching the complaints in posts is not bought by
    flagging every long text."""
    paragraphs = LONG_POST_COMPLAINTS + CLEAR_COMPLAINTS + FACTUAL_COMPLAINTS if complaint else CLEAR_NON_COMPLAINTS
    posts = []
    for _ in range(count):
        brand = rng.choice(BRANDS)
        neutral = _neutral_paragraphs(rng)
        slots = {name: rng.choice(values) for name, values in FILLERS.items()} | {"brand": brand}
        about_brand = rng.choice(paragraphs).format(**slots)
        middle = max(1, len(neutral) // 2)
        posts.append(("\n\n".join(neutral[:middle] + [about_brand] + neutral[middle:]), brand))
    return posts


def posts_naming_the_brand_earlier(rng: random.Random, count: int, *, about_brand: bool = True) -> list[tuple[str, str]]:
    """(post, brand): 2-4 neutral paragraphs, one naming the brand in passing, and after it (next, or one paragraph
    on) a complaint that calls the company "they": the complaint is about the brand though it does not name it.
    Without `about_brand`, the complaint is about someone else (OTHERS_TO_BLAME): a post that must not be flagged."""
    posts = []
    for _ in range(count):
        slots = {name: rng.choice(values) for name, values in FILLERS.items()}
        neutral = _neutral_paragraphs(rng)
        named = rng.choice(BRAND_IN_PASSING).format(**slots)
        complaint = rng.choice(REFERRED_COMPLAINTS if about_brand else OTHERS_TO_BLAME).format(**slots)
        at, gap = rng.randint(0, len(neutral) - 1), rng.randint(0, 1)
        posts.append(("\n\n".join(neutral[:at] + [named] + neutral[at:at + gap] + [complaint] + neutral[at + gap:]), slots["brand"]))
    return posts


def _neutral_paragraphs(rng: random.Random) -> list[str]:
    """2-4 of the neutral paragraphs, in a random order, their people and places filled in."""
    chosen = rng.sample(NEUTRAL_PARAGRAPHS, rng.randint(2, 4))
    return [p.format(person=rng.choice(FILLERS["person"]), city=rng.choice(FILLERS["city"])) for p in chosen]
