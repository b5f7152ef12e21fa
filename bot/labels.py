"""The team's own decisions as training data: `complaint-bot export-labels`."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseStatus
from bot.pipeline import mention_text

# Resolved as a real problem -> a complaint (1); "not a complaint" -> a false alarm (0).
# Trolls and "not actionable" say nothing clear about negativity and are left out.
COMPLAINT_CAUSES = ("isolated", "systemic")


def labelled_cases(session: Session) -> list[tuple[str, int]]:
    rows = []
    for case in session.scalars(select(Case).where(Case.status.in_((CaseStatus.RESOLVED, CaseStatus.DISMISSED))).order_by(Case.id)):
        if case.status == CaseStatus.DISMISSED and case.dismissed_reason == "false_positive":
            label = 0
        elif case.status == CaseStatus.RESOLVED and case.root_cause in COMPLAINT_CAUSES:
            label = 1
        else:
            continue
        rows.extend((mention_text(m), label) for m in case.mentions)
    return rows


def write_tsv(rows: list[tuple[str, int]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(["text", "label"])
        for text, label in rows:
            writer.writerow([" ".join(text.split()), label])  # one line per row: tabs and newlines become spaces
