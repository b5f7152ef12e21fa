"""The feedback loop teaches the detector a team's own domain: labels written as export-labels writes them,
`train --add` with them, and F1 on held-back texts of that domain goes up.

Both data sets are generated here, deterministically: a general set of shop and delivery mentions (standing
in for the public sets) and a new domain, a file-sync product, whose complaints use words the general set
never shows ("sync stalls", "conflicted copies").
"""

from __future__ import annotations

import random
from pathlib import Path

from bot.classifier.linear import LinearClassifier, LinearModel
from bot.classifier.metrics import scores
from bot.classifier.train import train
from bot.classifier.tsv import write_labelled

GENERAL_BAD = ["my order arrived late and cold", "the driver was rude to me", "they charged me twice and ignore my emails",
               "the parcel never turned up", "worst service I have had, still waiting for a refund", "the box was crushed and the cup broken"]
GENERAL_GOOD = ["my order arrived early and hot", "the driver was lovely and helpful", "great prices and friendly staff",
                "the parcel came a day early", "best service in town, thank you", "the box was neat and everything intact"]
FRAMES = ["{}.", "Honestly, {}!", "Just saying: {}", "{} today.", "Well, {}."]

PRODUCTS = ["Drift", "the Drift app", "Drift for Mac", "the Drift desktop client", "Drift on my phone"]
DOMAIN_BAD = ["keeps stalling at 99 percent on every sync", "makes conflicted copies of half my folders",
              "silently skipped my photo folder on the last backup", "eats the whole CPU while indexing",
              "logged me out and now the vault will not unlock", "shows files as synced that never reached the server",
              "duplicated every file in the shared folder overnight", "wiped the edit history when it updated"]
DOMAIN_OK = ["finished the first sync of my photo folder overnight", "lets me pick which folders to keep offline",
             "moved to version 5 with a new menu bar icon", "now shows upload speed in the status window",
             "supports selective sync for shared folders", "indexed the archive drive in about an hour",
             "added a dark theme to the settings page", "keeps a 30 day edit history for every file"]
DOMAIN_FRAMES = ["{} {}.", "So {} {}", "Update: {} {}", "FYI {} {} since Monday", "Day three and {} {}"]


def general(rng: random.Random) -> list[tuple[str, int]]:
    rows = [(frame.format(text), label) for label, texts in ((1, GENERAL_BAD), (0, GENERAL_GOOD)) for text in texts for frame in FRAMES]
    rng.shuffle(rows)
    return rows * 4


def domain(rng: random.Random) -> list[tuple[str, int]]:
    rows = [
        (frame.format(product, what), label)
        for label, phrases in ((1, DOMAIN_BAD), (0, DOMAIN_OK))
        for what in phrases
        for product in PRODUCTS
        for frame in DOMAIN_FRAMES
    ]
    rng.shuffle(rows)
    return rows[:300]


def f1(model_path: Path, rows: list[tuple[str, int]]) -> float:
    detector = LinearClassifier(LinearModel.load(model_path))
    return scores([label for _, label in rows], [detector.classify(text).score >= 0.5 for text, _ in rows])["f1"]


def test_the_teams_labels_teach_it_their_domain(tmp_path: Path) -> None:
    rng = random.Random(7)
    write_labelled(general(rng), tmp_path / "general" / "train.tsv")
    own = domain(rng)
    taught, held_back = own[:200], own[200:]
    assert len({t for t, _ in taught} & {t for t, _ in held_back}) == 0
    write_labelled(taught, tmp_path / "labels" / "train.tsv")

    train([tmp_path / "general"], out=tmp_path / "before.npz")
    train([tmp_path / "general", tmp_path / "labels"], out=tmp_path / "after.npz")  # what `train --add labels` does

    before, after = f1(tmp_path / "before.npz", held_back), f1(tmp_path / "after.npz", held_back)
    assert after >= before + 0.2, (before, after)
    assert after >= 0.8
    # Still knows the general kind of text it learnt first.
    assert f1(tmp_path / "after.npz", general(random.Random(8))[:60]) >= 0.8
