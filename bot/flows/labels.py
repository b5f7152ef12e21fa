"""`complaint-bot export-labels`: the team's own decisions as training data for the detector."""

from __future__ import annotations

from pathlib import Path

from bot.classifier.tsv import write_labelled
from bot.runtime import Runtime
from bot.services import queries


def export(rt: Runtime, path: Path) -> list[tuple[str, int]]:
    with rt.transaction() as session:
        rows = queries.labelled_mentions(session=session)
    write_labelled(rows, path)
    return rows
