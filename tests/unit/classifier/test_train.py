"""Training's choices: the one threshold is the short texts' (their validation splits); the long texts choose only
how a long text is read (passage size, temperature, `long_shift`), never where short texts are cut."""

from __future__ import annotations

import random
from pathlib import Path

from bot.classifier.train import train
from bot.classifier.tsv import write_labelled

COMPLAINTS = ("my {t} broke again and nobody answers", "still waiting for a refund on the {t}", "the {t} is useless, support ignored me", "the {t} is fine i guess")
PRAISE = ("love the new {t}, works great", "the {t} arrived early, thanks", "happy with my {t} so far", "the {t} is ok but slow")
THINGS = ("phone", "router", "kettle", "laptop", "camera", "bike")


def _said(rng: random.Random, templates: tuple[str, ...]) -> str:
    return rng.choice(templates).format(t=rng.choice(THINGS))


def test_long_texts_do_not_move_the_short_texts_threshold(tmp_path: Path) -> None:
    rng = random.Random(0)
    sets = [tmp_path / "shop", tmp_path / "forum"]
    for folder in sets:
        write_labelled([(_said(rng, COMPLAINTS if i % 2 else PRAISE), i % 2) for i in range(200)], folder / "train.tsv")
    # Long texts whose own best threshold lies beyond the largest long_shift: a choice made with them could only reach
    # it by moving the short texts' threshold too (it did: from -0.45 to +2.25).
    reviews = []
    for _ in range(60):
        complaints = rng.randint(0, 6)
        sentences = [_said(rng, COMPLAINTS) for _ in range(complaints)] + [_said(rng, PRAISE) for _ in range(12 - complaints)]
        rng.shuffle(sentences)
        reviews.append((". ".join(sentences) + ".", int(complaints >= 4)))
    write_labelled(reviews, tmp_path / "reviews" / "dev.tsv")

    with_long = train(sets, tmp_path / "a.npz", long_texts=tmp_path / "reviews" / "dev.tsv")
    without = train(sets, tmp_path / "b.npz")

    assert with_long.threshold_logit == without.threshold_logit
    assert with_long.settings["long_shift"] != 0.0 and with_long.long_text_f1 is not None
