"""`complaint-bot export-labels`: the team's own decisions as training data for the detector."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.runtime import Runtime
from bot.services import queries


def export(rt: Runtime, path: Path) -> list[tuple[str, int]]:
    with rt.transaction() as session:
        rows = queries.labelled_mentions(session=session)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(["text", "label"])
        for text, label in rows:
            writer.writerow([" ".join(text.split()), label])  # one line per row: tabs and newlines become spaces
    return rows
